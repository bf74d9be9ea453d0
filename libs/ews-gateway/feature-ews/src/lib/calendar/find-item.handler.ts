import { Injectable } from '@nestjs/common';
import { MAX_OCCURRENCES_PER_QUERY } from '@parley/contracts';
import { attr, child, el, type XmlElement, type XmlNode } from '@parley/xml';
import { EwsError, EwsErrorCode, NS, operationResponse, requireChild, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { CalendarAccess } from './calendar-access';
import { calendarErrorMessage } from './calendar-error.mapper';
import { CalendarItemException } from './calendar.exception';
import { CalendarClient } from './calendar.client';
import { calendarItemElement } from './calendar-item.writer';
import { readFolderRefs, readItemShape } from './calendar-request.reader';
import { readInstant, requestTimeZone } from './request-time-zone';

interface CalendarViewSpec {
  readonly start: string;
  readonly end: string;
  readonly maxEntries: number | undefined;
}

/**
 * FindItem. With a `CalendarView` on the calendar folder: occurrences of [StartDate, EndDate)
 * with recurring series expanded, each with its own id. Other folders of the fixed tree hold no
 * items yet and answer an empty view. Paging (`IndexedPageItemView`, …) over the calendar is not
 * offered by calendar-sync's contract: that is a per-folder `ErrorInvalidOperation` (see docs).
 */
@Injectable()
export class FindItemHandler implements EwsOperationHandler {
  readonly operation = 'FindItem';

  constructor(
    private readonly calendar: CalendarClient,
    private readonly access: CalendarAccess,
  ) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const body = request.body;
    const shape = readItemShape(body);
    const view = readCalendarView(child(body, NS.MESSAGES, 'CalendarView'), requestTimeZone(request.headers));
    const folders = readFolderRefs(requireChild(body, NS.MESSAGES, 'ParentFolderIds'));
    const ctx = this.access.writeContext(request);
    const messages: ResponseMessageSpec[] = [];
    for (const folder of folders) {
      try {
        const kind = this.access.folderKind(acting, folder);
        if (kind !== 'calendar') {
          messages.push({
            content: rootFolder({ TotalItemsInView: 0, IncludesLastItemInRange: true, ...(view ? {} : { IndexedPagingOffset: 0 }) }, []),
          });
          continue;
        }
        if (!view) throw new CalendarItemException('ErrorInvalidOperation', 'Parley lists the calendar folder with a CalendarView only.');
        const found = await this.calendar.find(acting.mailbox.smtpAddress, view.start, view.end, view.maxEntries);
        const items = found.items.map((item) => calendarItemElement(item, shape, ctx));
        messages.push({
          content: rootFolder({ TotalItemsInView: found.totalItemsInView, IncludesLastItemInRange: found.includesLastItemInRange }, items),
        });
      } catch (error) {
        messages.push(calendarErrorMessage(error));
      }
    }
    return operationResponse('FindItem', messages);
  }
}

function rootFolder(attrs: Record<string, number | boolean>, items: XmlNode[]): XmlNode {
  return el(NS.MESSAGES, 'RootFolder', attrs, el(NS.TYPES, 'Items', {}, items));
}

/** `m:CalendarView` (attributes StartDate, EndDate, MaxEntriesReturned); unzoned dates per TimeZoneContext. */
export function readCalendarView(view: XmlElement | undefined, zone: Parameters<typeof readInstant>[1]): CalendarViewSpec | undefined {
  if (!view) return undefined;
  const required = (name: string) => {
    const value = attr(view, name);
    if (value === undefined) throw new EwsError(EwsErrorCode.InvalidValue, `The 'CalendarView' element needs a '${name}' attribute.`);
    return value;
  };
  const start = readInstant(required('StartDate'), zone);
  const end = readInstant(required('EndDate'), zone);
  if (Date.parse(end) < Date.parse(start))
    throw new EwsError(EwsErrorCode.InvalidRequest, 'The CalendarView EndDate is before its StartDate.');
  const max = attr(view, 'MaxEntriesReturned')?.trim();
  if (max !== undefined && (!/^\d{1,9}$/.test(max) || Number(max) < 1))
    throw new EwsError(EwsErrorCode.InvalidValue, "'MaxEntriesReturned' must be a positive integer.");
  return { start, end, maxEntries: max === undefined ? undefined : Math.min(Number(max), MAX_OCCURRENCES_PER_QUERY) };
}
