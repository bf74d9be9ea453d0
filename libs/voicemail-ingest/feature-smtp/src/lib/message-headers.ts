import addressparser from 'nodemailer/lib/addressparser';

/** Where the header section of a message ends (the empty line), or the whole length when it has none. */
function headerSectionEnd(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf === -1 ? -1 : crlf + 2, lf === -1 ? -1 : lf + 1].filter((i) => i >= 0);
  return ends.length ? Math.min(...ends) : raw.length;
}

/** The header section's fields as `[name, unfolded value]`, in order (latin1: addresses are ASCII, and nothing is lost). */
export function headerFields(raw: Buffer): [string, string][] {
  const text = raw.subarray(0, headerSectionEnd(raw)).toString('latin1');
  const fields: [string, string][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && fields.length > 0) {
      fields[fields.length - 1][1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) fields.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return fields;
}

/**
 * The addresses of every `From:` (and `Sender:`) field, lower-cased; a group's members included.
 * A field whose content is no address gives an empty string, which no one may send as.
 */
export function authorAddresses(raw: Buffer): string[] {
  const addresses: string[] = [];
  for (const [name, value] of headerFields(raw)) {
    if (name !== 'from' && name !== 'sender') continue;
    const parsed = addressparser(value, { flatten: true });
    if (parsed.length === 0) addresses.push('');
    for (const a of parsed) addresses.push((a.address ?? '').trim().toLowerCase());
  }
  return addresses;
}

/** RFC 5322 date-time in UTC (`Thu, 03 Dec 2026 08:30:00 +0000`). */
export function rfc5322Date(at: Date): string {
  return at.toUTCString().replace(/GMT$/, '+0000');
}

export interface TraceFacts {
  /** The name the client gave in EHLO/HELO. */
  readonly helo: string;
  readonly clientAddress: string;
  /** ESMTP, ESMTPS, ESMTPSA (RFC 3848). */
  readonly protocol: string;
  readonly sessionId: string;
  /** This server's name. */
  readonly by: string;
  readonly recipients: readonly string[];
  readonly at: Date;
}

/** The `Received:` trace field the front prepends (RFC 5321 §4.4), with its line break. */
export function receivedHeader(facts: TraceFacts): string {
  const helo = facts.helo.replace(/[^\x21-\x7e]/g, '').slice(0, 255) || 'unknown';
  const literal = facts.clientAddress.includes(':') ? `IPv6:${facts.clientAddress}` : facts.clientAddress;
  // Naming the recipient only when there is one: a list would tell each recipient about the others.
  const forClause = facts.recipients.length === 1 ? `\r\n\tfor <${facts.recipients[0]}>` : '';
  return `Received: from ${helo} ([${literal}])\r\n\tby ${facts.by} (Parley) with ${facts.protocol} id ${facts.sessionId}${forClause};\r\n\t${rfc5322Date(facts.at)}\r\n`;
}
