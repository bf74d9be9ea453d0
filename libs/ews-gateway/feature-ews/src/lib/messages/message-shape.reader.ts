import { attr, child, childText, type XmlElement } from '@parley/xml';
import { NS, requireChild } from '@parley/ews-gateway/soap';
import { oneOf, readBoolean } from '../calendar/calendar-item.reader';

/** A MAPI property a shape asks for (`t:ExtendedFieldURI`): echoed as given, answered by `key` when Parley can derive it. */
export interface ExtendedPropertyRequest {
  /** `tag:0x0e08` for a tagged property, `header:x-voicemessageduration` for an internet header; undefined: never answered. */
  readonly key: string | undefined;
  readonly attrs: Readonly<Record<string, string>>;
}

export type BodyTypeRequest = 'Best' | 'HTML' | 'Text';

export interface MessageShape {
  /** FieldURIs (`item:Subject`, `message:IsRead`, …) the answer writes. */
  readonly fields: ReadonlySet<string>;
  readonly extended: readonly ExtendedPropertyRequest[];
  readonly bodyType: BodyTypeRequest;
}

/** PS_INTERNET_HEADERS: named properties that are a message's internet headers, by header name. */
export const PS_INTERNET_HEADERS = '00020386-0000-0000-c000-000000000046';

/**
 * Fields each BaseShape stands for on a message. FindItem never carries the body, attachments,
 * recipients or MIME (Exchange cannot list them either); GetItem's Default adds them, and its
 * AllProperties the raw header lines too. MimeContent is written only when asked for
 * (`IncludeMimeContent` or `item:MimeContent`).
 */
const FIND_DEFAULT = [
  'item:ItemId',
  'item:ParentFolderId',
  'item:ItemClass',
  'item:Subject',
  'item:Sensitivity',
  'item:DateTimeReceived',
  'item:Size',
  'item:Importance',
  'item:IsSubmitted',
  'item:IsDraft',
  'item:IsFromMe',
  'item:IsResend',
  'item:IsUnmodified',
  'item:DateTimeSent',
  'item:DateTimeCreated',
  'item:DisplayCc',
  'item:DisplayTo',
  'item:HasAttachments',
  'item:LastModifiedTime',
  'message:Sender',
  'message:IsReadReceiptRequested',
  'message:IsDeliveryReceiptRequested',
  'message:From',
  'message:IsRead',
];
const FIND_ALL = [...FIND_DEFAULT, 'message:InternetMessageId'];
const GET_EXTRA = ['item:Body', 'item:Attachments', 'message:ToRecipients', 'message:CcRecipients'];
/** What FindItem never writes, even when AdditionalProperties name it. */
const GET_ONLY: ReadonlySet<string> = new Set([...GET_EXTRA, 'item:MimeContent', 'item:InternetMessageHeaders', 'item:InReplyTo']);

const BASE_FIELDS: Readonly<Record<'find' | 'get', Record<'IdOnly' | 'Default' | 'AllProperties', readonly string[]>>> = {
  find: { IdOnly: ['item:ItemId'], Default: FIND_DEFAULT, AllProperties: FIND_ALL },
  get: {
    IdOnly: ['item:ItemId'],
    Default: [...FIND_DEFAULT, ...GET_EXTRA],
    // InReplyTo comes from the header lines, which only GetItem reads.
    AllProperties: [...FIND_ALL, ...GET_EXTRA, 'item:InternetMessageHeaders', 'item:InReplyTo'],
  },
};

/** `m:ItemShape` for messages: BaseShape, IncludeMimeContent, BodyType, AdditionalProperties (unknown FieldURIs are left out silently). */
export function readMessageShape(request: XmlElement, operation: 'find' | 'get'): MessageShape {
  const shape = requireChild(request, NS.MESSAGES, 'ItemShape');
  const base = oneOf(requireChild(shape, NS.TYPES, 'BaseShape').text, ['IdOnly', 'Default', 'AllProperties'] as const, 'BaseShape');
  const fields = new Set(BASE_FIELDS[operation][base]);
  const mime = childText(shape, NS.TYPES, 'IncludeMimeContent');
  if (mime !== undefined && readBoolean(mime, 'IncludeMimeContent') && operation === 'get') fields.add('item:MimeContent');
  const bodyType = oneOf(childText(shape, NS.TYPES, 'BodyType') ?? 'Best', ['Best', 'HTML', 'Text'] as const, 'BodyType');
  const extended: ExtendedPropertyRequest[] = [];
  for (const property of child(shape, NS.TYPES, 'AdditionalProperties')?.children ?? []) {
    if (property.ns !== NS.TYPES) continue;
    if (property.local === 'FieldURI') {
      const uri = attr(property, 'FieldURI')?.trim();
      if (uri && (operation === 'get' || !GET_ONLY.has(uri))) fields.add(uri);
    } else if (property.local === 'ExtendedFieldURI') {
      extended.push({ key: extendedPropertyKey(property), attrs: { ...property.attrs } });
    }
  }
  return { fields, extended, bodyType };
}

/**
 * How Parley knows an extended property: by tag (`PropertyTag` `0x0e08` or decimal), or an
 * internet header by name (`DistinguishedPropertySetId="InternetHeaders"` or PS_INTERNET_HEADERS'
 * GUID, with `PropertyName`; header names are case-insensitive). Anything else: undefined.
 */
export function extendedPropertyKey(uri: XmlElement): string | undefined {
  const tag = attr(uri, 'PropertyTag')?.trim();
  if (tag !== undefined) {
    const n = /^0x[0-9a-f]{1,4}$/i.test(tag) ? parseInt(tag.slice(2), 16) : /^\d{1,5}$/.test(tag) ? Number(tag) : NaN;
    return Number.isInteger(n) && n <= 0xffff ? `tag:0x${n.toString(16).padStart(4, '0')}` : undefined;
  }
  const name = attr(uri, 'PropertyName')?.trim();
  const set = attr(uri, 'DistinguishedPropertySetId')?.trim();
  const guid = attr(uri, 'PropertySetId')?.trim().toLowerCase().replace(/[{}]/g, '');
  if (name && (set === 'InternetHeaders' || guid === PS_INTERNET_HEADERS)) return `header:${name.toLowerCase()}`;
  return undefined;
}
