/** What one HTTP voicemail drop may hold and cost (`PARLEY_VOICEMAIL_DROP_*`, docs/voicemail-http-drop.md). */
export interface VoicemailDropOptions {
  maxAudioBytes: number;
  maxMetadataBytes: number;
  /** Parts (files and fields) in one multipart body. */
  maxParts: number;
  maxRecipients: number;
  /** Drops per PBX key per minute on this replica. */
  requestsPerMinute: number;
  /** How long the body may take to arrive once reading starts (the process's `PARLEY_HTTP_BODY_TIMEOUT_MS`). */
  bodyTimeoutMs: number;
}

export const VOICEMAIL_DROP_OPTIONS = Symbol('VOICEMAIL_DROP_OPTIONS');

export const VOICEMAIL_DROP_PATH = '/api/v1.0/voicemail';
