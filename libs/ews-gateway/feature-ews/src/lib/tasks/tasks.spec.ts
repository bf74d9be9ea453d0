import { CommandErrorCodes, findTasksRequestSchema, Topics, type CalendarItemView, type TaskView } from '@parley/contracts';
import { CommandRefusedError } from '@parley/messaging';
import { ActingMailboxResolver, type ActingMailbox } from '@parley/ews-gateway/auth';
import { el } from '@parley/xml';
import { NS, operationResponse, readSoapRequest } from '@parley/ews-gateway/soap';
import { CalendarAccess } from '../calendar/calendar-access';
import type { CalendarClient } from '../calendar/calendar.client';
import { FindDeletedItemsHandler } from '../deleted-items/find-deleted-items.handler';
import { FolderIds } from '../folders/folder-ids';
import { bodyXml, directoryUser, M, T } from '../../../test/ews-operation-fixtures';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { CreateTaskHandler } from './create-task.handler';
import { DeleteTaskHandler } from './delete-task.handler';
import { FindTaskHandler } from './find-task.handler';
import { GetTaskHandler } from './get-task.handler';
import { CreateItemRouter, FindItemRouter, GetItemRouter } from '../items/item-operation.routers';
import { TaskAccess } from './task-access';
import { MessageAccess } from '../messages/message-access';
import type { MessageClient } from '../messages/message.client';
import type { TaskClient } from './task.client';
import { UpdateTaskHandler } from './update-task.handler';

const alice = directoryUser('alice@parley.test', 'Alice');
const bob = directoryUser('bob@parley.test', 'Bob');
const folderIds = new FolderIds({ idSecret: 'test-secret' });
const calendarAccess = new CalendarAccess(new ActingMailboxResolver({} as never), folderIds);
const access = new TaskAccess(calendarAccess, folderIds);
const messageAccess = new MessageAccess(calendarAccess, folderIds);
const tasksFolder = folderIds.identity('alice@parley.test', 'tasks');
/** A task id as calendar-sync mints them (kind byte 3, 25 bytes). */
const TASK_ID = Buffer.concat([Buffer.from([3]), Buffer.alloc(24, 1)]).toString('base64url');

function context(operation: string, opts: { header?: string; caller?: typeof alice } = {}): EwsOperationContext {
  const xml = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="${M}" xmlns:t="${T}"><soap:Header><t:RequestServerVersion Version="Exchange2013_SP1"/>${opts.header ?? ''}</soap:Header><soap:Body>${operation}</soap:Body></soap:Envelope>`;
  const acting: ActingMailbox = { caller: opts.caller ?? alice, mailbox: opts.caller ?? alice, impersonating: false };
  return { request: readSoapRequest(xml), acting };
}

function view(extra: Partial<TaskView> = {}): TaskView {
  return {
    id: TASK_ID,
    changeKey: 'CK1',
    mailbox: 'alice@parley.test',
    subject: 'File taxes',
    body: { type: 'Text', content: 'before May & June' },
    importance: 'High',
    sensitivity: 'Normal',
    startDate: '2031-03-01T00:00:00.000Z',
    dueDate: '2031-04-30T00:00:00.000Z',
    completeDate: null,
    percentComplete: 50,
    status: 'InProgress',
    isComplete: false,
    revision: 2,
    createdAt: '2031-01-01T08:00:00.000Z',
    lastModifiedAt: '2031-01-02T08:00:00.000Z',
    ...extra,
  };
}

function fakeTasks(overrides: Partial<Record<keyof TaskClient, jest.Mock>> = {}) {
  return {
    create: jest.fn(async () => view({ id: 'TNew', changeKey: 'CKnew' })),
    update: jest.fn(async () => view({ changeKey: 'CK2' })),
    delete: jest.fn(async () => ({ id: TASK_ID })),
    get: jest.fn(async () => view()),
    find: jest.fn(async () => ({ items: [view()], totalItemsInView: 3, includesLastItemInRange: false, indexedPagingOffset: 1 })),
    ...overrides,
  } as unknown as TaskClient & { [K in keyof TaskClient]: jest.Mock };
}

describe('CreateItem (tasks)', () => {
  const request = (folder = '<t:DistinguishedFolderId Id="tasks"/>') =>
    `<m:CreateItem><m:SavedItemFolderId>${folder}</m:SavedItemFolderId><m:Items>` +
    '<t:Task><t:Subject>File taxes</t:Subject><t:Body BodyType="Text">before May</t:Body><t:Importance>High</t:Importance><t:DueDate>2031-04-30T00:00:00</t:DueDate>' +
    '<t:IsComplete>true</t:IsComplete><t:PercentComplete>50</t:PercentComplete><t:StartDate>2031-03-01T00:00:00Z</t:StartDate><t:Status>InProgress</t:Status></t:Task></m:Items></m:CreateItem>';

  it('reads the task fields (unzoned per TimeZoneContext, read-only ones ignored) and answers the new ItemId (golden)', async () => {
    const tasks = fakeTasks();
    const answer = await new CreateTaskHandler(tasks, access).handle(
      context(request(), { header: '<t:TimeZoneContext><t:TimeZoneDefinition Id="W. Europe Standard Time"/></t:TimeZoneContext>' }),
    );
    expect(tasks.create).toHaveBeenCalledWith('alice@parley.test', {
      subject: 'File taxes',
      body: { type: 'Text', content: 'before May' },
      importance: 'High',
      dueDate: '2031-04-29T22:00:00.000Z',
      percentComplete: 50,
      startDate: '2031-03-01T00:00:00.000Z',
      status: 'InProgress',
    });
    expect(bodyXml(answer)).toBe(
      '<m:CreateItemResponse><m:ResponseMessages><m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>' +
        '<m:Items><t:Task><t:ItemId Id="TNew" ChangeKey="CKnew"/></t:Task></m:Items></m:CreateItemResponseMessage></m:ResponseMessages></m:CreateItemResponse>',
    );
  });

  it.each([
    ['the calendar folder', '<t:DistinguishedFolderId Id="calendar"/>', alice, 'ErrorInvalidOperation'],
    [
      'another user’s tasks',
      '<t:DistinguishedFolderId Id="tasks"><t:Mailbox><t:EmailAddress>alice@parley.test</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>',
      bob,
      'ErrorAccessDenied',
    ],
    [
      'a folder id of another mailbox',
      `<t:FolderId Id="${folderIds.identity('bob@parley.test', 'tasks').id}"/>`,
      alice,
      'ErrorFolderNotFound',
    ],
  ])('refuses %s per item', async (_, folder, caller, code) => {
    const tasks = fakeTasks();
    const xml = bodyXml(await new CreateTaskHandler(tasks, access).handle(context(request(folder), { caller })));
    expect(xml).toContain(`<m:ResponseCode>${code}</m:ResponseCode>`);
    expect(tasks.create).not.toHaveBeenCalled();
  });

  it('accepts the Tasks folder by id and no folder at all; refuses recurrences and out-of-range percentages', async () => {
    const tasks = fakeTasks();
    await new CreateTaskHandler(tasks, access).handle(context(request(`<t:FolderId Id="${tasksFolder.id}"/>`)));
    await new CreateTaskHandler(tasks, access).handle(
      context('<m:CreateItem><m:Items><t:Task><t:Subject>x</t:Subject></t:Task></m:Items></m:CreateItem>'),
    );
    expect(tasks.create).toHaveBeenCalledTimes(2);
    const recurring =
      '<m:CreateItem><m:Items><t:Task><t:Recurrence><t:DailyRegeneration><t:Interval>1</t:Interval></t:DailyRegeneration><t:NoEndRecurrence><t:StartDate>2031-03-01</t:StartDate></t:NoEndRecurrence></t:Recurrence></t:Task></m:Items></m:CreateItem>';
    expect(bodyXml(await new CreateTaskHandler(tasks, access).handle(context(recurring)))).toContain(
      '<m:ResponseCode>ErrorInvalidRequest</m:ResponseCode>',
    );
    const tooMuch = '<m:CreateItem><m:Items><t:Task><t:PercentComplete>120</t:PercentComplete></t:Task></m:Items></m:CreateItem>';
    expect(bodyXml(await new CreateTaskHandler(tasks, access).handle(context(tooMuch)))).toContain(
      '<m:ResponseCode>ErrorInvalidPropertySet</m:ResponseCode>',
    );
    expect(tasks.create).toHaveBeenCalledTimes(2);
  });
});

describe('GetItem and FindItem (tasks)', () => {
  it('writes a task with every property in types.xsd order (golden)', async () => {
    const xml = bodyXml(
      await new GetTaskHandler(fakeTasks(), access).handle(
        context(
          `<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="${TASK_ID}"/></m:ItemIds></m:GetItem>`,
        ),
      ),
    );
    expect(xml).toBe(
      '<m:GetItemResponse><m:ResponseMessages><m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Task>' +
        `<t:ItemId Id="${TASK_ID}" ChangeKey="CK1"/><t:ParentFolderId Id="${tasksFolder.id}" ChangeKey="${tasksFolder.changeKey}"/><t:ItemClass>IPM.Task</t:ItemClass>` +
        '<t:Subject>File taxes</t:Subject><t:Sensitivity>Normal</t:Sensitivity><t:Body BodyType="Text">before May &amp; June</t:Body><t:DateTimeReceived>2031-01-01T08:00:00Z</t:DateTimeReceived>' +
        '<t:Importance>High</t:Importance><t:IsDraft>false</t:IsDraft><t:DateTimeSent>2031-01-01T08:00:00Z</t:DateTimeSent><t:DateTimeCreated>2031-01-01T08:00:00Z</t:DateTimeCreated>' +
        '<t:HasAttachments>false</t:HasAttachments><t:LastModifiedTime>2031-01-02T08:00:00Z</t:LastModifiedTime><t:ChangeCount>2</t:ChangeCount><t:DueDate>2031-04-30T00:00:00Z</t:DueDate>' +
        '<t:IsAssignmentEditable>0</t:IsAssignmentEditable><t:IsComplete>false</t:IsComplete><t:IsRecurring>false</t:IsRecurring><t:IsTeamTask>false</t:IsTeamTask>' +
        '<t:PercentComplete>50</t:PercentComplete><t:StartDate>2031-03-01T00:00:00Z</t:StartDate><t:Status>InProgress</t:Status>' +
        '</t:Task></m:Items></m:GetItemResponseMessage></m:ResponseMessages></m:GetItemResponse>',
    );
  });

  it('maps ItemNotFound and refuses occurrence ids of tasks', async () => {
    const tasks = fakeTasks({
      get: jest.fn(async () =>
        Promise.reject(new CommandRefusedError(Topics.calendarTaskGetRequest, CommandErrorCodes.itemNotFound, 'no')),
      ),
    });
    const ids = `<t:ItemId Id="${TASK_ID}"/><t:OccurrenceItemId RecurringMasterId="${TASK_ID}" InstanceIndex="1"/>`;
    const xml = bodyXml(
      await new GetTaskHandler(tasks, access).handle(
        context(`<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds>${ids}</m:ItemIds></m:GetItem>`),
      ),
    );
    expect(xml.match(/<m:ResponseCode>\w+<\/m:ResponseCode>/g)).toEqual([
      '<m:ResponseCode>ErrorItemNotFound</m:ResponseCode>',
      '<m:ResponseCode>ErrorInvalidOperation</m:ResponseCode>',
    ]);
  });

  it('pages the Tasks folder with an IndexedPageItemView and answers the paging attributes (golden)', async () => {
    const tasks = fakeTasks();
    const request =
      '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:IndexedPageItemView MaxEntriesReturned="1" Offset="0" BasePoint="Beginning"/><m:ParentFolderIds><t:DistinguishedFolderId Id="tasks"/></m:ParentFolderIds></m:FindItem>';
    const xml = bodyXml(await new FindTaskHandler(tasks, access).handle(context(request)));
    expect(tasks.find).toHaveBeenCalledWith('alice@parley.test', { offset: 0, maxEntries: 1, basePoint: 'Beginning' });
    expect(xml).toBe(
      '<m:FindItemResponse><m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>' +
        `<m:RootFolder IndexedPagingOffset="1" TotalItemsInView="3" IncludesLastItemInRange="false"><t:Items><t:Task><t:ItemId Id="${TASK_ID}" ChangeKey="CK1"/></t:Task></t:Items></m:RootFolder>` +
        '</m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse>',
    );
    const calendarView = request.replace(
      '<m:IndexedPageItemView MaxEntriesReturned="1" Offset="0" BasePoint="Beginning"/>',
      '<m:CalendarView StartDate="2031-03-01T00:00:00Z" EndDate="2031-03-02T00:00:00Z"/>',
    );
    expect(bodyXml(await new FindTaskHandler(tasks, access).handle(context(calendarView)))).toContain(
      '<m:ResponseCode>ErrorInvalidOperation</m:ResponseCode>',
    );
  });
});

describe('FindItem Restriction and SortOrder (tasks)', () => {
  const field = (uri: string) => `<t:FieldURI FieldURI="${uri}"/>`;
  const constant = (value: string) => `<t:FieldURIOrConstant><t:Constant Value="${value}"/></t:FieldURIOrConstant>`;
  const findItem = (query: string) =>
    `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:IndexedPageItemView MaxEntriesReturned="10" Offset="0" BasePoint="Beginning"/>${query}<m:ParentFolderIds><t:DistinguishedFolderId Id="tasks"/></m:ParentFolderIds></m:FindItem>`;
  const find = async (query: string, tasks = fakeTasks()) =>
    bodyXml(await new FindTaskHandler(tasks, access).handle(context(findItem(query))));
  const codeOf = async (query: string) => {
    const tasks = fakeTasks();
    const xml = await find(query, tasks);
    expect(tasks.find).not.toHaveBeenCalled();
    return /<m:ResponseCode>(\w+)<\/m:ResponseCode>/.exec(xml)?.[1];
  };

  it('sends the restriction as a typed filter tree and the sort keys in order (golden)', async () => {
    const tasks = fakeTasks();
    const restriction =
      '<m:Restriction><t:And>' +
      `<t:IsEqualTo>${field('task:Status')}${constant('completed')}</t:IsEqualTo>` +
      `<t:Contains ContainmentMode="Substring" ContainmentComparison="IgnoreCase">${field('item:Subject')}<t:Constant Value="tax"/></t:Contains>` +
      `<t:Not><t:IsLessThan>${field('task:DueDate')}${constant('2031-04-30T02:00:00+02:00')}</t:IsLessThan></t:Not>` +
      `<t:Or><t:IsGreaterThanOrEqualTo>${field('task:PercentComplete')}${constant('50')}</t:IsGreaterThanOrEqualTo><t:IsNotEqualTo>${field('task:IsComplete')}${constant('true')}</t:IsNotEqualTo><t:Exists>${field('task:StartDate')}</t:Exists></t:Or>` +
      `<t:IsLessThanOrEqualTo>${field('item:DateTimeCreated')}${constant('2031-01-01T08:00:00Z')}</t:IsLessThanOrEqualTo>` +
      `<t:IsGreaterThan>${field('item:Importance')}${constant('Low')}</t:IsGreaterThan>` +
      // By ordinal, as ews-javascript-api writes enum constants.
      `<t:IsNotEqualTo>${field('item:Sensitivity')}${constant('2')}</t:IsNotEqualTo>` +
      '</t:And></m:Restriction>';
    const sort = `<m:SortOrder><t:FieldOrder Order="Descending">${field('task:DueDate')}</t:FieldOrder><t:FieldOrder Order="Ascending">${field('item:Subject')}</t:FieldOrder><t:FieldOrder Order="Ascending">${field('task:DueDate')}</t:FieldOrder></m:SortOrder>`;
    expect(await find(restriction + sort, tasks)).toContain('<m:ResponseCode>NoError</m:ResponseCode>');
    const sent = {
      offset: 0,
      maxEntries: 10,
      basePoint: 'Beginning',
      restriction: {
        op: 'and',
        operands: [
          { op: 'eq', field: 'status', value: 'Completed' },
          { op: 'contains', field: 'subject', value: 'tax', mode: 'Substring', ignoreCase: true },
          { op: 'not', operand: { op: 'lt', field: 'dueDate', value: '2031-04-30T00:00:00.000Z' } },
          {
            op: 'or',
            operands: [
              { op: 'ge', field: 'percentComplete', value: 50 },
              { op: 'ne', field: 'isComplete', value: true },
              { op: 'exists', field: 'startDate' },
            ],
          },
          { op: 'le', field: 'createdAt', value: '2031-01-01T08:00:00.000Z' },
          { op: 'gt', field: 'importance', value: 'Low' },
          { op: 'ne', field: 'sensitivity', value: 'Private' },
        ],
      },
      // A field sorted again is dropped: the first key on it already decided.
      sortOrder: [
        { field: 'dueDate', direction: 'Descending' },
        { field: 'subject', direction: 'Ascending' },
      ],
    };
    expect(tasks.find).toHaveBeenCalledWith('alice@parley.test', sent);
    // What the gateway builds is what the contract accepts.
    expect(findTasksRequestSchema.parse({ mailbox: 'alice@parley.test', ...sent })).toMatchObject(sent);
  });

  it('answers a path it cannot query with ErrorUnsupportedPathForQuery, echoing the path (golden)', async () => {
    expect(await find(`<m:Restriction><t:Exists>${field('item:Body')}</t:Exists></m:Restriction>`)).toBe(
      '<m:FindItemResponse><m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Error"><m:MessageText>The property path is not supported for a task query.</m:MessageText>' +
        '<m:ResponseCode>ErrorUnsupportedPathForQuery</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:MessageXml><t:FieldURI FieldURI="item:Body"/></m:MessageXml>' +
        '</m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse>',
    );
    expect(
      await codeOf(
        `<m:Restriction><t:IsEqualTo><t:ExtendedFieldURI PropertyTag="0x0037" PropertyType="String"/>${constant('x')}</t:IsEqualTo></m:Restriction>`,
      ),
    ).toBe('ErrorUnsupportedPathForQuery');
    expect(await codeOf(`<m:SortOrder><t:FieldOrder Order="Ascending">${field('item:Body')}</t:FieldOrder></m:SortOrder>`)).toBe(
      'ErrorUnsupportedPathForSortGroup',
    );
  });

  it('answers filters it cannot apply with ErrorUnsupportedQueryFilter', async () => {
    expect(
      await codeOf(
        `<m:Restriction><t:IsEqualTo>${field('task:DueDate')}<t:FieldURIOrConstant>${field('task:StartDate')}</t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>`,
      ),
    ).toBe('ErrorUnsupportedQueryFilter');
    expect(
      await codeOf(`<m:Restriction><t:Excludes>${field('task:PercentComplete')}<t:Bitmask Value="1"/></t:Excludes></m:Restriction>`),
    ).toBe('ErrorUnsupportedQueryFilter');
    expect(
      await codeOf(
        `<m:Restriction><t:Contains ContainmentMode="Substring">${field('task:Status')}<t:Constant Value="Comp"/></t:Contains></m:Restriction>`,
      ),
    ).toBe('ErrorUnsupportedQueryFilter');
    expect(
      await codeOf(
        `<m:Restriction><t:Contains ContainmentMode="PrefixOnWords">${field('item:Subject')}<t:Constant Value="tax"/></t:Contains></m:Restriction>`,
      ),
    ).toBe('ErrorUnsupportedQueryFilter');
  });

  it('answers a constant the property cannot hold with ErrorInvalidValueForProperty', async () => {
    const invalid = async (uri: string, value: string) =>
      codeOf(`<m:Restriction><t:IsEqualTo>${field(uri)}${constant(value)}</t:IsEqualTo></m:Restriction>`);
    expect(await invalid('task:Status', 'Done')).toBe('ErrorInvalidValueForProperty');
    expect(await invalid('task:DueDate', 'tomorrow')).toBe('ErrorInvalidValueForProperty');
    expect(await invalid('task:PercentComplete', '50%')).toBe('ErrorInvalidValueForProperty');
    expect(await invalid('task:PercentComplete', '1e999')).toBe('ErrorInvalidValueForProperty');
    expect(await invalid('task:IsComplete', 'maybe')).toBe('ErrorInvalidValueForProperty');
    expect(await invalid('item:Sensitivity', 'Secret')).toBe('ErrorInvalidValueForProperty');
    expect(await invalid('task:Status', '5')).toBe('ErrorInvalidValueForProperty');
    expect(await invalid('item:Subject', 'x'.repeat(1025))).toBe('ErrorInvalidValueForProperty');
  });

  it('answers a restriction nested or branching beyond the contract bounds with ErrorRestrictionTooComplex', async () => {
    const exists = `<t:Exists>${field('item:Subject')}</t:Exists>`;
    expect(await codeOf(`<m:Restriction>${'<t:Not>'.repeat(16)}${exists}${'</t:Not>'.repeat(16)}</m:Restriction>`)).toBe(
      'ErrorRestrictionTooComplex',
    );
    expect(await codeOf(`<m:Restriction><t:Or>${exists.repeat(101)}</t:Or></m:Restriction>`)).toBe('ErrorRestrictionTooComplex');
    const tasks = fakeTasks();
    await find(`<m:Restriction>${'<t:Not>'.repeat(15)}${exists}${'</t:Not>'.repeat(15)}</m:Restriction>`, tasks);
    expect(tasks.find).toHaveBeenCalled();
  });

  it('refuses a malformed restriction or sort order with a schema fault', async () => {
    const handle = (query: string) => new FindTaskHandler(fakeTasks(), access).handle(context(findItem(query)));
    await expect(handle(`<m:SortOrder><t:FieldOrder>${field('item:Subject')}</t:FieldOrder></m:SortOrder>`)).rejects.toThrow(/Order/);
    await expect(handle(`<m:Restriction><t:IsEqualTo>${field('item:Subject')}</t:IsEqualTo></m:Restriction>`)).rejects.toThrow(
      /FieldURIOrConstant/,
    );
    await expect(handle('<m:Restriction><t:And/></m:Restriction>')).rejects.toThrow(/at least one/);
  });
});

describe('UpdateItem and DeleteItem (tasks)', () => {
  const update = (changeKey: string, updates: string, conflict = 'NeverOverwrite') =>
    `<m:UpdateItem ConflictResolution="${conflict}" MessageDisposition="SaveOnly"><m:ItemChanges><t:ItemChange><t:ItemId Id="${TASK_ID}" ChangeKey="${changeKey}"/><t:Updates>${updates}</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`;

  it('sets and deletes fields and answers the new change key', async () => {
    const tasks = fakeTasks();
    const updates =
      '<t:SetItemField><t:FieldURI FieldURI="task:Status"/><t:Task><t:Status>Completed</t:Status></t:Task></t:SetItemField>' +
      '<t:DeleteItemField><t:FieldURI FieldURI="task:DueDate"/></t:DeleteItemField>' +
      '<t:AppendToItemField><t:FieldURI FieldURI="item:Body"/><t:Task><t:Body BodyType="Text"> — done</t:Body></t:Task></t:AppendToItemField>';
    const xml = bodyXml(await new UpdateTaskHandler(tasks).handle(context(update('CK1', updates))));
    expect(tasks.update).toHaveBeenCalledWith('alice@parley.test', {
      itemId: TASK_ID,
      changeKey: 'CK1',
      conflictResolution: 'NeverOverwrite',
      set: { status: 'Completed', body: { type: 'Text', content: 'before May & June — done' } },
      delete: ['dueDate'],
    });
    expect(xml).toContain(
      `<m:Items><t:Task><t:ItemId Id="${TASK_ID}" ChangeKey="CK2"/></t:Task></m:Items><m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>`,
    );
  });

  it('answers a stale change key with ErrorIrresolvableConflict and refuses fields it cannot change', async () => {
    const tasks = fakeTasks({
      update: jest.fn(async () =>
        Promise.reject(new CommandRefusedError(Topics.calendarTaskUpdateRequest, CommandErrorCodes.conflict, 'stale')),
      ),
    });
    const set = '<t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:Task><t:Subject>x</t:Subject></t:Task></t:SetItemField>';
    expect(bodyXml(await new UpdateTaskHandler(tasks).handle(context(update('old', set))))).toContain(
      '<m:ResponseCode>ErrorIrresolvableConflict</m:ResponseCode>',
    );
    const owner = '<t:SetItemField><t:FieldURI FieldURI="task:Owner"/><t:Task><t:Owner>x</t:Owner></t:Task></t:SetItemField>';
    expect(bodyXml(await new UpdateTaskHandler(tasks).handle(context(update('CK1', owner))))).toContain(
      '<m:ResponseCode>ErrorInvalidPropertySet</m:ResponseCode>',
    );
    const subject = '<t:DeleteItemField><t:FieldURI FieldURI="item:Subject"/></t:DeleteItemField>';
    expect(bodyXml(await new UpdateTaskHandler(tasks).handle(context(update('CK1', subject))))).toContain(
      '<m:ResponseCode>ErrorInvalidPropertyDelete</m:ResponseCode>',
    );
  });

  it('deletes with AffectedTaskOccurrences', async () => {
    const tasks = fakeTasks();
    const xml = bodyXml(
      await new DeleteTaskHandler(tasks).handle(
        context(
          `<m:DeleteItem DeleteType="HardDelete" AffectedTaskOccurrences="AllOccurrences"><m:ItemIds><t:ItemId Id="${TASK_ID}"/></m:ItemIds></m:DeleteItem>`,
        ),
      ),
    );
    expect(tasks.delete).toHaveBeenCalledWith('alice@parley.test', TASK_ID, 'HardDelete');
    expect(xml).toBe(
      '<m:DeleteItemResponse><m:ResponseMessages><m:DeleteItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:DeleteItemResponseMessage></m:ResponseMessages></m:DeleteItemResponse>',
    );
  });
});

describe('Deleted Items (calendar items and tasks moved there)', () => {
  const deletedItems = folderIds.identity('alice@parley.test', 'deleteditems');
  const calendarView = (id: string): CalendarItemView => ({
    id,
    changeKey: 'CKc',
    mailbox: 'alice@parley.test',
    itemType: 'Single',
    subject: `Meeting ${id}`,
    body: null,
    location: null,
    start: '2031-03-03T09:00:00.000Z',
    end: '2031-03-03T10:00:00.000Z',
    isAllDay: false,
    legacyFreeBusyStatus: 'Busy',
    sensitivity: 'Normal',
    organizer: { address: 'alice@parley.test', responseType: 'Organizer' },
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
    occurrences: null,
    revision: 2,
    createdAt: '2031-01-01T08:00:00.000Z',
    lastModifiedAt: '2031-01-02T08:00:00.000Z',
    folder: 'deleteditems',
  });
  /** Two calendar items (C0, C1) and three tasks (T0–T2) in Deleted Items, paged as calendar-sync pages them. */
  function owners() {
    const cal = ['C0', 'C1'].map(calendarView);
    const taskList = ['T0', 'T1', 'T2'].map((subject) => view({ id: `${TASK_ID}${subject}`, subject, folder: 'deleteditems' }));
    const calendar = {
      findDeleted: jest.fn(async (_: string, offset: number, max: number) => ({
        items: cal.slice(offset, offset + max),
        total: cal.length,
      })),
    } as unknown as CalendarClient & { findDeleted: jest.Mock };
    const tasks = fakeTasks({
      find: jest.fn(async (_: string, p: { offset: number; maxEntries: number }) => ({
        items: taskList.slice(p.offset, p.offset + p.maxEntries),
        totalItemsInView: taskList.length,
        includesLastItemInRange: p.offset + p.maxEntries >= taskList.length,
        indexedPagingOffset: Math.min(p.offset + p.maxEntries, taskList.length),
      })),
    });
    const messages = { find: jest.fn(async () => ({ items: [], total: 0 })) } as unknown as MessageClient;
    return { calendar, tasks, handler: new FindDeletedItemsHandler(calendar, tasks, messages, calendarAccess, access, messageAccess) };
  }
  const find = (view: string, folder = '<t:DistinguishedFolderId Id="deleteditems"/>') =>
    context(
      `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:Subject"/><t:FieldURI FieldURI="item:ParentFolderId"/></t:AdditionalProperties></m:ItemShape>${view}<m:ParentFolderIds>${folder}</m:ParentFolderIds></m:FindItem>`,
    );
  const subjects = (xml: string) => [...xml.matchAll(/<t:Subject>([^<]+)<\/t:Subject>/g)].map((m) => m[1]);

  it('lists calendar items then tasks as one paged list, each with Deleted Items as its parent folder', async () => {
    const { handler, tasks } = owners();
    const xml = bodyXml(await handler.handle(find('<m:IndexedPageItemView MaxEntriesReturned="2" Offset="1" BasePoint="Beginning"/>')));
    expect(subjects(xml)).toEqual(['Meeting C1', 'T0']);
    expect(xml).toContain('<m:RootFolder IndexedPagingOffset="3" TotalItemsInView="5" IncludesLastItemInRange="false">');
    expect(xml.match(/<t:ParentFolderId Id="([^"]+)"/g)).toEqual([
      `<t:ParentFolderId Id="${deletedItems.id}"`,
      `<t:ParentFolderId Id="${deletedItems.id}"`,
    ]);
    expect(tasks.find).toHaveBeenCalledWith('alice@parley.test', {
      offset: 0,
      maxEntries: 1,
      basePoint: 'Beginning',
      folder: 'deleteditems',
    });

    const tail = bodyXml(await handler.handle(find('<m:IndexedPageItemView MaxEntriesReturned="10" Offset="3" BasePoint="Beginning"/>')));
    expect(subjects(tail)).toEqual(['T1', 'T2']);
    expect(tail).toContain('<m:RootFolder IndexedPagingOffset="5" TotalItemsInView="5" IncludesLastItemInRange="true">');
  });

  it('pages from the end, and answers the first page without a view', async () => {
    const { handler } = owners();
    const last = bodyXml(await handler.handle(find('<m:IndexedPageItemView MaxEntriesReturned="3" Offset="0" BasePoint="End"/>')));
    expect(subjects(last)).toEqual(['T0', 'T1', 'T2']);
    expect(last).toContain('IndexedPagingOffset="3" TotalItemsInView="5" IncludesLastItemInRange="false"');
    const first = bodyXml(await handler.handle(find('<m:IndexedPageItemView MaxEntriesReturned="3" Offset="3" BasePoint="End"/>')));
    expect(subjects(first)).toEqual(['Meeting C0', 'Meeting C1']);
    expect(first).toContain('IndexedPagingOffset="5" TotalItemsInView="5" IncludesLastItemInRange="true"');
    expect(subjects(bodyXml(await handler.handle(find(''))))).toEqual(['Meeting C0', 'Meeting C1', 'T0', 'T1', 'T2']);
  });

  it('refuses a CalendarView and another folder per folder', async () => {
    const { handler } = owners();
    expect(
      bodyXml(await handler.handle(find('<m:CalendarView StartDate="2031-03-01T00:00:00Z" EndDate="2031-04-01T00:00:00Z"/>'))),
    ).toContain('<m:ResponseCode>ErrorInvalidOperation</m:ResponseCode>');
    expect(bodyXml(await handler.handle(find('', '<t:DistinguishedFolderId Id="inbox"/>')))).toContain(
      '<m:ResponseCode>ErrorInvalidOperation</m:ResponseCode>',
    );
  });

  it('moves a task to Deleted Items with MoveToDeletedItems, removes it with SoftDelete', async () => {
    const tasks = fakeTasks();
    await new DeleteTaskHandler(tasks).handle(
      context(
        `<m:DeleteItem DeleteType="MoveToDeletedItems" AffectedTaskOccurrences="AllOccurrences"><m:ItemIds><t:ItemId Id="${TASK_ID}"/></m:ItemIds></m:DeleteItem>`,
      ),
    );
    await new DeleteTaskHandler(tasks).handle(
      context(
        `<m:DeleteItem DeleteType="SoftDelete" AffectedTaskOccurrences="AllOccurrences"><m:ItemIds><t:ItemId Id="${TASK_ID}"/></m:ItemIds></m:DeleteItem>`,
      ),
    );
    expect(tasks.delete.mock.calls).toEqual([
      ['alice@parley.test', TASK_ID, 'MoveToDeletedItems'],
      ['alice@parley.test', TASK_ID, 'HardDelete'],
    ]);
  });

  it('writes Deleted Items as the ParentFolderId of a task there', async () => {
    const xml = bodyXml(
      await new GetTaskHandler(fakeTasks({ get: jest.fn(async () => view({ folder: 'deleteditems' })) }), access).handle(
        context(
          `<m:GetItem><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="${TASK_ID}"/></m:ItemIds></m:GetItem>`,
        ),
      ),
    );
    expect(xml).toContain(`<t:ParentFolderId Id="${deletedItems.id}" ChangeKey="${deletedItems.changeKey}"/>`);
  });
});

describe('item routing (calendar items vs tasks)', () => {
  /** A handler that answers one message per unit, naming the ids (or item names) it saw. */
  function recorder(operation: string, container: string, name: string): EwsOperationHandler & { seen: string[][] } {
    const seen: string[][] = [];
    return {
      operation,
      seen,
      handle: async ({ request }) => {
        const units = (request.body.children.find((c) => c.local === container)?.children ?? []).map((u) => u.attrs['Id'] ?? u.local);
        seen.push(units);
        return operationResponse(
          operation,
          units.map((u) => ({ content: el(NS.MESSAGES, 'Items', {}, el(NS.TYPES, name, { Id: u })) })),
        );
      },
    };
  }

  it('hands an all-calendar request to the calendar handler unchanged', async () => {
    const calendar = recorder('GetItem', 'ItemIds', 'CalendarItem');
    const tasks = recorder('GetItem', 'ItemIds', 'Task');
    await new GetItemRouter(calendar as never, tasks as never, {} as never).handle(
      context(
        '<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="AAMkCal1"/></m:ItemIds></m:GetItem>',
      ),
    );
    expect(calendar.seen).toEqual([['AAMkCal1']]);
    expect(tasks.seen).toEqual([]);
  });

  it('splits a mixed GetItem by id kind and merges the answers in request order', async () => {
    const calendar = recorder('GetItem', 'ItemIds', 'CalendarItem');
    const tasks = recorder('GetItem', 'ItemIds', 'Task');
    const ids = `<t:ItemId Id="AAMkCal1"/><t:ItemId Id="${TASK_ID}"/><t:ItemId Id="AAMkCal2"/>`;
    const xml = bodyXml(
      await new GetItemRouter(calendar as never, tasks as never, {} as never).handle(
        context(`<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds>${ids}</m:ItemIds></m:GetItem>`),
      ),
    );
    expect(calendar.seen).toEqual([['AAMkCal1', 'AAMkCal2']]);
    expect(tasks.seen).toEqual([[TASK_ID]]);
    expect(xml.match(/<t:(CalendarItem|Task) Id="[^"]+"/g)).toEqual([
      '<t:CalendarItem Id="AAMkCal1"',
      `<t:Task Id="${TASK_ID}"`,
      '<t:CalendarItem Id="AAMkCal2"',
    ]);
    expect(xml.startsWith('<m:GetItemResponse><m:ResponseMessages><m:GetItemResponseMessage')).toBe(true);
  });

  it('routes CreateItem by element and FindItem by folder (distinguished or by id)', async () => {
    const calendar = recorder('CreateItem', 'Items', 'CalendarItem');
    const tasks = recorder('CreateItem', 'Items', 'Task');
    const mail = recorder('CreateItem', 'Items', 'Message');
    await new CreateItemRouter(calendar as never, tasks as never, mail as never).handle(
      context(
        '<m:CreateItem><m:Items><t:Task/><t:CalendarItem/><t:Message/><t:AcceptItem/><t:ReplyToItem/><t:ReplyAllToItem/><t:ForwardItem/></m:Items></m:CreateItem>',
      ),
    );
    expect(tasks.seen).toEqual([['Task']]);
    // Meeting responses answer calendar items; mail and its replies and forwards go to the message store.
    expect(calendar.seen).toEqual([['CalendarItem', 'AcceptItem']]);
    expect(mail.seen).toEqual([['Message', 'ReplyToItem', 'ReplyAllToItem', 'ForwardItem']]);

    const calendarFind = recorder('FindItem', 'ParentFolderIds', 'CalendarItem');
    const taskFind = recorder('FindItem', 'ParentFolderIds', 'Task');
    const deletedFind = recorder('FindItem', 'ParentFolderIds', 'Item');
    const deletedItemsFolder = folderIds.identity('alice@parley.test', 'deleteditems');
    const folders = `<t:FolderId Id="${tasksFolder.id}"/><t:DistinguishedFolderId Id="calendar"/><t:DistinguishedFolderId Id="deleteditems"/><t:DistinguishedFolderId Id="tasks"/><t:FolderId Id="${deletedItemsFolder.id}"/>`;
    const xml = bodyXml(
      await new FindItemRouter(calendarFind as never, taskFind as never, deletedFind as never, {} as never, access).handle(
        context(
          `<m:FindItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ParentFolderIds>${folders}</m:ParentFolderIds></m:FindItem>`,
        ),
      ),
    );
    expect(taskFind.seen).toEqual([[tasksFolder.id, 'tasks']]);
    expect(calendarFind.seen).toEqual([['calendar']]);
    expect(deletedFind.seen).toEqual([['deleteditems', deletedItemsFolder.id]]);
    expect(xml.match(/<t:(CalendarItem|Task|Item) Id="[^"]+"/g)).toEqual([
      `<t:Task Id="${tasksFolder.id}"`,
      '<t:CalendarItem Id="calendar"',
      '<t:Item Id="deleteditems"',
      '<t:Task Id="tasks"',
      `<t:Item Id="${deletedItemsFolder.id}"`,
    ]);
  });
});
