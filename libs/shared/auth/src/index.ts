// Sign-in and the impersonation rule, shared by every front that authenticates callers.
export { AuthErrorCode, AuthException, type CredentialSource } from './lib/auth.exception';
export { readAuthorization, readPasswordCredentials, type OfferedCredentials } from './lib/credentials';
export { signBearerToken, verifyBearerToken, type BearerClaims } from './lib/bearer-token';
export { CredentialCache } from './lib/credential-cache';
export { Authenticator, AUTHENTICATOR_SETTINGS, type AuthenticatorSettings } from './lib/authenticator';
export { ImpersonationPolicy } from './lib/impersonation.policy';
export { AuthModule } from './lib/auth.module';
export { clientAddressOf } from './lib/client-address';
export { WebSessions, WEB_SESSION_SETTINGS, type WebSession, type StartedWebSession, type WebSessionSettings } from './lib/web-sessions';
export { WebOrigins } from './lib/web-origins';
export { RequestAuthenticator, type RequestCaller } from './lib/request-authenticator';
export {
  CSRF_HEADER,
  SECURE_WEB_SESSION_COOKIE,
  WEB_SESSION_COOKIE,
  clearWebSessionCookie,
  isHttpsRequest,
  readWebSessionCookie,
  serializeWebSessionCookie,
  webSessionCookieName,
} from './lib/web-session-cookie';
