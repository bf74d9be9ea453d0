import { CommandErrorCodes, createEnvelope, Topics, WorkingHoursView } from '@parley/contracts';
import { EnvelopeConsumer } from '@parley/messaging';
import { CalendarException } from './calendar.exception';
import { WorkingHoursConsumer } from './working-hours.consumer';
import type { WorkingHoursService } from './working-hours.service';

const view: WorkingHoursView = {
  mailbox: 'alice@example.com',
  workingHours: { timeZone: 'UTC', days: ['Monday'], startMinutes: 480, endMinutes: 1020 },
  isDefault: false,
  revision: 1,
};

describe('WorkingHoursConsumer', () => {
  const service = { set: jest.fn(async () => view), get: jest.fn(async () => view) };
  const consumer = new WorkingHoursConsumer(service as unknown as WorkingHoursService, new EnvelopeConsumer({ record: async () => '1' }, { consumerGroup: 'parley.calendar-sync' }));
  const command = (type: string, payload: unknown) => createEnvelope({ type, key: 'alice@example.com', payload, correlationId: 'c-1' });

  beforeEach(() => jest.clearAllMocks());

  it('passes a valid set command to the service with its id, the address lower-cased', async () => {
    const envelope = command(Topics.calendarWorkingHoursSetRequest, { mailbox: 'Alice@Example.com', workingHours: view.workingHours });
    expect(await consumer.set(envelope)).toEqual({ ok: true, value: view });
    expect(service.set).toHaveBeenCalledWith(envelope.id, { mailbox: 'alice@example.com', workingHours: view.workingHours });
  });

  it('answers an invalid command with InvalidRequest without calling the service', async () => {
    const reply = await consumer.set(command(Topics.calendarWorkingHoursSetRequest, { mailbox: 'alice@example.com', workingHours: { ...view.workingHours, endMinutes: 60 } }));
    expect(reply).toMatchObject({ ok: false, error: { code: 'InvalidRequest' } });
    expect(service.set).not.toHaveBeenCalled();
  });

  it("answers the service's refusal with its code, and lets anything else propagate (so the transport retries)", async () => {
    service.get.mockRejectedValueOnce(new CalendarException(CommandErrorCodes.mailboxNotFound, 'No mailbox.'));
    expect(await consumer.get(command(Topics.calendarWorkingHoursGetRequest, { mailbox: 'nobody@example.com' }))).toEqual({ ok: false, error: { code: 'MailboxNotFound', message: 'No mailbox.' } });
    service.get.mockRejectedValueOnce(new Error('connection reset'));
    await expect(consumer.get(command(Topics.calendarWorkingHoursGetRequest, { mailbox: 'alice@example.com' }))).rejects.toThrow('connection reset');
  });
});
