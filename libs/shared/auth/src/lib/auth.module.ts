import { DynamicModule, Module } from '@nestjs/common';
import type { AuthConfig } from '@parley/config';
import { ClientAddressResolver, SignInThrottle } from '@parley/sign-in';
import { AUTHENTICATOR_SETTINGS, Authenticator } from './authenticator';
import { ImpersonationPolicy } from './impersonation.policy';
import { RequestAuthenticator } from './request-authenticator';
import { WebOrigins } from './web-origins';
import { WEB_SESSION_SETTINGS, WebSessions } from './web-sessions';

/**
 * Sign-in for every front of the process (uses the global directory). Imported once, by the
 * process's root module, whenever a service in it authenticates callers: so EWS, Autodiscover,
 * the Graph REST API, the presence WebSocket and the web client's sign-in of one process share one
 * throttle (per-client budgets, not per-protocol ones), one credential cache, one client-address
 * rule and one allowed-origin rule.
 */
@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig): DynamicModule {
    const { signIn } = config;
    const throttle = new SignInThrottle({
      windowMs: signIn.failureWindowMs,
      maxFailuresPerAccountAddress: signIn.maxFailuresPerAccountAddress,
      maxFailuresPerAddress: signIn.maxFailuresPerAddress,
      accountDelayStepMs: signIn.accountDelayStepMs,
      accountMaxDelayMs: signIn.accountMaxDelayMs,
    });
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: AUTHENTICATOR_SETTINGS, useValue: { tokenKey: config.tokenKey, credentialCacheTtlMs: config.credentialCacheTtlMs } },
        { provide: SignInThrottle, useValue: throttle },
        { provide: ClientAddressResolver, useValue: new ClientAddressResolver(signIn.trustedProxies) },
        { provide: WEB_SESSION_SETTINGS, useValue: config.web },
        { provide: WebOrigins, useValue: new WebOrigins(config.web.allowedOrigins) },
        Authenticator,
        WebSessions,
        RequestAuthenticator,
        ImpersonationPolicy,
      ],
      exports: [Authenticator, WebSessions, RequestAuthenticator, WebOrigins, ImpersonationPolicy, SignInThrottle, ClientAddressResolver],
    };
  }
}
