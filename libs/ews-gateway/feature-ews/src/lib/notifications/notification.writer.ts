import type { JournaledEvent } from '@parley/ews-gateway/data-access';
import { formatXsDateTime, NS } from '@parley/ews-gateway/soap';
import { el, type XmlNode } from '@parley/xml';
import type { FolderKind } from '../folders/mailbox-folders';
import type { FolderIdentity } from '../folders/folder-ids';
import { encodeSubscriptionId, encodeWatermark } from './notification-ids';

/** How the writer names a folder of the subscribed mailbox (`FolderIds.identity`). */
export type FolderIdentityOf = (mailbox: string, kind: FolderKind) => FolderIdentity;

/** One subscription's share of a notification: its events in journal order, or a status event when it has none. */
export interface NotificationContent {
  readonly subscriptionId: string;
  readonly previousWatermark?: number;
  readonly moreEvents?: boolean;
  readonly events: readonly JournaledEvent[];
  /** The watermark of the status event written when `events` is empty. */
  readonly statusWatermark?: number;
}

/**
 * `NotificationType` (types.xsd): `t:SubscriptionId`, `t:PreviousWatermark`, `t:MoreEvents`, then the
 * events in order; the element itself is `m:Notification` (GetEvents, SendNotification, streaming).
 */
export function notificationElement(content: NotificationContent, folderIdentity: FolderIdentityOf): XmlNode {
  const items: XmlNode[] = content.events.map((event) => eventElement(event, folderIdentity));
  if (items.length === 0 && content.statusWatermark !== undefined)
    items.push(el(NS.TYPES, 'StatusEvent', {}, [el(NS.TYPES, 'Watermark', {}, encodeWatermark(content.statusWatermark))]));
  return el(NS.MESSAGES, 'Notification', {}, [
    el(NS.TYPES, 'SubscriptionId', {}, encodeSubscriptionId(content.subscriptionId)),
    content.previousWatermark !== undefined && el(NS.TYPES, 'PreviousWatermark', {}, encodeWatermark(content.previousWatermark)),
    content.moreEvents !== undefined && el(NS.TYPES, 'MoreEvents', {}, content.moreEvents ? 'true' : 'false'),
    ...items,
  ]);
}

/** `BaseObjectChangedEventType` (and `MovedCopiedEventType`): watermark, time stamp, item, parent folder (old ones for moves and copies). */
function eventElement(event: JournaledEvent, folderIdentity: FolderIdentityOf): XmlNode {
  const parent = folderIdentity(event.mailbox, event.folder as FolderKind);
  const moved = event.eventType === 'Moved' || event.eventType === 'Copied';
  const oldParent = moved && event.oldFolder !== null ? folderIdentity(event.mailbox, event.oldFolder as FolderKind) : undefined;
  return el(NS.TYPES, `${event.eventType}Event`, {}, [
    el(NS.TYPES, 'Watermark', {}, encodeWatermark(event.seq)),
    el(NS.TYPES, 'TimeStamp', {}, formatXsDateTime(event.occurredAt)),
    el(NS.TYPES, 'ItemId', event.changeKey === null ? { Id: event.itemId } : { Id: event.itemId, ChangeKey: event.changeKey }),
    el(NS.TYPES, 'ParentFolderId', { Id: parent.id, ChangeKey: parent.changeKey }),
    moved && el(NS.TYPES, 'OldItemId', { Id: event.oldItemId ?? event.itemId }),
    oldParent !== undefined && el(NS.TYPES, 'OldParentFolderId', { Id: oldParent.id, ChangeKey: oldParent.changeKey }),
  ]);
}
