import { el, type XmlNode } from '@parley/xml';
import { NS, operationResponse } from '@parley/ews-gateway/soap';
import type { RecurringDayRule, ServerTimeZone } from './time-zone-rules';

/** `xs:duration` of whole minutes: `PT5H`, `-PT5H30M`, `PT0H`. */
export function minutesDuration(minutes: number): string {
  const abs = Math.abs(minutes);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  const body = `${h > 0 || m === 0 ? `${h}H` : ''}${m > 0 ? `${m}M` : ''}`;
  return `${minutes < 0 ? '-' : ''}PT${body}`;
}

/**
 * `m:GetServerTimeZonesResponse`. With full data each definition carries, in the schema's order,
 * `Periods` (Bias = minus the offset from UTC, as Windows counts it), `TransitionsGroups` (one
 * group: a lone `Transition` to Standard, or a `RecurringDayTransition` pair) and `Transitions`
 * (the group applies from the beginning of time).
 */
export function getServerTimeZonesResponse(zones: readonly ServerTimeZone[], full: boolean): XmlNode {
  return operationResponse('GetServerTimeZones', [
    {
      content: el(
        NS.MESSAGES,
        'TimeZoneDefinitions',
        {},
        zones.map((z) => definition(z, full)),
      ),
    },
  ]);
}

function definition(zone: ServerTimeZone, full: boolean): XmlNode {
  return timeZoneDefinitionElement('TimeZoneDefinition', zone, full);
}

/**
 * A `TimeZoneDefinitionType` element named `localName` (GetServerTimeZones' `TimeZoneDefinition`,
 * a calendar item's `StartTimeZone` / `EndTimeZone`): Id and Name, and with `full` the Periods,
 * TransitionsGroups and Transitions of the zone's yearly rule.
 */
export function timeZoneDefinitionElement(localName: string, zone: ServerTimeZone, full: boolean): XmlNode {
  const t = (local: string, attrs: Record<string, string> = {}, content?: Parameters<typeof el>[3]) => el(NS.TYPES, local, attrs, content);
  if (!full) return t(localName, { Id: zone.id, Name: zone.name });
  const key = zone.id.replace(/[^A-Za-z0-9]/g, '');
  const standardId = `trule:Parley/${key}/Standard`;
  const daylightId = `trule:Parley/${key}/Daylight`;
  const toPeriod = (id: string) => t('To', { Kind: 'Period' }, id);
  const recurring = (target: string, rule: RecurringDayRule) =>
    t('RecurringDayTransition', {}, [
      toPeriod(target),
      t('TimeOffset', {}, minutesDuration(rule.timeOfDayMinutes)),
      t('Month', {}, rule.month),
      t('DayOfWeek', {}, rule.dayOfWeek),
      t('Occurrence', {}, rule.occurrence),
    ]);
  const dst = zone.daylight;
  return t(localName, { Id: zone.id, Name: zone.name }, [
    t('Periods', {}, [
      t('Period', { Bias: minutesDuration(-zone.standardOffsetMinutes), Name: 'Standard', Id: standardId }),
      dst && t('Period', { Bias: minutesDuration(-dst.offsetMinutes), Name: 'Daylight', Id: daylightId }),
    ]),
    t('TransitionsGroups', {}, [
      t(
        'TransitionsGroup',
        { Id: '0' },
        dst ? [recurring(daylightId, dst.toDaylight), recurring(standardId, dst.toStandard)] : [t('Transition', {}, toPeriod(standardId))],
      ),
    ]),
    t('Transitions', {}, [t('Transition', {}, t('To', { Kind: 'Group' }, '0'))]),
  ]);
}
