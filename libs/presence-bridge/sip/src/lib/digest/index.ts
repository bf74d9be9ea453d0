export * from './digest-algorithm';
export * from './digest-authenticator';
export * from './digest-challenge';
export * from './digest-credentials';
export * from './digest-nonce';
export * from './nonce-tracker';
