export * from './lib/sip-front.module';
export * from './lib/sip-front.options';
export * from './lib/sip-front.server';
export * from './lib/sip-nonce-key';
export type { SipBinding } from './lib/sip-registrar';
