import type { EwsResponseCode } from '@parley/ews-gateway/soap';

/**
 * A per-item refusal found by the gateway itself (a folder other than the calendar, an item type
 * Parley does not store, a field that cannot be set): answered as that item's response message,
 * while the other items of the request go on.
 */
export class CalendarItemException extends Error {
  constructor(
    readonly responseCode: Exclude<EwsResponseCode, 'NoError'>,
    message: string,
  ) {
    super(message);
    this.name = 'CalendarItemException';
  }
}
