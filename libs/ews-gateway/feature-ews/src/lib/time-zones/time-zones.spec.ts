import { windowsTimeZoneIds } from '@parley/calendar-time';
import { bodyXml, directoryUser, operationContext } from '../../../test/ews-operation-fixtures';
import { GetServerTimeZonesHandler } from './get-server-time-zones.handler';
import { minutesDuration } from './get-server-time-zones.writer';
import { serverTimeZone, serverTimeZones } from './time-zone-rules';

const alice = directoryUser('alice@parley.test', 'Alice Archer');

async function call(request: string): Promise<string> {
  return bodyXml(await new GetServerTimeZonesHandler().handle(operationContext(request, alice)));
}

describe('time zone rules from the IANA data', () => {
  it('derives the US, EU and southern-hemisphere rules', () => {
    expect(serverTimeZone('eastern standard time', 2025)).toEqual({
      id: 'Eastern Standard Time',
      name: '(UTC-05:00) America/New York',
      standardOffsetMinutes: -300,
      daylight: {
        offsetMinutes: -240,
        toDaylight: { month: 3, dayOfWeek: 'Sunday', occurrence: 2, timeOfDayMinutes: 120 },
        toStandard: { month: 11, dayOfWeek: 'Sunday', occurrence: 1, timeOfDayMinutes: 120 },
      },
    });
    expect(serverTimeZone('W. Europe Standard Time', 2025)?.daylight).toEqual({
      offsetMinutes: 120,
      toDaylight: { month: 3, dayOfWeek: 'Sunday', occurrence: -1, timeOfDayMinutes: 120 },
      toStandard: { month: 10, dayOfWeek: 'Sunday', occurrence: -1, timeOfDayMinutes: 180 },
    });
    expect(serverTimeZone('AUS Eastern Standard Time', 2025)).toMatchObject({
      standardOffsetMinutes: 600,
      daylight: {
        offsetMinutes: 660,
        toDaylight: { month: 10, occurrence: 1 },
        toStandard: { month: 4, occurrence: 1, timeOfDayMinutes: 180 },
      },
    });
    expect(serverTimeZone('India Standard Time', 2025)).toEqual({
      id: 'India Standard Time',
      name: '(UTC+05:30) Asia/Kolkata',
      standardOffsetMinutes: 330,
      daylight: undefined,
    });
    expect(serverTimeZone('Nowhere Standard Time', 2025)).toBeUndefined();
  });

  it('covers every id of the Windows table', () => {
    expect(serverTimeZones(2025).map((z) => z.id)).toEqual(windowsTimeZoneIds());
  });

  it('writes biases as xs:duration', () => {
    expect([300, -60, -330, 0, 45].map(minutesDuration)).toEqual(['PT5H', '-PT1H', '-PT5H30M', 'PT0H', 'PT45M']);
  });
});

describe('GetServerTimeZones (golden)', () => {
  beforeAll(() => jest.useFakeTimers({ now: Date.UTC(2025, 5, 1), doNotFake: ['nextTick', 'setImmediate'] }));
  afterAll(() => jest.useRealTimers());

  it('returns ids and names only when ReturnFullTimeZoneData is false, filtered by Ids', async () => {
    const xml = await call(
      '<m:GetServerTimeZones ReturnFullTimeZoneData="false"><m:Ids><t:Id>Eastern Standard Time</t:Id><t:Id>No Such Zone</t:Id><t:Id>utc</t:Id></m:Ids></m:GetServerTimeZones>',
    );
    expect(xml).toBe(
      '<m:GetServerTimeZonesResponse><m:ResponseMessages><m:GetServerTimeZonesResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>' +
        '<m:TimeZoneDefinitions><t:TimeZoneDefinition Id="Eastern Standard Time" Name="(UTC-05:00) America/New York"/><t:TimeZoneDefinition Id="UTC" Name="(UTC+00:00) Etc/UTC"/></m:TimeZoneDefinitions>' +
        '</m:GetServerTimeZonesResponseMessage></m:ResponseMessages></m:GetServerTimeZonesResponse>',
    );
  });

  it('returns periods, transition groups and transitions in the schema order', async () => {
    const xml = await call(
      '<m:GetServerTimeZones><m:Ids><t:Id>Eastern Standard Time</t:Id><t:Id>UTC</t:Id></m:Ids></m:GetServerTimeZones>',
    );
    expect(xml).toContain(
      '<t:TimeZoneDefinition Id="Eastern Standard Time" Name="(UTC-05:00) America/New York"><t:Periods>' +
        '<t:Period Bias="PT5H" Name="Standard" Id="trule:Parley/EasternStandardTime/Standard"/><t:Period Bias="PT4H" Name="Daylight" Id="trule:Parley/EasternStandardTime/Daylight"/></t:Periods>' +
        '<t:TransitionsGroups><t:TransitionsGroup Id="0">' +
        '<t:RecurringDayTransition><t:To Kind="Period">trule:Parley/EasternStandardTime/Daylight</t:To><t:TimeOffset>PT2H</t:TimeOffset><t:Month>3</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek><t:Occurrence>2</t:Occurrence></t:RecurringDayTransition>' +
        '<t:RecurringDayTransition><t:To Kind="Period">trule:Parley/EasternStandardTime/Standard</t:To><t:TimeOffset>PT2H</t:TimeOffset><t:Month>11</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek><t:Occurrence>1</t:Occurrence></t:RecurringDayTransition>' +
        '</t:TransitionsGroup></t:TransitionsGroups><t:Transitions><t:Transition><t:To Kind="Group">0</t:To></t:Transition></t:Transitions></t:TimeZoneDefinition>',
    );
    expect(xml).toContain(
      '<t:TimeZoneDefinition Id="UTC" Name="(UTC+00:00) Etc/UTC"><t:Periods><t:Period Bias="PT0H" Name="Standard" Id="trule:Parley/UTC/Standard"/></t:Periods>' +
        '<t:TransitionsGroups><t:TransitionsGroup Id="0"><t:Transition><t:To Kind="Period">trule:Parley/UTC/Standard</t:To></t:Transition></t:TransitionsGroup></t:TransitionsGroups>' +
        '<t:Transitions><t:Transition><t:To Kind="Group">0</t:To></t:Transition></t:Transitions></t:TimeZoneDefinition>',
    );
  });

  it('lists every zone without Ids', async () => {
    const xml = await call('<m:GetServerTimeZones ReturnFullTimeZoneData="false"/>');
    expect(xml.match(/<t:TimeZoneDefinition /g)).toHaveLength(windowsTimeZoneIds().length);
  });
});
