// Public API of the gateway's mailbox authorization (sign-in itself is `@parley/auth`).
export { EwsAuthErrorCode, EwsAuthException } from './lib/ews-auth.exception';
export { ActingMailboxResolver, type ActingMailbox } from './lib/acting-mailbox.resolver';
