import { ApiError } from './api';
import type { MessageKey } from './i18n/en';
import type { Translator } from './i18n/i18n';
import { ConnectionError, ProtocolError } from './presence-client';

const PROTOCOL_ERROR_KEYS: Partial<Record<string, MessageKey>> = {
  'group-exists': 'error.group-exists',
  'group-not-empty': 'error.group-not-empty',
  'invalid-group-name': 'error.invalid-group-name',
  'self-reference': 'error.self-reference',
  'limit-exceeded': 'error.limit-exceeded',
  'note-too-long': 'error.note-too-long',
  'rate-limited': 'error.rate-limited',
  'invalid-address': 'error.invalid-address',
  busy: 'error.busy',
};

/** A sentence for the user about a failed action, in their language. */
export function errorText(t: Translator, error: unknown): string {
  if (error instanceof ProtocolError) {
    const key = PROTOCOL_ERROR_KEYS[error.code];
    return key ? t.t(key) : t.t('error.generic', { detail: error.message });
  }
  if (error instanceof ConnectionError) return t.t('error.not-connected');
  if (error instanceof ApiError && error.kind === 'network') return t.t('signIn.network');
  return t.t('error.generic', { detail: error instanceof Error ? error.message : String(error) });
}
