import { SignInThrottle, type SignInThrottleOptions } from './sign-in-throttle';

function throttleAt(overrides: Partial<SignInThrottleOptions> = {}) {
  const clock = { now: 0 };
  const slept: number[] = [];
  const throttle = new SignInThrottle({
    windowMs: 60_000,
    maxFailuresPerAccountAddress: 3,
    maxFailuresPerAddress: 5,
    accountDelayStepMs: 100,
    accountMaxDelayMs: 250,
    now: () => clock.now,
    sleep: async (ms) => slept.push(ms),
    ...overrides,
  });
  return { throttle, clock, slept };
}

const fail = (t: SignInThrottle, account: string | undefined, address: string, times = 1) => {
  for (let i = 0; i < times; i++) t.recordFailure(account, address);
};

describe('SignInThrottle', () => {
  // Each case: failures recorded as [account, address, count], then what a sign-in of `ask` gets.
  const cases: {
    name: string;
    failures: [string | undefined, string, number][];
    ask: [string | undefined, string];
    refused: boolean;
    delayMs?: number;
  }[] = [
    { name: 'a fresh account and address', failures: [], ask: ['alice', '10.0.0.1'], refused: false, delayMs: 0 },
    { name: 'a pair below its budget', failures: [['alice', '10.0.0.1', 2]], ask: ['alice', '10.0.0.1'], refused: false, delayMs: 200 },
    { name: 'a pair at its budget', failures: [['alice', '10.0.0.1', 3]], ask: ['alice', '10.0.0.1'], refused: true },
    {
      name: 'the same account from an address that has not failed',
      failures: [['alice', '10.0.0.1', 3]],
      ask: ['alice', '10.0.0.2'],
      refused: false,
      delayMs: 250,
    },
    {
      name: 'an account failed from many addresses, asked from a new one',
      failures: [
        ['alice', '10.0.0.1', 2],
        ['alice', '10.0.0.2', 2],
        ['alice', '10.0.0.3', 2],
        ['alice', '10.0.0.4', 2],
      ],
      ask: ['alice', '10.0.0.9'],
      refused: false,
      delayMs: 250,
    },
    {
      name: 'another account from an address below its budget',
      failures: [['alice', '10.0.0.1', 3]],
      ask: ['bob', '10.0.0.1'],
      refused: false,
      delayMs: 0,
    },
    {
      name: 'an address spraying accounts, at its budget',
      failures: [
        ['a', '10.0.0.1', 1],
        ['b', '10.0.0.1', 2],
        ['c', '10.0.0.1', 2],
      ],
      ask: ['dave', '10.0.0.1'],
      refused: true,
    },
    {
      name: 'another address while one sprays',
      failures: [
        ['a', '10.0.0.1', 1],
        ['b', '10.0.0.1', 2],
        ['c', '10.0.0.1', 2],
      ],
      ask: ['dave', '10.0.0.2'],
      refused: false,
      delayMs: 0,
    },
    {
      name: 'failures without an account (bad tokens) count for the address',
      failures: [[undefined, '10.0.0.1', 5]],
      ask: [undefined, '10.0.0.1'],
      refused: true,
    },
    {
      name: 'a token sign-in from a clean address',
      failures: [[undefined, '10.0.0.1', 5]],
      ask: [undefined, '10.0.0.2'],
      refused: false,
      delayMs: 0,
    },
  ];

  it.each(cases)('$name', ({ failures, ask, refused, delayMs }) => {
    const { throttle } = throttleAt();
    for (const [account, address, times] of failures) fail(throttle, account, address, times);
    const answer = throttle.assess(...ask);
    expect(answer.refused).toBe(refused);
    if (answer.refused) expect(answer.retryAfterMs).toBeGreaterThan(0);
    else expect(answer.delayMs).toBe(delayMs);
  });

  it('never refuses an account for its failures alone, and its delay stays at the cap', () => {
    const { throttle } = throttleAt({ maxFailuresPerAccountAddress: 1, maxFailuresPerAddress: 1 });
    for (let i = 0; i < 1000; i++) fail(throttle, 'alice', `10.0.${i >> 8}.${i & 255}`);
    expect(throttle.assess('alice', '192.0.2.1')).toEqual({ refused: false, delayMs: 250 });
  });

  it('counts within the window only, and says when a refused pair may try again', () => {
    const { throttle, clock } = throttleAt();
    fail(throttle, 'alice', '10.0.0.1');
    clock.now = 10_000;
    fail(throttle, 'alice', '10.0.0.1', 2);
    expect(throttle.assess('alice', '10.0.0.1')).toEqual({ refused: true, retryAfterMs: 50_000 });
    clock.now = 60_000;
    expect(throttle.assess('alice', '10.0.0.1')).toEqual({ refused: false, delayMs: 200 });
    clock.now = 70_000;
    expect(throttle.assess('alice', '10.0.0.1')).toEqual({ refused: false, delayMs: 0 });
  });

  it('clears a pair on success, leaving the account delay and the address count', async () => {
    const { throttle, slept } = throttleAt();
    fail(throttle, 'alice', '10.0.0.1', 2);
    fail(throttle, 'bob', '10.0.0.1', 2);
    const result = await throttle.attempt('alice', '10.0.0.1', async () => 'Alice');
    expect(result).toEqual({ outcome: 'accepted', user: 'Alice' });
    expect(slept).toEqual([200]);
    fail(throttle, 'alice', '10.0.0.1', 2);
    // The pair's count restarted (2 < 3), the address kept its 4 + 2 = 6 ≥ 5.
    expect(throttle.assess('carol', '10.0.0.1').refused).toBe(true);
    expect(throttle.assess('alice', '10.0.0.2')).toEqual({ refused: false, delayMs: 250 });
  });

  it('records a rejection and never verifies a refused attempt', async () => {
    const { throttle } = throttleAt();
    const verify = jest.fn(async () => null);
    for (let i = 0; i < 3; i++) expect(await throttle.attempt('alice', '10.0.0.1', verify)).toEqual({ outcome: 'rejected' });
    expect(await throttle.attempt('alice', '10.0.0.1', verify)).toMatchObject({ outcome: 'refused' });
    expect(verify).toHaveBeenCalledTimes(3);
  });

  it('counts attempts still being checked, so a concurrent burst gets no more than the budget checked', async () => {
    const { throttle } = throttleAt();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const verify = jest.fn(async () => {
      await gate;
      return null;
    });
    const burst = Array.from({ length: 10 }, () => throttle.attempt('alice', '10.0.0.1', verify));
    release();
    const outcomes = (await Promise.all(burst)).map((r) => r.outcome);
    expect(verify).toHaveBeenCalledTimes(3);
    expect(outcomes.filter((o) => o === 'rejected')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(7);
    // A check that throws (the directory is down) releases its slot.
    const failing = throttleAt().throttle;
    await expect(failing.attempt('bob', '10.0.0.1', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(failing.assess('bob', '10.0.0.1')).toEqual({ refused: false, delayMs: 0 });
  });

  it('adds no delay when the step or the cap is 0', () => {
    for (const off of [{ accountDelayStepMs: 0 }, { accountMaxDelayMs: 0 }]) {
      const { throttle } = throttleAt(off);
      fail(throttle, 'alice', '10.0.0.1', 2);
      expect(throttle.assess('alice', '10.0.0.2')).toEqual({ refused: false, delayMs: 0 });
    }
  });

  it('holds a bounded number of keys, whatever is sprayed', () => {
    const { throttle } = throttleAt({ maxTrackedKeys: 50 });
    for (let i = 0; i < 10_000; i++) fail(throttle, `user${i}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    expect(throttle.trackedKeys).toEqual({ pairs: 50, addresses: 50, accounts: 50 });
  });

  it('forgets keys whose failures all left the window', () => {
    const { throttle, clock } = throttleAt();
    fail(throttle, 'alice', '10.0.0.1');
    clock.now = 60_001;
    throttle.assess('alice', '10.0.0.1');
    expect(throttle.trackedKeys).toEqual({ pairs: 0, addresses: 0, accounts: 0 });
  });
});
