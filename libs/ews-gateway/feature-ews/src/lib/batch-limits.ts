import { child } from '@parley/xml';
import { EwsError, EwsErrorCode, NS, type SoapRequest } from '@parley/ews-gateway/soap';

/** How many units one request may name (`PARLEY_EWS_MAX_BATCH_ITEMS`, `PARLEY_EWS_MAX_AVAILABILITY_MAILBOXES`). */
export interface BatchLimits {
  /** Ids or items per request in every batch below except GetUserAvailability's mailboxes. */
  readonly maxItems: number;
  /** `MailboxData` per GetUserAvailability; Exchange refuses more than 100 with `ErrorMailboxDataArrayTooBig`. */
  readonly maxMailboxes: number;
}

/**
 * The batch each operation carries: the `m:` container whose `t:` children are its units (each
 * one a bus call or more). Every operation with a batch that the gateway serves is listed, so
 * none can fan out without bound.
 */
const BATCH_CONTAINERS: Readonly<Record<string, string>> = {
  GetItem: 'ItemIds',
  DeleteItem: 'ItemIds',
  MoveItem: 'ItemIds',
  CopyItem: 'ItemIds',
  UpdateItem: 'ItemChanges',
  CreateItem: 'Items',
  FindItem: 'ParentFolderIds',
  GetFolder: 'FolderIds',
  GetAttachment: 'AttachmentIds',
  MarkAllItemsAsRead: 'FolderIds',
  FindFolder: 'ParentFolderIds',
  ConvertId: 'SourceIds',
  GetUserAvailabilityRequest: 'MailboxDataArray',
};

/**
 * Refuses a request whose batch is larger than the limits allow, as a whole and before any
 * unit is served: `ErrorMailboxDataArrayTooBig` for GetUserAvailability (Exchange's answer),
 * `ErrorInvalidRequest` for the others.
 */
export function checkBatchSize(request: SoapRequest, limits: BatchLimits): void {
  const container = BATCH_CONTAINERS[request.operation];
  if (container === undefined) return;
  const holder = child(request.body, NS.MESSAGES, container);
  if (holder === undefined) return;
  let units = 0;
  for (const c of holder.children) if (c.ns === NS.TYPES) units++;
  if (request.operation === 'GetUserAvailabilityRequest') {
    if (units > limits.maxMailboxes) {
      throw new EwsError(
        EwsErrorCode.TooManyMailboxes,
        `'MailboxDataArray' holds ${units} mailboxes; at most ${limits.maxMailboxes} are allowed.`,
      );
    }
  } else if (units > limits.maxItems) {
    throw new EwsError(
      EwsErrorCode.TooManyItems,
      `'${container}' holds ${units} entries; at most ${limits.maxItems} are allowed in one ${request.operation}.`,
    );
  }
}
