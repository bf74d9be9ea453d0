/**
 * The sign-in configuration of a test bed (`AuthModule.forRoot`): the production shape with no
 * per-account delay (tests would only wait) and budgets small enough for a spec to exhaust. Name the
 * budgets a spec counts on; the rest keep these defaults. (Typed by its shape: `@parley/testing`
 * must not depend on `@parley/config`, whose own specs use this lib.)
 */
export function testAuthConfig(
  opts: {
    tokenKey?: string;
    maxFailuresPerAccountAddress?: number;
    maxFailuresPerAddress?: number;
    trustedProxies?: string[];
    /** Web sessions: the production defaults unless named. */
    web?: Partial<{ idleTimeoutMs: number; maxLifetimeMs: number; maxPerUser: number; allowedOrigins: string[] }>;
  } = {},
) {
  return {
    tokenKey: opts.tokenKey,
    credentialCacheTtlMs: 60_000,
    signIn: {
      failureWindowMs: 60_000,
      maxFailuresPerAccountAddress: opts.maxFailuresPerAccountAddress ?? 5,
      maxFailuresPerAddress: opts.maxFailuresPerAddress ?? 50,
      accountDelayStepMs: 0,
      accountMaxDelayMs: 0,
      trustedProxies: opts.trustedProxies ?? [],
    },
    web: { idleTimeoutMs: 480 * 60_000, maxLifetimeMs: 168 * 3_600_000, maxPerUser: 20, allowedOrigins: [] as string[], ...opts.web },
  };
}
