import { el, type XmlNode } from '@parley/xml';
import { NS } from '@parley/ews-gateway/soap';
import { timeZoneDefinitionElement } from '../time-zones/get-server-time-zones.writer';
import { serverTimeZone } from '../time-zones/time-zone-rules';

/**
 * A calendar item's `StartTimeZone` / `EndTimeZone` as a full `TimeZoneDefinitionType`, with the
 * rules of `year`. Clients built on the EWS Managed API refuse a definition that has only an Id,
 * so the rules are always sent. Unknown id → Id only.
 */
export function timeZoneDefinition(localName: string, windowsId: string, year: number): XmlNode {
  const zone = serverTimeZone(windowsId, year);
  return zone ? timeZoneDefinitionElement(localName, zone, true) : el(NS.TYPES, localName, { Id: windowsId });
}
