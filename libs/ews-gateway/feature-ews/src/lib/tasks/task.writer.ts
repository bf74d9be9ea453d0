import type { TaskView } from '@parley/contracts';
import { attr, child, el, type XmlElement, type XmlNode } from '@parley/xml';
import { formatXsDateTime, NS, requireChild } from '@parley/ews-gateway/soap';
import { oneOf } from '../calendar/calendar-item.reader';

/** What the writer needs besides the task. */
export interface TaskWriteContext {
  /** `t:FolderId` of the mailbox's folder that holds the task (ParentFolderId): Tasks or Deleted Items. */
  readonly parentFolder: (mailbox: string, folder: 'tasks' | 'deleteditems') => { id: string; changeKey: string };
}

type Writer = (v: TaskView, ctx: TaskWriteContext) => XmlNode | false | null | undefined;
const t = (local: string, attrs: Record<string, string> = {}, content?: Parameters<typeof el>[3]) => el(NS.TYPES, local, attrs, content);
const time = (iso: string) => formatXsDateTime(new Date(iso));

/**
 * Every property Parley answers for a task, keyed by its FieldURI, in types.xsd's order (ItemType,
 * then TaskType: … ChangeCount, CompleteDate, …, DueDate, IsAssignmentEditable, IsComplete,
 * IsRecurring, IsTeamTask, …, PercentComplete, Recurrence, StartDate, Status, …).
 */
const FIELDS: ReadonlyArray<readonly [string, Writer]> = [
  ['item:ItemId', (v) => t('ItemId', { Id: v.id, ChangeKey: v.changeKey })],
  [
    'item:ParentFolderId',
    (v, ctx) => {
      const folder = ctx.parentFolder(v.mailbox, v.folder ?? 'tasks');
      return t('ParentFolderId', { Id: folder.id, ChangeKey: folder.changeKey });
    },
  ],
  ['item:ItemClass', () => t('ItemClass', {}, 'IPM.Task')],
  ['item:Subject', (v) => t('Subject', {}, v.subject)],
  ['item:Sensitivity', (v) => t('Sensitivity', {}, v.sensitivity)],
  ['item:Body', (v) => v.body && t('Body', { BodyType: v.body.type }, v.body.content)],
  ['item:DateTimeReceived', (v) => t('DateTimeReceived', {}, time(v.createdAt))],
  ['item:Importance', (v) => t('Importance', {}, v.importance)],
  ['item:IsDraft', () => t('IsDraft', {}, 'false')],
  ['item:DateTimeSent', (v) => t('DateTimeSent', {}, time(v.createdAt))],
  ['item:DateTimeCreated', (v) => t('DateTimeCreated', {}, time(v.createdAt))],
  ['item:HasAttachments', () => t('HasAttachments', {}, 'false')],
  ['item:LastModifiedTime', (v) => t('LastModifiedTime', {}, time(v.lastModifiedAt))],
  ['task:ChangeCount', (v) => t('ChangeCount', {}, v.revision)],
  ['task:CompleteDate', (v) => v.completeDate !== null && t('CompleteDate', {}, time(v.completeDate))],
  ['task:DueDate', (v) => v.dueDate !== null && t('DueDate', {}, time(v.dueDate))],
  ['task:IsAssignmentEditable', () => t('IsAssignmentEditable', {}, 0)],
  ['task:IsComplete', (v) => t('IsComplete', {}, String(v.isComplete))],
  ['task:IsRecurring', () => t('IsRecurring', {}, 'false')],
  ['task:IsTeamTask', () => t('IsTeamTask', {}, 'false')],
  ['task:PercentComplete', (v) => t('PercentComplete', {}, v.percentComplete)],
  ['task:StartDate', (v) => v.startDate !== null && t('StartDate', {}, time(v.startDate))],
  ['task:Status', (v) => t('Status', {}, v.status)],
];

export const TASK_FIELD_URIS: ReadonlySet<string> = new Set(FIELDS.map(([uri]) => uri));

/** `ItemShape` BaseShape → the task fields it stands for (AdditionalProperties add to it). */
export const TASK_BASE_SHAPES: Readonly<Record<'IdOnly' | 'Default' | 'AllProperties', ReadonlySet<string>>> = {
  IdOnly: new Set(['item:ItemId']),
  Default: new Set([
    'item:ItemId',
    'item:ParentFolderId',
    'item:ItemClass',
    'item:Subject',
    'item:Sensitivity',
    'item:Importance',
    'item:HasAttachments',
    'task:CompleteDate',
    'task:DueDate',
    'task:IsComplete',
    'task:PercentComplete',
    'task:StartDate',
    'task:Status',
  ]),
  AllProperties: TASK_FIELD_URIS,
};

/** `ItemShape` for tasks: the BaseShape's fields plus AdditionalProperties (unknown ones are left out silently). */
export function readTaskShape(request: XmlElement): ReadonlySet<string> {
  const shape = requireChild(request, NS.MESSAGES, 'ItemShape');
  const base = oneOf(requireChild(shape, NS.TYPES, 'BaseShape').text, ['IdOnly', 'Default', 'AllProperties'] as const, 'BaseShape');
  const fields = new Set(TASK_BASE_SHAPES[base]);
  for (const property of child(shape, NS.TYPES, 'AdditionalProperties')?.children ?? []) {
    if (property.ns === NS.TYPES && property.local === 'FieldURI') {
      const uri = attr(property, 'FieldURI')?.trim();
      if (uri) fields.add(uri);
    }
  }
  return fields;
}

/** `t:Task` with the fields of `shape`, in schema order. */
export function taskElement(view: TaskView, shape: ReadonlySet<string>, ctx: TaskWriteContext): XmlNode {
  return t(
    'Task',
    {},
    FIELDS.filter(([uri]) => shape.has(uri)).map(([, write]) => write(view, ctx)),
  );
}

/** The bare `t:Task` → `t:ItemId` that CreateItem and UpdateItem answer with. */
export function taskIdElement(view: Pick<TaskView, 'id' | 'changeKey'>): XmlNode {
  return t('Task', {}, t('ItemId', { Id: view.id, ChangeKey: view.changeKey }));
}
