export * from './lib/inbound-mail';
export * from './lib/parse-inbound-mail';
export { MISSED_CALL_ITEM_CLASS, VOICEMAIL_WITHOUT_AUDIO_ITEM_CLASS } from './lib/voicemail-recognition';
export { normalizeCallerNumber, type CallerNumber } from './lib/caller-number';
