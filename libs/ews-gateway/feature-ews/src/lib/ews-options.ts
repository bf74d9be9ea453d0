import type { EwsNotificationLimits } from '@parley/config';
import type { XmlParseOptions } from '@parley/xml';
import type { BatchLimits } from './batch-limits';

/** What the EWS endpoint needs from the runtime configuration. */
export interface EwsEndpointOptions {
  bodyLimitBytes: number;
  /** How long a request body may take to arrive once reading began (`PARLEY_HTTP_BODY_TIMEOUT_MS`). */
  bodyTimeoutMs: number;
  /** The XML front's work limits (`PARLEY_EWS_XML_*`); the parser's defaults where absent. */
  xmlLimits: Omit<XmlParseOptions, 'maxBytes'>;
  /** Ids, items and mailboxes per request (`PARLEY_EWS_MAX_BATCH_ITEMS`, `PARLEY_EWS_MAX_AVAILABILITY_MAILBOXES`). */
  batchLimits: BatchLimits;
  /** Whether bearer tokens are accepted (then the 401 also offers `Bearer`). */
  bearerEnabled: boolean;
  /** HMAC key of folder ids and change keys (`PARLEY_ID_SECRET`). */
  idSecret: string;
  /** Subscribe / GetEvents / GetStreamingEvents limits (`PARLEY_EWS_*SUBSCRIPTION*`, `_STREAMING_*`, `_EVENT_RETENTION_HOURS`). */
  notifications: EwsNotificationLimits;
}

export const EWS_ENDPOINT_OPTIONS = Symbol('EWS_ENDPOINT_OPTIONS');
