import { type CalendarItemView, CommandErrorCodes, type TaskView, Topics } from '@parley/contracts';
import { CommandRefusedError } from '@parley/messaging';
import { ActingMailboxResolver } from '@parley/ews-gateway/auth';
import { CalendarAccess } from '../calendar/calendar-access';
import type { CalendarClient } from '../calendar/calendar.client';
import { FolderIds } from '../folders/folder-ids';
import type { TaskClient } from '../tasks/task.client';
import { bodyXml, directoryUser, operationContext } from '../../../test/ews-operation-fixtures';
import { CopyItemHandler } from './copy-item.handler';
import type { MessageClient } from '../messages/message.client';
import { MoveItemHandler } from './move-item.handler';

const alice = directoryUser('alice@parley.test', 'Alice');
const bob = directoryUser('bob@parley.test', 'Bob');
const folderIds = new FolderIds({ idSecret: 'test-secret' });
const access = new CalendarAccess(new ActingMailboxResolver({} as never), folderIds);
/** A task id as calendar-sync mints them (kind byte 3, 25 bytes); anything else is a calendar id. */
const TASK_ID = Buffer.concat([Buffer.from([3]), Buffer.alloc(24, 1)]).toString('base64url');

function owners() {
  const calendar = {
    move: jest.fn(async (_: string, itemId: string, to: string) => ({ id: itemId, changeKey: `CK-${to}` }) as CalendarItemView),
    get: jest.fn(async () => ({ id: 'SERIES', changeKey: 'CK0' }) as CalendarItemView),
  };
  const tasks = { move: jest.fn(async (_: string, itemId: string, to: string) => ({ id: itemId, changeKey: `CK-${to}` }) as TaskView) };
  const messages = { move: jest.fn(async (_: string, itemId: string, to: string) => ({ id: itemId, changeKey: `CK-${to}` })) };
  const handler = new MoveItemHandler(
    calendar as unknown as CalendarClient,
    tasks as unknown as TaskClient,
    messages as unknown as MessageClient,
    access,
  );
  return { calendar, tasks, messages, handler };
}

const moveTo = (folder: string, ids: string, extra = '') =>
  `<m:MoveItem><m:ToFolderId>${folder}</m:ToFolderId><m:ItemIds>${ids}</m:ItemIds>${extra}</m:MoveItem>`;
const codes = (xml: string) => [...xml.matchAll(/<m:ResponseCode>(\w+)<\/m:ResponseCode>/g)].map((m) => m[1]);

describe('MoveItem', () => {
  it('restores a calendar item to the calendar and answers its id with the new change key (golden)', async () => {
    const { calendar, handler } = owners();
    const answer = await handler.handle(
      operationContext(moveTo('<t:DistinguishedFolderId Id="calendar"/>', '<t:ItemId Id="CAL1" ChangeKey="old"/>'), alice),
    );
    expect(calendar.move).toHaveBeenCalledWith('alice@parley.test', 'CAL1', 'calendar');
    expect(bodyXml(answer)).toBe(
      '<m:MoveItemResponse><m:ResponseMessages><m:MoveItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>' +
        '<m:Items><t:CalendarItem><t:ItemId Id="CAL1" ChangeKey="CK-calendar"/></t:CalendarItem></m:Items></m:MoveItemResponseMessage></m:ResponseMessages></m:MoveItemResponse>',
    );
  });

  it('moves tasks and calendar items by folder id, in request order, a series by RecurringMasterItemId', async () => {
    const { calendar, tasks, handler } = owners();
    const deletedItems = folderIds.identity('alice@parley.test', 'deleteditems').id;
    const ids = `<t:ItemId Id="${TASK_ID}"/><t:RecurringMasterItemId OccurrenceId="OCC1"/><t:ItemId Id="CAL2"/>`;
    const xml = bodyXml(await handler.handle(operationContext(moveTo(`<t:FolderId Id="${deletedItems}"/>`, ids), alice)));
    expect(codes(xml)).toEqual(['NoError', 'NoError', 'NoError']);
    expect([...xml.matchAll(/<t:(\w+)><t:ItemId Id="([^"]+)"/g)].map((m) => [m[1], m[2]])).toEqual([
      ['Task', TASK_ID],
      ['CalendarItem', 'SERIES'],
      ['CalendarItem', 'CAL2'],
    ]);
    expect(tasks.move).toHaveBeenCalledWith('alice@parley.test', TASK_ID, 'deleteditems');
    expect(calendar.get).toHaveBeenCalledWith('alice@parley.test', { by: 'recurringMaster', occurrenceId: 'OCC1' });
    expect(calendar.move.mock.calls.map((c) => c[1])).toEqual(['SERIES', 'CAL2']);
  });

  it('leaves the ids out when ReturnNewItemIds is false', async () => {
    const { handler } = owners();
    const xml = bodyXml(
      await handler.handle(
        operationContext(
          moveTo('<t:DistinguishedFolderId Id="tasks"/>', `<t:ItemId Id="${TASK_ID}"/>`, '<m:ReturnNewItemIds>false</m:ReturnNewItemIds>'),
          alice,
        ),
      ),
    );
    expect(xml).toContain('<m:ResponseCode>NoError</m:ResponseCode><m:Items/>');
  });

  it.each([
    ['a calendar item to Tasks', '<t:DistinguishedFolderId Id="tasks"/>', '<t:ItemId Id="CAL1"/>', 'ErrorMoveCopyFailed'],
    ['a calendar item to the Inbox', '<t:DistinguishedFolderId Id="inbox"/>', '<t:ItemId Id="CAL1"/>', 'ErrorMoveCopyFailed'],
    ['a task to the Calendar', '<t:DistinguishedFolderId Id="calendar"/>', `<t:ItemId Id="${TASK_ID}"/>`, 'ErrorMoveCopyFailed'],
    [
      'an occurrence by index',
      '<t:DistinguishedFolderId Id="deleteditems"/>',
      '<t:OccurrenceItemId RecurringMasterId="CAL1" InstanceIndex="2"/>',
      'ErrorCalendarCannotMoveOrCopyOccurrence',
    ],
    [
      'a folder id of another mailbox',
      `<t:FolderId Id="${folderIds.identity('bob@parley.test', 'calendar').id}"/>`,
      '<t:ItemId Id="CAL1"/>',
      'ErrorFolderNotFound',
    ],
    ['an unknown distinguished folder', '<t:DistinguishedFolderId Id="nosuchfolder"/>', '<t:ItemId Id="CAL1"/>', 'ErrorFolderNotFound'],
  ])('refuses %s per item, touching nothing', async (_, folder, id, code) => {
    const { calendar, tasks, handler } = owners();
    const xml = bodyXml(await handler.handle(operationContext(moveTo(folder, id), alice)));
    expect(codes(xml)).toEqual([code]);
    expect(xml).toContain('<m:Items/>');
    expect(calendar.move).not.toHaveBeenCalled();
    expect(tasks.move).not.toHaveBeenCalled();
  });

  it('answers calendar-sync refusals per item: another mailbox’s id is not found, an occurrence id cannot move', async () => {
    const { calendar, tasks, handler } = owners();
    calendar.move.mockRejectedValueOnce(
      new CommandRefusedError(
        Topics.calendarItemMoveRequest,
        CommandErrorCodes.itemNotFound,
        'The calendar item does not exist in this mailbox.',
      ),
    );
    calendar.move.mockRejectedValueOnce(
      new CommandRefusedError(
        Topics.calendarItemMoveRequest,
        CommandErrorCodes.invalidOperation,
        'An occurrence cannot be moved on its own.',
      ),
    );
    tasks.move.mockRejectedValueOnce(
      new CommandRefusedError(Topics.calendarTaskMoveRequest, CommandErrorCodes.itemNotFound, 'The task does not exist in this mailbox.'),
    );
    const ids = `<t:ItemId Id="BOBS"/><t:ItemId Id="OCC"/><t:ItemId Id="${TASK_ID}"/><t:ItemId Id="CAL3"/>`;
    const xml = bodyXml(await handler.handle(operationContext(moveTo('<t:DistinguishedFolderId Id="deleteditems"/>', ids), bob)));
    expect(codes(xml)).toEqual(['ErrorItemNotFound', 'ErrorCalendarCannotMoveOrCopyOccurrence', 'ErrorItemNotFound', 'NoError']);
    expect(xml).not.toContain('alice');
  });

  it('refuses a distinguished folder of another mailbox without impersonation', async () => {
    const { handler } = owners();
    const folder =
      '<t:DistinguishedFolderId Id="calendar"><t:Mailbox><t:EmailAddress>alice@parley.test</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>';
    const xml = bodyXml(await handler.handle(operationContext(moveTo(folder, '<t:ItemId Id="CAL1"/>'), bob)));
    expect(codes(xml)).toEqual(['ErrorAccessDenied']);
  });
});

describe('CopyItem', () => {
  it('refuses every id on its own, in order', async () => {
    const xml = bodyXml(
      await new CopyItemHandler().handle(
        operationContext(
          moveTo('<t:DistinguishedFolderId Id="calendar"/>', '<t:ItemId Id="A"/><t:ItemId Id="B"/>').replace(/MoveItem/g, 'CopyItem'),
          alice,
        ),
      ),
    );
    expect(xml.startsWith('<m:CopyItemResponse><m:ResponseMessages><m:CopyItemResponseMessage ResponseClass="Error">')).toBe(true);
    expect(codes(xml)).toEqual(['ErrorInvalidOperation', 'ErrorInvalidOperation']);
  });
});
