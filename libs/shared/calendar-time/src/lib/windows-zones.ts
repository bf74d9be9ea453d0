/**
 * Windows time zone ids → IANA zones, after the "001" (golden zone) rows of CLDR's
 * windowsZones supplemental data. Windows ids travel in EWS (`StartTimeZone`, `TimeZoneContext`,
 * `GetServerTimeZones`); all offset arithmetic happens on the IANA zone.
 */
const WINDOWS_TO_IANA: Readonly<Record<string, string>> = {
  'Dateline Standard Time': 'Etc/GMT+12',
  'UTC-11': 'Etc/GMT+11',
  'Aleutian Standard Time': 'America/Adak',
  'Hawaiian Standard Time': 'Pacific/Honolulu',
  'Marquesas Standard Time': 'Pacific/Marquesas',
  'Alaskan Standard Time': 'America/Anchorage',
  'UTC-09': 'Etc/GMT+9',
  'Pacific Standard Time (Mexico)': 'America/Tijuana',
  'UTC-08': 'Etc/GMT+8',
  'Pacific Standard Time': 'America/Los_Angeles',
  'US Mountain Standard Time': 'America/Phoenix',
  'Mountain Standard Time (Mexico)': 'America/Mazatlan',
  'Mountain Standard Time': 'America/Denver',
  'Yukon Standard Time': 'America/Whitehorse',
  'Central America Standard Time': 'America/Guatemala',
  'Central Standard Time': 'America/Chicago',
  'Easter Island Standard Time': 'Pacific/Easter',
  'Central Standard Time (Mexico)': 'America/Mexico_City',
  'Canada Central Standard Time': 'America/Regina',
  'SA Pacific Standard Time': 'America/Bogota',
  'Eastern Standard Time (Mexico)': 'America/Cancun',
  'Eastern Standard Time': 'America/New_York',
  'Haiti Standard Time': 'America/Port-au-Prince',
  'Cuba Standard Time': 'America/Havana',
  'US Eastern Standard Time': 'America/Indiana/Indianapolis',
  'Turks And Caicos Standard Time': 'America/Grand_Turk',
  'Paraguay Standard Time': 'America/Asuncion',
  'Atlantic Standard Time': 'America/Halifax',
  'Venezuela Standard Time': 'America/Caracas',
  'Central Brazilian Standard Time': 'America/Cuiaba',
  'SA Western Standard Time': 'America/La_Paz',
  'Pacific SA Standard Time': 'America/Santiago',
  'Newfoundland Standard Time': 'America/St_Johns',
  'Tocantins Standard Time': 'America/Araguaina',
  'E. South America Standard Time': 'America/Sao_Paulo',
  'SA Eastern Standard Time': 'America/Cayenne',
  'Argentina Standard Time': 'America/Argentina/Buenos_Aires',
  'Greenland Standard Time': 'America/Nuuk',
  'Montevideo Standard Time': 'America/Montevideo',
  'Magallanes Standard Time': 'America/Punta_Arenas',
  'Saint Pierre Standard Time': 'America/Miquelon',
  'Bahia Standard Time': 'America/Bahia',
  'UTC-02': 'Etc/GMT+2',
  'Azores Standard Time': 'Atlantic/Azores',
  'Cape Verde Standard Time': 'Atlantic/Cape_Verde',
  UTC: 'Etc/UTC',
  'GMT Standard Time': 'Europe/London',
  'Greenwich Standard Time': 'Atlantic/Reykjavik',
  'Sao Tome Standard Time': 'Africa/Sao_Tome',
  'Morocco Standard Time': 'Africa/Casablanca',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Romance Standard Time': 'Europe/Paris',
  'Central European Standard Time': 'Europe/Warsaw',
  'W. Central Africa Standard Time': 'Africa/Lagos',
  'Jordan Standard Time': 'Asia/Amman',
  'GTB Standard Time': 'Europe/Bucharest',
  'Middle East Standard Time': 'Asia/Beirut',
  'Egypt Standard Time': 'Africa/Cairo',
  'E. Europe Standard Time': 'Europe/Chisinau',
  'Syria Standard Time': 'Asia/Damascus',
  'West Bank Standard Time': 'Asia/Hebron',
  'South Africa Standard Time': 'Africa/Johannesburg',
  'FLE Standard Time': 'Europe/Kyiv',
  'Israel Standard Time': 'Asia/Jerusalem',
  'South Sudan Standard Time': 'Africa/Juba',
  'Kaliningrad Standard Time': 'Europe/Kaliningrad',
  'Sudan Standard Time': 'Africa/Khartoum',
  'Libya Standard Time': 'Africa/Tripoli',
  'Namibia Standard Time': 'Africa/Windhoek',
  'Arabic Standard Time': 'Asia/Baghdad',
  'Turkey Standard Time': 'Europe/Istanbul',
  'Arab Standard Time': 'Asia/Riyadh',
  'Belarus Standard Time': 'Europe/Minsk',
  'Russian Standard Time': 'Europe/Moscow',
  'E. Africa Standard Time': 'Africa/Nairobi',
  'Volgograd Standard Time': 'Europe/Volgograd',
  'Iran Standard Time': 'Asia/Tehran',
  'Arabian Standard Time': 'Asia/Dubai',
  'Astrakhan Standard Time': 'Europe/Astrakhan',
  'Azerbaijan Standard Time': 'Asia/Baku',
  'Russia Time Zone 3': 'Europe/Samara',
  'Mauritius Standard Time': 'Indian/Mauritius',
  'Saratov Standard Time': 'Europe/Saratov',
  'Georgian Standard Time': 'Asia/Tbilisi',
  'Caucasus Standard Time': 'Asia/Yerevan',
  'Afghanistan Standard Time': 'Asia/Kabul',
  'West Asia Standard Time': 'Asia/Tashkent',
  'Ekaterinburg Standard Time': 'Asia/Yekaterinburg',
  'Pakistan Standard Time': 'Asia/Karachi',
  'Qyzylorda Standard Time': 'Asia/Qyzylorda',
  'India Standard Time': 'Asia/Kolkata',
  'Sri Lanka Standard Time': 'Asia/Colombo',
  'Nepal Standard Time': 'Asia/Kathmandu',
  'Central Asia Standard Time': 'Asia/Bishkek',
  'Bangladesh Standard Time': 'Asia/Dhaka',
  'Omsk Standard Time': 'Asia/Omsk',
  'Myanmar Standard Time': 'Asia/Yangon',
  'SE Asia Standard Time': 'Asia/Bangkok',
  'Altai Standard Time': 'Asia/Barnaul',
  'W. Mongolia Standard Time': 'Asia/Hovd',
  'North Asia Standard Time': 'Asia/Krasnoyarsk',
  'N. Central Asia Standard Time': 'Asia/Novosibirsk',
  'Tomsk Standard Time': 'Asia/Tomsk',
  'China Standard Time': 'Asia/Shanghai',
  'North Asia East Standard Time': 'Asia/Irkutsk',
  'Singapore Standard Time': 'Asia/Singapore',
  'W. Australia Standard Time': 'Australia/Perth',
  'Taipei Standard Time': 'Asia/Taipei',
  'Ulaanbaatar Standard Time': 'Asia/Ulaanbaatar',
  'Aus Central W. Standard Time': 'Australia/Eucla',
  'Transbaikal Standard Time': 'Asia/Chita',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'North Korea Standard Time': 'Asia/Pyongyang',
  'Korea Standard Time': 'Asia/Seoul',
  'Yakutsk Standard Time': 'Asia/Yakutsk',
  'Cen. Australia Standard Time': 'Australia/Adelaide',
  'AUS Central Standard Time': 'Australia/Darwin',
  'E. Australia Standard Time': 'Australia/Brisbane',
  'AUS Eastern Standard Time': 'Australia/Sydney',
  'West Pacific Standard Time': 'Pacific/Port_Moresby',
  'Tasmania Standard Time': 'Australia/Hobart',
  'Vladivostok Standard Time': 'Asia/Vladivostok',
  'Lord Howe Standard Time': 'Australia/Lord_Howe',
  'Bougainville Standard Time': 'Pacific/Bougainville',
  'Russia Time Zone 10': 'Asia/Srednekolymsk',
  'Magadan Standard Time': 'Asia/Magadan',
  'Norfolk Standard Time': 'Pacific/Norfolk',
  'Sakhalin Standard Time': 'Asia/Sakhalin',
  'Central Pacific Standard Time': 'Pacific/Guadalcanal',
  'Russia Time Zone 11': 'Asia/Kamchatka',
  'New Zealand Standard Time': 'Pacific/Auckland',
  'UTC+12': 'Etc/GMT-12',
  'Fiji Standard Time': 'Pacific/Fiji',
  'Chatham Islands Standard Time': 'Pacific/Chatham',
  'UTC+13': 'Etc/GMT-13',
  'Tonga Standard Time': 'Pacific/Tongatapu',
  'Samoa Standard Time': 'Pacific/Apia',
  'Line Islands Standard Time': 'Pacific/Kiritimati',
};

/**
 * IANA zones (besides each Windows id's golden zone) that clients commonly name, with the Windows
 * id CLDR lists them under, plus older spellings that IANA keeps as links.
 */
const MORE_IANA_TO_WINDOWS: Readonly<Record<string, string>> = {
  UTC: 'UTC',
  'Etc/GMT': 'UTC',
  'Etc/UCT': 'UTC',
  GMT: 'UTC',
  'Europe/Amsterdam': 'W. Europe Standard Time',
  'Europe/Rome': 'W. Europe Standard Time',
  'Europe/Vienna': 'W. Europe Standard Time',
  'Europe/Zurich': 'W. Europe Standard Time',
  'Europe/Stockholm': 'W. Europe Standard Time',
  'Europe/Oslo': 'W. Europe Standard Time',
  'Europe/Luxembourg': 'W. Europe Standard Time',
  'Europe/Madrid': 'Romance Standard Time',
  'Europe/Brussels': 'Romance Standard Time',
  'Europe/Copenhagen': 'Romance Standard Time',
  'Europe/Prague': 'Central Europe Standard Time',
  'Europe/Belgrade': 'Central Europe Standard Time',
  'Europe/Bratislava': 'Central Europe Standard Time',
  'Europe/Ljubljana': 'Central Europe Standard Time',
  'Europe/Sarajevo': 'Central European Standard Time',
  'Europe/Zagreb': 'Central European Standard Time',
  'Europe/Skopje': 'Central European Standard Time',
  'Europe/Dublin': 'GMT Standard Time',
  'Europe/Lisbon': 'GMT Standard Time',
  'Europe/Helsinki': 'FLE Standard Time',
  'Europe/Kiev': 'FLE Standard Time',
  'Europe/Riga': 'FLE Standard Time',
  'Europe/Tallinn': 'FLE Standard Time',
  'Europe/Vilnius': 'FLE Standard Time',
  'Europe/Sofia': 'FLE Standard Time',
  'Europe/Athens': 'GTB Standard Time',
  'America/Toronto': 'Eastern Standard Time',
  'America/Detroit': 'Eastern Standard Time',
  'America/Vancouver': 'Pacific Standard Time',
  'America/Edmonton': 'Mountain Standard Time',
  'America/Winnipeg': 'Central Standard Time',
  'America/Indianapolis': 'US Eastern Standard Time',
  'America/Buenos_Aires': 'Argentina Standard Time',
  'America/Godthab': 'Greenland Standard Time',
  'Asia/Calcutta': 'India Standard Time',
  'Asia/Katmandu': 'Nepal Standard Time',
  'Asia/Rangoon': 'Myanmar Standard Time',
  'Asia/Almaty': 'Central Asia Standard Time',
  'Asia/Hong_Kong': 'China Standard Time',
  'Asia/Kuala_Lumpur': 'Singapore Standard Time',
  'Asia/Manila': 'Singapore Standard Time',
  'Asia/Jakarta': 'SE Asia Standard Time',
  'Asia/Ho_Chi_Minh': 'SE Asia Standard Time',
  'Asia/Qatar': 'Arab Standard Time',
  'Asia/Kuwait': 'Arab Standard Time',
  'Asia/Muscat': 'Arabian Standard Time',
  'Australia/Melbourne': 'AUS Eastern Standard Time',
  'Australia/Canberra': 'AUS Eastern Standard Time',
  'Pacific/Guam': 'West Pacific Standard Time',
  'Africa/Algiers': 'W. Central Africa Standard Time',
  'Africa/Accra': 'Greenwich Standard Time',
  'Africa/Abidjan': 'Greenwich Standard Time',
};

const IANA_TO_WINDOWS: ReadonlyMap<string, string> = new Map([
  ...Object.entries(WINDOWS_TO_IANA).map(([windows, iana]) => [iana, windows] as const),
  ...Object.entries(MORE_IANA_TO_WINDOWS),
]);

const lowerCaseWindowsIds = new Map(Object.keys(WINDOWS_TO_IANA).map((id) => [id.toLowerCase(), id]));

/** Every Windows time zone id Parley knows, in the table's order (west to east). */
export function windowsTimeZoneIds(): string[] {
  return Object.keys(WINDOWS_TO_IANA);
}

/** The IANA zone for a Windows id (case-insensitive, as Windows treats them), or null. */
export function windowsToIana(windowsId: string): string | null {
  const exact = WINDOWS_TO_IANA[windowsId];
  if (exact) return exact;
  const id = lowerCaseWindowsIds.get(windowsId.trim().toLowerCase());
  return id ? WINDOWS_TO_IANA[id] : null;
}

/** The canonical spelling of a Windows id (`pacific standard time` → `Pacific Standard Time`), or null. */
export function canonicalWindowsId(windowsId: string): string | null {
  return lowerCaseWindowsIds.get(windowsId.trim().toLowerCase()) ?? null;
}

/** The Windows id for an IANA zone (also for common non-golden zones and old links), or null. */
export function ianaToWindows(iana: string): string | null {
  return IANA_TO_WINDOWS.get(iana) ?? null;
}

/**
 * A zone named either way — a Windows id (case-insensitive) or an IANA zone Parley maps (IANA
 * names are case-sensitive) — as its canonical Windows id, or null.
 */
export function windowsZoneIdOf(zone: string): string | null {
  return canonicalWindowsId(zone) ?? ianaToWindows(zone.trim());
}
