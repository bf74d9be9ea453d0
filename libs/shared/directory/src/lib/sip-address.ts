/**
 * A user's SIP URI as the directory holds it: `sip:` or `sips:`, a user part and a host, nothing else (no password,
 * port, parameters or headers: an address-of-record, RFC 3261 §10.2.1). User characters are RFC 3261's (§25.1 `user`)
 * except `;` and `?`, which would be read as parameters by too many clients.
 */
const SIP_ADDRESS_OF_RECORD = /^(sips?):([A-Za-z0-9\-_.!~*'()&=+$,/%]+)@([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])$/i;

/**
 * The key the directory finds a user by from a SIP URI (RFC 3261 §19.1.4 comparison): the user part with `%HH`
 * escapes resolved and its case kept (user parts compare case-sensitively), `@`, the host lower-cased (hosts compare
 * case-insensitively). The scheme is not part of it: `sips:alice@x` names the same user as `sip:alice@x`. Undefined for
 * anything that is not a SIP address-of-record. The SIP front computes the same key from a parsed Request-URI
 * (`addressOfRecord` of `@parley/presence-bridge/sip`); docs/sip.md, "Identities".
 */
export function sipAddressOf(sipUri: string): string | undefined {
  const match = SIP_ADDRESS_OF_RECORD.exec(sipUri.trim());
  if (match === null) return undefined;
  return `${unescapeUserPart(match[2])}@${match[3].toLowerCase()}`;
}

/** `%HH` escapes resolved (an escaped and an unescaped character are the same, §19.1.4); a broken escape stays as written. */
function unescapeUserPart(user: string): string {
  if (!user.includes('%')) return user;
  try {
    return decodeURIComponent(user);
  } catch {
    return user;
  }
}
