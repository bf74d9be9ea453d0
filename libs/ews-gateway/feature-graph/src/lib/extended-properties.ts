import { badRequest, MAIL_CALENDAR_LIMITS } from '@parley/graph';

/** Graph's MAPI property types, as they appear in an extended property's id. */
const PROPERTY_TYPES = [
  'Binary',
  'BinaryArray',
  'Boolean',
  'CLSID',
  'CLSIDArray',
  'Currency',
  'CurrencyArray',
  'Double',
  'DoubleArray',
  'Float',
  'FloatArray',
  'Integer',
  'IntegerArray',
  'Long',
  'LongArray',
  'Object',
  'ObjectArray',
  'Short',
  'ShortArray',
  'SystemTime',
  'SystemTimeArray',
  'String',
  'StringArray',
] as const;
const TYPE_BY_LOWER = new Map<string, string>(PROPERTY_TYPES.map((t) => [t.toLowerCase(), t]));

/** PS_INTERNET_HEADERS: a named property of this set is an internet header of the message. */
const INTERNET_HEADERS_SET = '00020386-0000-0000-c000-000000000046';

/**
 * The MAPI properties Parley derives for a message (`messagePropertyValue` of feature-ews), by tag,
 * with the type Graph names them by; a request with another type names another property, which no
 * message has. Among them the voice-message ones of MS-OXOUM: PidTagVoiceMessageDuration (0x6801,
 * Integer, seconds), PidTagSenderTelephoneNumber (0x6802, String), PidTagVoiceMessageSenderName
 * (0x6803, String), PidTagVoiceMessageAttachmentOrder (0x6805, String, the recording's file name).
 */
const TAG_TYPES: Readonly<Record<number, string>> = {
  0x0017: 'Integer', // PidTagImportance
  0x001a: 'String', // PidTagMessageClass
  0x0037: 'String', // PidTagSubject
  0x0039: 'SystemTime', // PidTagClientSubmitTime
  0x0e06: 'SystemTime', // PidTagMessageDeliveryTime
  0x0e07: 'Integer', // PidTagMessageFlags
  0x0e08: 'Integer', // PidTagMessageSize
  0x0e1b: 'Boolean', // PidTagHasAttachments
  0x1035: 'String', // PidTagInternetMessageId
  0x3008: 'SystemTime', // PidTagLastModificationTime
  0x6801: 'Integer', // PidTagVoiceMessageDuration
  0x6802: 'String', // PidTagSenderTelephoneNumber
  0x6803: 'String', // PidTagVoiceMessageSenderName
  0x6805: 'String', // PidTagVoiceMessageAttachmentOrder
};

/** One property an `$expand=singleValueExtendedProperties($filter=id eq '…')` asks for. */
export interface ExtendedPropertyRequest {
  /** The id as Graph answers it: the type's own spelling, the tag in lower-case hex without leading zeros. */
  readonly id: string;
  /** The key `messagePropertyValue` reads it by; undefined for a property Parley never has. */
  readonly key: string | undefined;
}

/**
 * `$expand` as the message operations take it: empty, or exactly
 * `singleValueExtendedProperties($filter=id eq '<id>' [or id eq '<id>' …])`, terms optionally in
 * parentheses. Ids are `<Type> 0x<tag>` or `<Type> {<guid>} Name <name>` / `<Type> {<guid>} Id 0x<id>`
 * (Graph's forms). Anything else is 400 naming it.
 */
export function readExtendedPropertyExpand(expand: string | null): ExtendedPropertyRequest[] | undefined {
  if (expand === null) return undefined;
  const m = /^\s*singleValueExtendedProperties\s*\(\s*\$filter\s*=(.*)\)\s*$/is.exec(expand);
  if (!m) throw badRequest(`'$expand' supports only singleValueExtendedProperties($filter=id eq '…'), not '${expand.slice(0, 100)}'.`);
  const ids = readIdFilter(m[1]);
  if (ids.length > MAIL_CALENDAR_LIMITS.maxExtendedProperties) {
    throw badRequest(`'$expand' may ask for at most ${MAIL_CALENDAR_LIMITS.maxExtendedProperties} extended properties.`);
  }
  const seen = new Map<string, ExtendedPropertyRequest>();
  for (const id of ids) {
    const request = propertyRequest(id);
    seen.set(request.id, request);
  }
  return [...seen.values()];
}

/** The asked properties the message has, as Graph lists them: `{id, value}`, absent ones left out. */
export function extendedPropertyValues(
  requests: readonly ExtendedPropertyRequest[],
  valueOf: (key: string) => string | undefined,
): { id: string; value: string }[] {
  const found: { id: string; value: string }[] = [];
  for (const request of requests) {
    const value = request.key === undefined ? undefined : valueOf(request.key);
    if (value !== undefined) found.push({ id: request.id, value });
  }
  return found;
}

type Token = { kind: 'word'; text: string } | { kind: 'string'; text: string } | { kind: '(' } | { kind: ')' };

/** `id eq '…' or id eq '…'`, terms optionally parenthesised: the ids, in order. */
function readIdFilter(filter: string): string[] {
  const tokens = tokenize(filter);
  let at = 0;
  const fail = (): never => {
    throw badRequest(
      `'$filter' of singleValueExtendedProperties supports only id eq '…' terms joined by or, not '${filter.trim().slice(0, 100)}'.`,
    );
  };
  const word = (expected: string) => {
    const token = tokens[at++];
    if (token?.kind !== 'word' || token.text.toLowerCase() !== expected) fail();
  };
  const expression = (): string[] => {
    const ids = term();
    while (tokens[at]?.kind === 'word' && (tokens[at] as { text: string }).text.toLowerCase() === 'or') {
      at++;
      ids.push(...term());
    }
    return ids;
  };
  const term = (): string[] => {
    if (tokens[at]?.kind === '(') {
      at++;
      const inner = expression();
      if (tokens[at++]?.kind !== ')') fail();
      return inner;
    }
    word('id');
    word('eq');
    const value = tokens[at++];
    if (value?.kind !== 'string') return fail();
    return [value.text];
  };
  if (tokens.length === 0) fail();
  const ids = expression();
  if (at !== tokens.length) fail();
  return ids;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c });
      i++;
    } else if (c === "'") {
      // OData string literal: a quote inside is doubled.
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw badRequest("'$filter' has a string that is not closed.");
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ kind: 'string', text: value });
    } else {
      const m = /^[A-Za-z0-9_./$]+/.exec(text.slice(i));
      if (!m) throw badRequest(`'$filter' has an unexpected character '${c}'.`);
      tokens.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

/** An id in Graph's forms, normalised as Graph answers it, with the key Parley reads its value by. */
function propertyRequest(id: string): ExtendedPropertyRequest {
  const tagged = /^\s*([A-Za-z]+)\s+0x([0-9A-Fa-f]{1,4})\s*$/.exec(id);
  if (tagged) {
    const type = typeOf(tagged[1], id);
    const tag = parseInt(tagged[2], 16);
    const key = TAG_TYPES[tag] === type ? `tag:0x${tag.toString(16).padStart(4, '0')}` : undefined;
    return { id: `${type} 0x${tag.toString(16)}`, key };
  }
  const named = /^\s*([A-Za-z]+)\s+\{([0-9A-Fa-f-]{36})\}\s+(Name|Id)\s+(\S.{0,254})$/.exec(id);
  if (named) {
    const type = typeOf(named[1], id);
    const set = named[2].toLowerCase();
    const byName = named[3] === 'Name';
    const name = named[4].trim();
    const key = byName && set === INTERNET_HEADERS_SET && type === 'String' ? `header:${name.toLowerCase()}` : undefined;
    return { id: `${type} {${set}} ${named[3]} ${name}`, key };
  }
  throw badRequest(`'${id.slice(0, 100)}' is not an extended property id ('<type> 0x<tag>' or '<type> {<guid>} Name <name>').`);
}

function typeOf(name: string, id: string): string {
  const type = TYPE_BY_LOWER.get(name.toLowerCase());
  if (type === undefined) throw badRequest(`'${id.slice(0, 100)}' names no MAPI property type Graph knows ('${name.slice(0, 30)}').`);
  return type;
}
