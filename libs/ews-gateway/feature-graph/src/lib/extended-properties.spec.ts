import { GraphRequestError } from '@parley/graph';
import { extendedPropertyValues, readExtendedPropertyExpand } from './extended-properties';
import { readCalendarViewQuery, readMessageListQuery } from './query-options';

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof GraphRequestError ? `${error.status}: ${error.message}` : String(error);
  }
  return 'accepted';
};

describe("$expand=singleValueExtendedProperties($filter=id eq '…')", () => {
  it('reads or-ed id terms, optionally parenthesised, normalising the ids as Graph answers them', () => {
    expect(
      readExtendedPropertyExpand(
        "singleValueExtendedProperties($filter=id eq 'Integer 0x6801' or id eq 'String 0x6802' or id eq 'String 0x6803')",
      ),
    ).toEqual([
      { id: 'Integer 0x6801', key: 'tag:0x6801' },
      { id: 'String 0x6802', key: 'tag:0x6802' },
      { id: 'String 0x6803', key: 'tag:0x6803' },
    ]);
    expect(
      readExtendedPropertyExpand("SingleValueExtendedProperties($filter=(Id eq 'string 0x6805') OR (id eq 'Integer 0x0E08'))"),
    ).toEqual([
      { id: 'String 0x6805', key: 'tag:0x6805' },
      { id: 'Integer 0xe08', key: 'tag:0x0e08' },
    ]);
    // A repeated id counts once.
    expect(
      readExtendedPropertyExpand("singleValueExtendedProperties($filter=id eq 'Integer 0x6801' or id eq 'Integer 0x6801')"),
    ).toHaveLength(1);
    expect(readExtendedPropertyExpand(null)).toBeUndefined();
  });

  it('names a property of another type, or one Parley never derives, without a key (never answered)', () => {
    expect(readExtendedPropertyExpand("singleValueExtendedProperties($filter=id eq 'String 0x6801')")).toEqual([
      { id: 'String 0x6801', key: undefined },
    ]);
    expect(readExtendedPropertyExpand("singleValueExtendedProperties($filter=id eq 'Binary 0x0FFF')")).toEqual([
      { id: 'Binary 0xfff', key: undefined },
    ]);
  });

  it('reads internet headers as PS_INTERNET_HEADERS named properties', () => {
    expect(
      readExtendedPropertyExpand(
        "singleValueExtendedProperties($filter=id eq 'String {00020386-0000-0000-C000-000000000046} Name X-VoiceMessageDuration')",
      ),
    ).toEqual([{ id: 'String {00020386-0000-0000-c000-000000000046} Name X-VoiceMessageDuration', key: 'header:x-voicemessageduration' }]);
  });

  it('lists the asked properties the message has, leaving out the others', () => {
    const requests = readExtendedPropertyExpand(
      "singleValueExtendedProperties($filter=id eq 'Integer 0x6801' or id eq 'String 0x6805' or id eq 'String 0x6801')",
    ) as never;
    const values: Record<string, string> = { 'tag:0x6801': '12' };
    expect(extendedPropertyValues(requests, (key) => values[key])).toEqual([{ id: 'Integer 0x6801', value: '12' }]);
  });

  it.each([
    ['another navigation property', 'attachments'],
    ['two expansions', "attachments,singleValueExtendedProperties($filter=id eq 'Integer 0x6801')"],
    ['multi-value properties', "multiValueExtendedProperties($filter=id eq 'StringArray 0x1234')"],
    ['no filter', 'singleValueExtendedProperties'],
    ['another operator', "singleValueExtendedProperties($filter=id ne 'Integer 0x6801')"],
    ['and', "singleValueExtendedProperties($filter=id eq 'Integer 0x6801' and id eq 'String 0x6802')"],
    ['a value filter', "singleValueExtendedProperties($filter=value eq '12')"],
    ['an unclosed parenthesis', "singleValueExtendedProperties($filter=(id eq 'Integer 0x6801')"],
    ['an unclosed string', "singleValueExtendedProperties($filter=id eq 'Integer 0x6801)"],
    ['a trailing or', "singleValueExtendedProperties($filter=id eq 'Integer 0x6801' or)"],
    ['an unknown type', "singleValueExtendedProperties($filter=id eq 'Number 0x6801')"],
    ['a tag too long', "singleValueExtendedProperties($filter=id eq 'Integer 0x680100')"],
    ['an id of no form', "singleValueExtendedProperties($filter=id eq 'duration')"],
    [
      'too many terms',
      `singleValueExtendedProperties($filter=${Array.from({ length: 21 }, (_, i) => `id eq 'Integer 0x${(0x6000 + i).toString(16)}'`).join(' or ')})`,
    ],
  ])('refuses %s with 400', (_name, expand) => {
    expect(refusal(() => readExtendedPropertyExpand(expand))).toMatch(/^400: /);
  });
});

describe('list query options', () => {
  it("reads a message page: Graph's default of 10, $skip, $count, the order, the expansion", () => {
    expect(readMessageListQuery(new URLSearchParams(''))).toEqual({
      top: 10,
      skip: 0,
      count: false,
      order: 'newest-first',
      properties: undefined,
    });
    expect(
      readMessageListQuery(
        new URLSearchParams(
          "$top=5&$skip=10&$count=true&$orderby=receivedDateTime asc&$select=subject&$expand=singleValueExtendedProperties($filter=id eq 'Integer 0x6801')",
        ),
      ),
    ).toMatchObject({ top: 5, skip: 10, count: true, order: 'oldest-first', properties: [{ id: 'Integer 0x6801' }] });
    for (const query of [
      '$top=0',
      '$top=1001',
      '$skip=-1',
      '$count=yes',
      '$filter=isRead eq false',
      '$search="x"',
      '$orderby=subject',
      '$top=1&$top=2',
    ]) {
      expect(refusal(() => readMessageListQuery(new URLSearchParams(query)))).toMatch(/^400: /);
    }
  });

  it('reads a calendar view window: offsets, UTC or the Prefer zone without one, both required, bounded', () => {
    const view = (query: string, zone?: string) => readCalendarViewQuery(new URLSearchParams(query), zone);
    expect(view('startDateTime=2031-03-20T00:00:00Z&endDateTime=2031-03-21T00:00:00.0000000')).toEqual({
      start: Date.parse('2031-03-20T00:00:00Z'),
      end: Date.parse('2031-03-21T00:00:00Z'),
      top: 10,
      skip: 0,
    });
    expect(view('startDateTime=2031-03-20T00:00:00-08:00&endDateTime=2031-03-21T00:00:00&$top=1000&$skip=5', 'Europe/Berlin')).toEqual({
      start: Date.parse('2031-03-20T08:00:00Z'),
      end: Date.parse('2031-03-20T23:00:00Z'),
      top: 1000,
      skip: 5,
    });
    for (const query of [
      'startDateTime=2031-03-20T00:00:00Z',
      'endDateTime=2031-03-20T00:00:00Z',
      'startDateTime=2031-03-20&endDateTime=2031-03-21',
      'startDateTime=2031-02-30T00:00:00Z&endDateTime=2031-03-21T00:00:00Z',
      'startDateTime=2031-03-21T00:00:00Z&endDateTime=2031-03-21T00:00:00Z',
      'startDateTime=2031-01-01T00:00:00Z&endDateTime=2031-03-04T00:00:01Z',
      'startDateTime=2031-03-20T00:00:00Z&endDateTime=2031-03-21T00:00:00Z&$filter=subject eq ""',
      'startDateTime=2031-03-20T00:00:00Z&endDateTime=2031-03-21T00:00:00Z&$orderby=subject',
      'startDateTime=2031-03-20T00:00:00Z&endDateTime=2031-03-21T00:00:00Z&$skip=1001',
    ]) {
      expect(refusal(() => view(query))).toMatch(/^400: /);
    }
    expect(view('startDateTime=2031-01-01T00:00:00Z&endDateTime=2031-03-04T00:00:00Z&$orderby=start/dateTime').end).toBe(
      Date.parse('2031-03-04T00:00:00Z'),
    );
  });
});
