import type { AuthConfig, SipConfig } from '@parley/config';
import { hkdfSync } from 'node:crypto';
import type { SipFrontOptions } from './sip-front.options';

/**
 * HKDF's `info`: binds the derived key to this one use, so the digest nonces' key says nothing about the bearer-token
 * key it comes from, and any other key derived from it later gets a label of its own. Changing it is a key rotation.
 */
export const SIP_NONCE_KEY_LABEL = 'parley/sip/digest-nonce-key/v1';

/**
 * The HMAC key of the SIP digest nonces, derived (HKDF-SHA256) from the bearer-token key every replica already shares
 * (`PARLEY_AUTH_TOKEN_KEY`), so that any replica accepts another's nonce and no new secret has to be deployed
 * (docs/sip.md, "Nonces without a shared store"). Undefined without a token key: each process then has a random one.
 */
export function sipNonceKeyFrom(tokenKey: string | undefined): Buffer | undefined {
  if (tokenKey === undefined || tokenKey === '') return undefined;
  return Buffer.from(hkdfSync('sha256', tokenKey, Buffer.alloc(0), SIP_NONCE_KEY_LABEL, 32));
}

/** The SIP front's options from the process's configuration: its `PARLEY_SIP_*` settings and the shared nonce key. */
export function sipFrontOptionsFrom(sip: SipConfig, auth: Pick<AuthConfig, 'tokenKey'> | undefined): SipFrontOptions {
  const nonceKey = sipNonceKeyFrom(auth?.tokenKey);
  return nonceKey === undefined ? { ...sip } : { ...sip, nonceKey };
}
