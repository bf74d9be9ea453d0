import { Injectable } from '@nestjs/common';
import { attr, child, children, type XmlNode } from '@parley/xml';
import { NS } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { readBoolean } from '../resolve-names/resolve-names-request.reader';
import { getServerTimeZonesResponse } from './get-server-time-zones.writer';
import { serverTimeZone, serverTimeZones, type ServerTimeZone } from './time-zone-rules';

/**
 * GetServerTimeZones: the Windows time zones Parley maps to IANA zones. Unknown ids in `Ids` are
 * left out (the answer lists what the server has). The full list is computed once per year.
 */
@Injectable()
export class GetServerTimeZonesHandler implements EwsOperationHandler {
  readonly operation = 'GetServerTimeZones';
  private cached: { year: number; zones: ServerTimeZone[] } | undefined;

  async handle({ request }: EwsOperationContext): Promise<XmlNode> {
    // Absent means true (types.xsd default).
    const full = readBoolean(attr(request.body, 'ReturnFullTimeZoneData'), 'ReturnFullTimeZoneData') ?? true;
    const ids = child(request.body, NS.MESSAGES, 'Ids');
    const year = new Date().getUTCFullYear();
    const zones = ids ? children(ids, NS.TYPES, 'Id').flatMap((id) => serverTimeZone(id.text, year) ?? []) : this.all(year);
    return getServerTimeZonesResponse(zones, full);
  }

  private all(year: number): ServerTimeZone[] {
    if (this.cached?.year !== year) this.cached = { year, zones: serverTimeZones(year) };
    return this.cached.zones;
  }
}
