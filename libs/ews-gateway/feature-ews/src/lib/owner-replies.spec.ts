import { ClientAddressResolver } from '@parley/sign-in';
import { Logger } from '@nestjs/common';
import type { CalendarItemView, Envelope, OofView, TaskView } from '@parley/contracts';
import { Topics } from '@parley/contracts';
import type { Authenticator } from '@parley/auth';
import { ActingMailboxResolver } from '@parley/ews-gateway/auth';
import { CommandBus, CommandRefusedError, InvalidReplyError } from '@parley/messaging';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CalendarAccess } from './calendar/calendar-access';
import { CalendarClient } from './calendar/calendar.client';
import { GetItemHandler } from './calendar/get-item.handler';
import { EwsRequestService } from './ews-request.service';
import { FolderIds } from './folders/folder-ids';
import { GetUserOofSettingsHandler } from './oof/get-user-oof-settings.handler';
import { OofReadModel } from './oof/oof-read-model';
import { OofClient } from './oof/oof.client';
import { TaskClient } from './tasks/task.client';
import { directoryUser, M, T } from '../../test/ews-operation-fixtures';
import { FreeBusyCache } from './availability/free-busy-cache';

/** Off: these tests are about the replies themselves. */
const noFreeBusyCache = () => new FreeBusyCache({ ttlMs: 0, maxEntries: 1, maxEventsPerEntry: 0 });

/** calendar-sync as the bus delivers it: answers whatever it was scripted to, per request topic. */
class ScriptedOwner extends CommandBus {
  constructor(private readonly replies: Partial<Record<string, unknown>>) {
    super();
  }

  protected async send(topic: string, _envelope: Envelope): Promise<unknown> {
    return this.replies[topic];
  }

  isReady(): boolean {
    return true;
  }
}

const at = '2031-03-03T09:00:00.000Z';
const calendarItem: CalendarItemView = {
  id: 'AAMkItem1',
  changeKey: 'CK1',
  mailbox: 'alice@parley.test',
  itemType: 'Single',
  subject: 'Team sync',
  body: null,
  location: null,
  start: at,
  end: '2031-03-03T10:00:00.000Z',
  isAllDay: false,
  legacyFreeBusyStatus: 'Busy',
  sensitivity: 'Normal',
  organizer: { address: 'alice@parley.test', name: 'Alice', responseType: 'Organizer' },
  requiredAttendees: [],
  optionalAttendees: [],
  startTimeZone: 'UTC',
  endTimeZone: 'UTC',
  recurrence: null,
  modifiedOccurrences: [],
  deletedOccurrences: [],
  occurrence: null,
  firstOccurrence: null,
  lastOccurrence: null,
  revision: 1,
  createdAt: at,
  lastModifiedAt: at,
};
const task: TaskView = {
  id: 'AwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  changeKey: 'CK1',
  mailbox: 'alice@parley.test',
  subject: 'Write report',
  body: null,
  importance: 'Normal',
  sensitivity: 'Normal',
  startDate: null,
  dueDate: null,
  completeDate: null,
  percentComplete: 0,
  status: 'NotStarted',
  isComplete: false,
  revision: 1,
  createdAt: at,
  lastModifiedAt: at,
};
const oof: OofView = {
  mailbox: 'alice@parley.test',
  settings: { state: 'Enabled', externalAudience: 'All', startTime: null, endTime: null, internalReply: 'away', externalReply: 'away' },
  active: true,
  revision: 2,
};

const mailbox = 'alice@parley.test';
const freeBusyRequest = {
  requester: mailbox,
  mailboxes: [mailbox],
  start: at,
  end: '2031-03-04T09:00:00.000Z',
  mergedIntervalMinutes: 30,
  requestedView: 'FreeBusy' as const,
};

interface Case {
  readonly call: (bus: CommandBus) => Promise<unknown>;
  readonly topic: string;
  readonly good: unknown;
  readonly bad: unknown;
  readonly badPath: string;
}

const cases: Record<string, Case> = {
  'calendar create': {
    call: (b) => new CalendarClient(b, noFreeBusyCache()).create(mailbox, { start: at, end: at }),
    topic: Topics.calendarItemCreateRequest,
    good: calendarItem,
    bad: { ...calendarItem, start: 'soon' },
    badPath: 'value.start',
  },
  'calendar update': {
    call: (b) => new CalendarClient(b, noFreeBusyCache()).update(mailbox, { itemId: 'AAMkItem1' }),
    topic: Topics.calendarItemUpdateRequest,
    good: calendarItem,
    bad: { ...calendarItem, revision: '2' },
    badPath: 'value.revision',
  },
  'calendar delete': {
    call: (b) => new CalendarClient(b, noFreeBusyCache()).delete(mailbox, 'AAMkItem1'),
    topic: Topics.calendarItemDeleteRequest,
    good: { deleted: 'item', id: 'AAMkItem1', changeKey: null },
    bad: { deleted: 'everything', id: 'AAMkItem1', changeKey: null },
    badPath: 'value.deleted',
  },
  'calendar move': {
    call: (b) => new CalendarClient(b, noFreeBusyCache()).move(mailbox, 'AAMkItem1', 'calendar'),
    topic: Topics.calendarItemMoveRequest,
    good: { ...calendarItem, folder: 'calendar' },
    bad: { ...calendarItem, folder: 'inbox' },
    badPath: 'value.folder',
  },
  'calendar respond': {
    call: (b) => new CalendarClient(b, noFreeBusyCache()).respond(mailbox, 'AAMkItem1', 'Accept', 'SendAndSaveCopy'),
    topic: Topics.calendarItemRespondRequest,
    good: calendarItem,
    bad: { ...calendarItem, myResponseType: 'Maybe' },
    badPath: 'value.myResponseType',
  },
  'calendar get': {
    call: (b) => new CalendarClient(b, noFreeBusyCache()).get(mailbox, { by: 'id', itemId: 'AAMkItem1' }),
    topic: Topics.calendarItemGetRequest,
    good: calendarItem,
    bad: { ...calendarItem, organizer: null },
    badPath: 'value.organizer',
  },
  'calendar get (an attendee copy of a meeting)': {
    call: (b) => new CalendarClient(b, noFreeBusyCache()).get(mailbox, { by: 'id', itemId: 'AAMkItem1' }),
    topic: Topics.calendarItemGetRequest,
    good: { ...calendarItem, isMeeting: true, isCancelled: true, myResponseType: 'NoResponseReceived', meetingUid: 'uid-1' },
    bad: { ...calendarItem, isMeeting: true, myResponseType: 'Maybe' },
    badPath: 'value.myResponseType',
  },
  'calendar find': {
    call: (b) => new CalendarClient(b, noFreeBusyCache()).find(mailbox, at, '2031-03-04T09:00:00.000Z', undefined),
    topic: Topics.calendarItemFindRequest,
    good: { items: [calendarItem], totalItemsInView: 1, includesLastItemInRange: true },
    bad: { items: [calendarItem, { ...calendarItem, itemType: 'Meeting' }], totalItemsInView: 2, includesLastItemInRange: true },
    badPath: 'value.items.1.itemType',
  },
  'free/busy': {
    call: (b) => new CalendarClient(b, noFreeBusyCache()).freeBusy(freeBusyRequest),
    topic: Topics.calendarFreeBusyGetRequest,
    good: {
      results: [{ mailbox, ok: true, view: { viewType: 'FreeBusy', mergedFreeBusy: null, calendarEvents: [], workingHours: null } }],
    },
    bad: {
      results: [
        {
          mailbox,
          ok: true,
          view: {
            viewType: 'FreeBusy',
            mergedFreeBusy: null,
            calendarEvents: [{ start: at, end: at, busyType: 'Away', details: null }],
            workingHours: null,
          },
        },
      ],
    },
    badPath: 'value.results.0.view.calendarEvents.0.busyType',
  },
  'task create': {
    call: (b) => new TaskClient(b).create(mailbox, { subject: 'Write report' }),
    topic: Topics.calendarTaskCreateRequest,
    good: task,
    bad: { ...task, percentComplete: 140 },
    badPath: 'value.percentComplete',
  },
  'task update': {
    call: (b) => new TaskClient(b).update(mailbox, { itemId: task.id }),
    topic: Topics.calendarTaskUpdateRequest,
    good: task,
    bad: { ...task, status: 'Done' },
    badPath: 'value.status',
  },
  'task delete': {
    call: (b) => new TaskClient(b).delete(mailbox, task.id),
    topic: Topics.calendarTaskDeleteRequest,
    good: { id: task.id },
    bad: {},
    badPath: 'value.id',
  },
  'task move': {
    call: (b) => new TaskClient(b).move(mailbox, task.id, 'tasks'),
    topic: Topics.calendarTaskMoveRequest,
    good: { ...task, folder: 'tasks' },
    bad: { ...task, folder: 'calendar' },
    badPath: 'value.folder',
  },
  'task get': {
    call: (b) => new TaskClient(b).get(mailbox, task.id),
    topic: Topics.calendarTaskGetRequest,
    good: task,
    bad: { ...task, isComplete: 'no' },
    badPath: 'value.isComplete',
  },
  'task find': {
    call: (b) => new TaskClient(b).find(mailbox, { offset: 0, maxEntries: 10, basePoint: 'Beginning' }),
    topic: Topics.calendarTaskFindRequest,
    good: { items: [task], totalItemsInView: 1, includesLastItemInRange: true, indexedPagingOffset: 1 },
    bad: { items: [task], totalItemsInView: 1, includesLastItemInRange: true },
    badPath: 'value.indexedPagingOffset',
  },
  'OOF get': {
    call: (b) => new OofClient(b, new OofReadModel()).get(mailbox),
    topic: Topics.oofGetRequest,
    good: oof,
    bad: { ...oof, settings: { ...oof.settings, state: 'Away' } },
    badPath: 'value.settings.state',
  },
  'OOF set': {
    call: (b) => new OofClient(b, new OofReadModel()).set(mailbox, oof.settings),
    topic: Topics.oofSetRequest,
    good: oof,
    bad: { ...oof, revision: -1 },
    badPath: 'value.revision',
  },
};

describe('replies from calendar-sync are checked against the contracts', () => {
  it.each(Object.entries(cases))('%s: a reply of the right shape is used', async (_label, c) => {
    await expect(c.call(new ScriptedOwner({ [c.topic]: { ok: true, value: c.good } }))).resolves.toEqual(c.good);
  });

  it.each(Object.entries(cases))(
    '%s: a reply of the wrong shape is an InvalidReplyError naming the topic and the path',
    async (_label, c) => {
      const error = await c.call(new ScriptedOwner({ [c.topic]: { ok: true, value: c.bad } })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidReplyError);
      expect(error).toMatchObject({ topic: c.topic, issues: [expect.objectContaining({ path: c.badPath })] });
      expect((error as Error).message).toContain(`invalid reply to ${c.topic}: ${c.badPath}: `);
    },
  );

  it.each(Object.entries(cases))('%s: a refusal is a CommandRefusedError with the topic, the code and the message', async (_label, c) => {
    const error = await c
      .call(new ScriptedOwner({ [c.topic]: { ok: false, error: { code: 'ItemNotFound', message: 'no such thing' } } }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandRefusedError);
    expect(error).toMatchObject({ topic: c.topic, code: 'ItemNotFound', message: 'no such thing' });
  });

  it.each(Object.entries(cases))('%s: a refusal with a code outside the contract is an InvalidReplyError', async (_label, c) => {
    const error = await c
      .call(new ScriptedOwner({ [c.topic]: { ok: false, error: { code: 'ItemGone', message: 'newer owner' } } }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidReplyError);
    expect(error).toMatchObject({ topic: c.topic, issues: [expect.objectContaining({ path: 'error.code' })] });
  });

  it('keeps an invalid OOF reply out of the read model', async () => {
    const model = new OofReadModel();
    const client = new OofClient(new ScriptedOwner({ [Topics.oofSetRequest]: { ok: true, value: { ...oof, active: 'yes' } } }), model);
    await expect(client.set(mailbox, oof.settings)).rejects.toBeInstanceOf(InvalidReplyError);
    expect(model.lookup(mailbox)).toBeUndefined();
  });

  it('keeps a refused OOF write out of the read model', async () => {
    const model = new OofReadModel();
    const client = new OofClient(
      new ScriptedOwner({ [Topics.oofSetRequest]: { ok: false, error: { code: 'InvalidRequest', message: 'invalid payload' } } }),
      model,
    );
    await expect(client.set(mailbox, oof.settings)).rejects.toMatchObject({ code: 'InvalidRequest' });
    expect(model.lookup(mailbox)).toBeUndefined();
  });
});

describe('an invalid reply reaches the EWS client as ErrorInternalServerError', () => {
  const alice = directoryUser(mailbox, 'Alice');
  const folderIds = new FolderIds({ idSecret: 'test-secret' });
  const resolver = new ActingMailboxResolver({} as never);
  let server: Server;
  let url: string;
  const owner = new ScriptedOwner({
    [Topics.calendarItemGetRequest]: { ok: true, value: { ...calendarItem, start: 'soon' } },
    [Topics.oofGetRequest]: { ok: true, value: 'Enabled' },
  });

  beforeAll(async () => {
    const authenticator = { authenticate: async () => alice } as unknown as Authenticator;
    const acting = { resolve: async () => ({ caller: alice, mailbox: alice, impersonating: false }) } as unknown as ActingMailboxResolver;
    const handlers = [
      new GetItemHandler(new CalendarClient(owner, noFreeBusyCache()), new CalendarAccess(resolver, folderIds)),
      new GetUserOofSettingsHandler(new OofClient(owner, new OofReadModel()), resolver),
    ];
    const ews = new EwsRequestService(
      authenticator,
      acting,
      new ClientAddressResolver(),
      {
        bodyLimitBytes: 1_000_000,
        bodyTimeoutMs: 30_000,
        xmlLimits: {},
        batchLimits: { maxItems: 1000, maxMailboxes: 100 },
        bearerEnabled: false,
        idSecret: 'test-secret',
      },
      handlers,
    );
    server = createServer((req, res) => void ews.post(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/EWS/Exchange.asmx`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  afterEach(() => jest.restoreAllMocks());

  const soap = (body: string) =>
    `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="${M}" xmlns:t="${T}"><soap:Header><t:RequestServerVersion Version="Exchange2013_SP1"/></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;

  it.each([
    [
      'GetItem',
      `<m:GetItem><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="AAMkItem1"/></m:ItemIds></m:GetItem>`,
      Topics.calendarItemGetRequest,
      'value.start',
    ],
    [
      'GetUserOofSettings',
      `<m:GetUserOofSettingsRequest><t:Mailbox><t:Address>${mailbox}</t:Address></t:Mailbox></m:GetUserOofSettingsRequest>`,
      Topics.oofGetRequest,
      'value',
    ],
  ])('%s: a SOAP fault, no half-written answer, and a log line naming the topic and the path', async (_op, body, topic, path) => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body: soap(body) });
    const xml = await response.text();
    expect(response.status).toBe(500);
    expect(xml).toContain('<s:Fault>');
    expect(xml).toContain('ErrorInternalServerError');
    expect(xml).not.toContain('Team sync');
    expect(xml).not.toContain(topic);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining(`invalid reply to ${topic}: ${path}: `));
  });
});
