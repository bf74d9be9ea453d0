// Sign-in and the impersonation rule, shared by every front that authenticates callers.
export { AuthErrorCode, AuthException } from './lib/auth.exception';
export { readAuthorization, type OfferedCredentials } from './lib/credentials';
export { signBearerToken, verifyBearerToken, type BearerClaims } from './lib/bearer-token';
export { CredentialCache } from './lib/credential-cache';
export { Authenticator, AUTHENTICATOR_SETTINGS, type AuthenticatorSettings } from './lib/authenticator';
export { ImpersonationPolicy } from './lib/impersonation.policy';
export { AuthModule } from './lib/auth.module';
export { clientAddressOf } from './lib/client-address';
