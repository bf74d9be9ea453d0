import { DynamicModule, Module } from '@nestjs/common';
import type { AuthConfig } from '@parley/config';
import { ClientAddressResolver, SignInThrottle } from '@parley/sign-in';
import { AUTHENTICATOR_SETTINGS, Authenticator } from './authenticator';
import { ImpersonationPolicy } from './impersonation.policy';

/**
 * Sign-in for every front of the process (uses the global directory). Imported once, by the
 * process's root module, whenever a service in it authenticates callers: so EWS, Autodiscover,
 * the Graph REST API and the presence WebSocket of one process share one throttle (per-client
 * budgets, not per-protocol ones), one credential cache and one client-address rule.
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
        Authenticator,
        ImpersonationPolicy,
      ],
      exports: [Authenticator, ImpersonationPolicy, SignInThrottle, ClientAddressResolver],
    };
  }
}
