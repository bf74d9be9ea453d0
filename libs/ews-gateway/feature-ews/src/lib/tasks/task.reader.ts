import { importances, type TaskPatch, taskStatuses } from '@parley/contracts';
import { child, type XmlElement } from '@parley/xml';
import { EwsError, EwsErrorCode, NS } from '@parley/ews-gateway/soap';
import { oneOf } from '../calendar/calendar-item.reader';
import { readItemBasics } from '../item-request.reader';
import { CalendarItemException } from '../calendar/calendar.exception';
import { readInstant, type RequestTimeZone } from '../calendar/request-time-zone';

/**
 * The `t:Task` fields Parley stores, read from a CreateItem item or an UpdateItem fragment: only
 * the elements present are in the result. Read-only or unmodelled elements (IsComplete,
 * ChangeCount, Owner, work and billing fields, reminders, categories) are ignored; a
 * `Recurrence` is refused (Parley does not keep recurring tasks yet).
 */
export function readTaskFields(item: XmlElement, zone: RequestTimeZone | undefined): TaskPatch {
  const patch: TaskPatch = { ...readItemBasics(item) };
  const t = (local: string) => child(item, NS.TYPES, local);
  const importance = t('Importance');
  if (importance) patch.importance = oneOf(importance.text, importances, 'Importance');
  const complete = t('CompleteDate');
  if (complete) patch.completeDate = readInstant(complete.text.trim(), zone);
  const due = t('DueDate');
  if (due) patch.dueDate = readInstant(due.text.trim(), zone);
  const percent = t('PercentComplete');
  if (percent) patch.percentComplete = readPercent(percent.text);
  if (t('Recurrence')) throw new CalendarItemException('ErrorInvalidRequest', 'Parley does not store recurring tasks yet.');
  const start = t('StartDate');
  if (start) patch.startDate = readInstant(start.text.trim(), zone);
  const status = t('Status');
  if (status) patch.status = oneOf(status.text, taskStatuses, 'Status');
  return patch;
}

/** `xs:double` from 0 to 100 (Exchange refuses anything else). */
function readPercent(value: string): number {
  const v = value.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(v))
    throw new EwsError(EwsErrorCode.InvalidValue, `'${v.slice(0, 20)}' is not a valid PercentComplete.`);
  const n = Number(v);
  if (n < 0 || n > 100) throw new CalendarItemException('ErrorInvalidPropertySet', 'PercentComplete must be between 0 and 100.');
  return n;
}
