import { type CommandErrorCode, CommandErrorCodes, Topics } from '@parley/contracts';
import { CommandRefusedError } from '@parley/messaging';
import { calendarErrorMessage } from './calendar-error.mapper';
import { taskErrorMessage } from '../tasks/task-error.mapper';

const refused = (code: CommandErrorCode, message = 'owner says no') =>
  new CommandRefusedError(Topics.calendarItemGetRequest, code, message);

describe('an owner’s refusal as a per-item EWS error', () => {
  it.each(Object.values(CommandErrorCodes))('maps %s for calendar items and tasks alike (no code is left to a fault)', (code) => {
    const calendar = calendarErrorMessage(refused(code));
    expect(calendar.responseCode).toMatch(/^Error/);
    expect(taskErrorMessage(refused(code)).responseCode).toBe(calendar.responseCode);
  });

  it('words InvalidRequest after what was refused', () => {
    expect(calendarErrorMessage(refused(CommandErrorCodes.invalidRequest))).toEqual({
      responseCode: 'ErrorInvalidRequest',
      messageText: 'The calendar item is not valid.',
    });
    expect(taskErrorMessage(refused(CommandErrorCodes.invalidRequest))).toEqual({
      responseCode: 'ErrorInvalidRequest',
      messageText: 'The task is not valid.',
    });
  });

  it('answers OccurrenceNotFound by index with the out-of-range code, by id with ErrorItemNotFound', () => {
    expect(calendarErrorMessage(refused(CommandErrorCodes.occurrenceNotFound), { byOccurrenceIndex: true }).responseCode).toBe(
      'ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange',
    );
    expect(calendarErrorMessage(refused(CommandErrorCodes.occurrenceNotFound)).responseCode).toBe('ErrorItemNotFound');
  });

  it('uses Exchange’s fixed texts where it has one, else the owner’s message', () => {
    expect(calendarErrorMessage(refused(CommandErrorCodes.itemNotFound, 'no row k1'))).toEqual({
      responseCode: 'ErrorItemNotFound',
      messageText: 'The specified object was not found in the store.',
    });
    expect(taskErrorMessage(refused(CommandErrorCodes.invalidOperation, 'A completed task cannot be reopened that way.'))).toEqual({
      responseCode: 'ErrorInvalidOperation',
      messageText: 'A completed task cannot be reopened that way.',
    });
  });

  it('rethrows what is not a refusal it knows (→ ErrorInternalServerError fault)', () => {
    const bug = new TypeError('undefined is not a function');
    expect(() => calendarErrorMessage(bug)).toThrow(bug);
    expect(() => taskErrorMessage(bug)).toThrow(bug);
  });
});
