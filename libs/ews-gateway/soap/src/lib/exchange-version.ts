/**
 * `RequestServerVersion@Version` values accepted (`ExchangeVersionType` in types.xsd). Includes
 * the pre-release names still in the schema (Exchange2009, Exchange2012), the dated versions
 * the EWS Managed API and ews-javascript-api send (V2015_10_05 … V2018_01_08) and Exchange2019,
 * which clients send although the schema never listed it. We answer at our own schema level.
 */
export const EXCHANGE_VERSIONS = [
  'Exchange2007',
  'Exchange2007_SP1',
  'Exchange2009',
  'Exchange2010',
  'Exchange2010_SP1',
  'Exchange2010_SP2',
  'Exchange2012',
  'Exchange2013',
  'Exchange2013_SP1',
  'Exchange2015',
  'Exchange2016',
  'Exchange2019',
  'V2015_10_05',
  'V2016_01_06',
  'V2016_04_13',
  'V2016_07_13',
  'V2016_10_10',
  'V2017_01_07',
  'V2017_04_14',
  'V2017_07_11',
  'V2017_10_09',
  'V2018_01_08',
] as const;

export type ExchangeVersion = (typeof EXCHANGE_VERSIONS)[number];

const KNOWN: ReadonlySet<string> = new Set(EXCHANGE_VERSIONS);

/** Exact, case-sensitive match, as schema enumerations are. */
export function isExchangeVersion(value: string): value is ExchangeVersion {
  return KNOWN.has(value);
}
