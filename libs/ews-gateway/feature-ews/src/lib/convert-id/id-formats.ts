/** `IdFormatType` (types.xsd). */
export const idFormats = ['EwsLegacyId', 'EwsId', 'EntryId', 'HexEntryId', 'StoreId', 'OwaId'] as const;
export type IdFormat = (typeof idFormats)[number];

/**
 * How Parley spells one id in each format. Every gateway id (folder ids it mints, item ids the
 * owners mint) is an opaque base64/base64url string: the EwsId. The other formats carry that
 * string's bytes inside a MAPI-style entry id — 4 flag bytes, Parley's 16-byte provider UID,
 * then the EwsId — so any format converts to any other and back to the identical EwsId:
 * - EntryId: base64 of the entry id; HexEntryId: the same bytes in upper-case hex;
 * - StoreId: base64 of (entry id length, 16-bit little-endian, entry id);
 * - OwaId: the StoreId, URL-encoded (as OWA put ids in URLs);
 * - EwsLegacyId: base64 of (a legacy marker byte, entry id).
 * Anything else (a dummy probe such as HexEntryId "00") is malformed.
 */
const PROVIDER_UID = Buffer.from('8e1f2a5c0b7d4e63a9c4507061726c79', 'hex');
const ENTRY_ID_HEADER = Buffer.concat([Buffer.alloc(4), PROVIDER_UID]);
const LEGACY_MARKER = 0x4c;
const EWS_ID = /^[A-Za-z0-9+/_-]{8,1024}={0,2}$/;

export function isEwsId(value: string): boolean {
  return EWS_ID.test(value);
}

/** The EwsId behind an id in `format`, or undefined when it is not one Parley minted. */
export function toEwsId(format: IdFormat, id: string): string | undefined {
  const value = id.trim();
  switch (format) {
    case 'EwsId':
      return isEwsId(value) ? value : undefined;
    case 'EntryId':
      return fromEntryId(strictBase64(value));
    case 'HexEntryId':
      return /^([0-9A-Fa-f]{2})+$/.test(value) ? fromEntryId(Buffer.from(value, 'hex')) : undefined;
    case 'StoreId':
      return fromStoreId(strictBase64(value));
    case 'OwaId':
      return fromStoreId(strictBase64(safeDecodeUri(value)));
    case 'EwsLegacyId': {
      const bytes = strictBase64(value);
      return bytes && bytes[0] === LEGACY_MARKER ? fromEntryId(bytes.subarray(1)) : undefined;
    }
  }
}

/** `ewsId` (valid per `isEwsId`) spelled in `format`. */
export function fromEwsId(format: IdFormat, ewsId: string): string {
  const entry = Buffer.concat([ENTRY_ID_HEADER, Buffer.from(ewsId, 'ascii')]);
  const storeId = () => {
    const length = Buffer.alloc(2);
    length.writeUInt16LE(entry.length);
    return Buffer.concat([length, entry]).toString('base64');
  };
  switch (format) {
    case 'EwsId':
      return ewsId;
    case 'EntryId':
      return entry.toString('base64');
    case 'HexEntryId':
      return entry.toString('hex').toUpperCase();
    case 'StoreId':
      return storeId();
    case 'OwaId':
      return encodeURIComponent(storeId());
    case 'EwsLegacyId':
      return Buffer.concat([Buffer.from([LEGACY_MARKER]), entry]).toString('base64');
  }
}

function fromEntryId(bytes: Buffer | undefined): string | undefined {
  if (!bytes || bytes.length <= ENTRY_ID_HEADER.length || !bytes.subarray(0, ENTRY_ID_HEADER.length).equals(ENTRY_ID_HEADER))
    return undefined;
  const ewsId = bytes.subarray(ENTRY_ID_HEADER.length).toString('latin1');
  return isEwsId(ewsId) ? ewsId : undefined;
}

function fromStoreId(bytes: Buffer | undefined): string | undefined {
  if (!bytes || bytes.length < 2 || bytes.readUInt16LE(0) !== bytes.length - 2) return undefined;
  return fromEntryId(bytes.subarray(2));
}

function strictBase64(value: string): Buffer | undefined {
  if (value === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const bytes = Buffer.from(value, 'base64');
  return bytes.toString('base64') === value ? bytes : undefined;
}

function safeDecodeUri(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return '';
  }
}
