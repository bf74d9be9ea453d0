export * from './lib/sip-front.module';
export * from './lib/sip-front.options';
export * from './lib/sip-front.server';
export type { SipBinding } from './lib/sip-registrar';
