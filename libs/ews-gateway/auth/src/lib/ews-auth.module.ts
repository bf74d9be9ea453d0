import { DynamicModule, Module } from '@nestjs/common';
import type { EwsConfig, SignInConfig } from '@parley/config';
import { ClientAddressResolver, SignInThrottle } from '@parley/sign-in';
import { ActingMailboxResolver } from './acting-mailbox.resolver';
import { EWS_AUTH_CONFIG, EwsAuthenticator } from './ews-authenticator';

/** Authentication and mailbox authorization for the gateway's HTTP endpoints (uses the global directory). */
@Module({})
export class EwsAuthModule {
  static forRoot(config: EwsConfig, signIn: SignInConfig): DynamicModule {
    // One throttle and one resolver per process: EWS and Autodiscover share the budgets.
    const throttle = new SignInThrottle({
      windowMs: signIn.failureWindowMs,
      maxFailuresPerAccountAddress: signIn.maxFailuresPerAccountAddress,
      maxFailuresPerAddress: signIn.maxFailuresPerAddress,
      accountDelayStepMs: signIn.accountDelayStepMs,
      accountMaxDelayMs: signIn.accountMaxDelayMs,
    });
    return {
      module: EwsAuthModule,
      global: true,
      providers: [
        { provide: EWS_AUTH_CONFIG, useValue: config },
        { provide: SignInThrottle, useValue: throttle },
        { provide: ClientAddressResolver, useValue: new ClientAddressResolver(signIn.trustedProxies) },
        EwsAuthenticator,
        ActingMailboxResolver,
      ],
      exports: [EwsAuthenticator, ActingMailboxResolver, ClientAddressResolver],
    };
  }
}
