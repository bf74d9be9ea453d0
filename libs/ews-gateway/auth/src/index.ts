// Public API of the gateway's authentication and authorization.
export { EwsAuthErrorCode, EwsAuthException } from './lib/ews-auth.exception';
export { readAuthorization, type OfferedCredentials } from './lib/credentials';
export { signBearerToken, verifyBearerToken, type BearerClaims } from './lib/bearer-token';
export { CredentialCache } from './lib/credential-cache';
export { EwsAuthenticator } from './lib/ews-authenticator';
export { ActingMailboxResolver, type ActingMailbox } from './lib/acting-mailbox.resolver';
export { EwsAuthModule } from './lib/ews-auth.module';
export { clientAddressOf } from './lib/client-address';
