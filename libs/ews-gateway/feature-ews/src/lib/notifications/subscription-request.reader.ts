import type { MailboxEventType } from '@parley/ews-gateway/data-access';
import { NS } from '@parley/ews-gateway/soap';
import { attr, child, children, text, type XmlElement } from '@parley/xml';
import { readBoolean } from '../calendar/calendar-item.reader';
import { readFolderRefs, type FolderRef } from '../calendar/calendar-request.reader';
import { NotificationException } from './notification.exception';

export type SubscribeRequest =
  | (SubscriptionScope & { readonly kind: 'pull'; readonly watermark: string | undefined; readonly timeoutMinutes: number })
  | (SubscriptionScope & {
      readonly kind: 'push';
      readonly watermark: string | undefined;
      readonly statusFrequencyMinutes: number;
      readonly url: string;
      readonly callerData: string | undefined;
    })
  | (SubscriptionScope & { readonly kind: 'streaming' });

export interface SubscriptionScope {
  /** Null: SubscribeToAllFolders. */
  readonly folders: readonly FolderRef[] | null;
  readonly eventTypes: readonly MailboxEventType[];
}

const EVENT_TYPES: Readonly<Record<string, MailboxEventType | null>> = {
  NewMailEvent: 'NewMail',
  CreatedEvent: 'Created',
  DeletedEvent: 'Deleted',
  ModifiedEvent: 'Modified',
  MovedEvent: 'Moved',
  CopiedEvent: 'Copied',
  // Exchange 2010 SP1's free/busy change events: accepted, never raised (free/busy is answered live).
  FreeBusyChangedEvent: null,
};

/** Exchange's limits: a pull subscription lives 1–1440 minutes unpolled; a push status goes out every 1–1440 minutes. */
const MINUTES_MIN = 1;
const MINUTES_MAX = 1440;
const URL_MAX = 2048;
const CALLER_DATA_MAX = 4096;

/** `m:Subscribe`: exactly one of the pull, push or streaming requests. */
export function readSubscribeRequest(body: XmlElement): SubscribeRequest {
  const requests = children(body, NS.MESSAGES).filter((c) => c.local.endsWith('SubscriptionRequest'));
  if (requests.length !== 1)
    throw new NotificationException('ErrorInvalidSubscriptionRequest', 'Subscribe needs exactly one subscription request.');
  const request = requests[0];
  const scope = readScope(request);
  switch (request.local) {
    case 'PullSubscriptionRequest':
      return {
        kind: 'pull',
        ...scope,
        watermark: optionalText(request, 'Watermark'),
        timeoutMinutes: readMinutes(request, 'Timeout'),
      };
    case 'PushSubscriptionRequest': {
      const url = optionalText(request, 'URL');
      if (url === undefined || url.length > URL_MAX)
        throw new NotificationException('ErrorInvalidPushSubscriptionUrl', 'A push subscription needs a callback URL.');
      const callerData = child(request, NS.TYPES, 'CallerData');
      const callerText = callerData ? (text(callerData) ?? '') : undefined;
      if (callerText !== undefined && callerText.length > CALLER_DATA_MAX)
        throw new NotificationException('ErrorInvalidSubscriptionRequest', `CallerData may hold at most ${CALLER_DATA_MAX} characters.`);
      return {
        kind: 'push',
        ...scope,
        watermark: optionalText(request, 'Watermark'),
        statusFrequencyMinutes: readMinutes(request, 'StatusFrequency'),
        url,
        callerData: callerText,
      };
    }
    case 'StreamingSubscriptionRequest':
      return { kind: 'streaming', ...scope };
    default:
      throw new NotificationException('ErrorInvalidSubscriptionRequest', `'${request.local.slice(0, 64)}' is not a subscription request.`);
  }
}

function readScope(request: XmlElement): SubscriptionScope {
  const allFolders = attr(request, 'SubscribeToAllFolders');
  const all = allFolders !== undefined && readBoolean(allFolders, 'SubscribeToAllFolders');
  const folderIds = child(request, NS.TYPES, 'FolderIds');
  if (all && folderIds !== undefined && readFolderRefs(folderIds).length > 0)
    throw new NotificationException('ErrorInvalidSubscriptionRequest', 'SubscribeToAllFolders and FolderIds cannot both be given.');
  const folders = all ? null : folderIds === undefined ? [] : readFolderRefs(folderIds);
  if (folders !== null && folders.length === 0)
    throw new NotificationException('ErrorInvalidSubscriptionRequest', 'A subscription needs FolderIds or SubscribeToAllFolders.');
  const types = children(child(request, NS.TYPES, 'EventTypes'), NS.TYPES, 'EventType').map((e) => (text(e) ?? '').trim());
  if (types.length === 0)
    throw new NotificationException('ErrorInvalidSubscriptionRequest', 'A subscription needs at least one EventType.');
  const eventTypes = new Set<MailboxEventType>();
  for (const name of types) {
    const type = EVENT_TYPES[name];
    if (type === undefined)
      throw new NotificationException('ErrorInvalidSubscriptionRequest', `'${name.slice(0, 64)}' is not an event type.`);
    if (type !== null) eventTypes.add(type);
  }
  return { folders, eventTypes: [...eventTypes] };
}

function optionalText(parent: XmlElement, local: string): string | undefined {
  const value = text(child(parent, NS.TYPES, local))?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function readMinutes(parent: XmlElement, local: string): number {
  const value = optionalText(parent, local);
  const minutes = value !== undefined && /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(minutes >= MINUTES_MIN && minutes <= MINUTES_MAX))
    throw new NotificationException(
      'ErrorInvalidSubscriptionRequest',
      `${local} must be between ${MINUTES_MIN} and ${MINUTES_MAX} minutes.`,
    );
  return minutes;
}
