import { el, NS, type XmlNode } from '@parley/ews-gateway/soap';
import { minutesDuration } from '../time-zones/get-server-time-zones.writer';
import { serverTimeZone, type RecurringDayRule } from '../time-zones/time-zone-rules';

/**
 * A calendar item's `StartTimeZone` / `EndTimeZone` as a full `TimeZoneDefinitionType` (Periods,
 * TransitionsGroups, Transitions), with the rules of `year`. Clients built on the EWS Managed API
 * refuse a definition that has only an Id, so the rules are always sent. Unknown id → Id only.
 */
export function timeZoneDefinition(localName: string, windowsId: string, year: number): XmlNode {
  const zone = serverTimeZone(windowsId, year);
  const t = (local: string, attrs: Record<string, string> = {}, content?: Parameters<typeof el>[3]) => el(NS.TYPES, local, attrs, content);
  if (!zone) return t(localName, { Id: windowsId });
  const key = zone.id.replace(/[^A-Za-z0-9]/g, '');
  const standardId = `trule:Parley/${key}/Standard`;
  const daylightId = `trule:Parley/${key}/Daylight`;
  const toPeriod = (id: string) => t('To', { Kind: 'Period' }, id);
  const recurring = (target: string, rule: RecurringDayRule) =>
    t('RecurringDayTransition', {}, [toPeriod(target), t('TimeOffset', {}, minutesDuration(rule.timeOfDayMinutes)), t('Month', {}, rule.month), t('DayOfWeek', {}, rule.dayOfWeek), t('Occurrence', {}, rule.occurrence)]);
  const dst = zone.daylight;
  return t(localName, { Id: zone.id, Name: zone.name }, [
    t('Periods', {}, [
      t('Period', { Bias: minutesDuration(-zone.standardOffsetMinutes), Name: 'Standard', Id: standardId }),
      dst && t('Period', { Bias: minutesDuration(-dst.offsetMinutes), Name: 'Daylight', Id: daylightId }),
    ]),
    t('TransitionsGroups', {}, [t('TransitionsGroup', { Id: '0' }, dst ? [recurring(daylightId, dst.toDaylight), recurring(standardId, dst.toStandard)] : [t('Transition', {}, toPeriod(standardId))])]),
    t('Transitions', {}, [t('Transition', {}, t('To', { Kind: 'Group' }, '0'))]),
  ]);
}
