import { aggregatePresence, nextReevaluationAt, PresenceView } from './aggregate-presence';
import { availabilityToken } from './availability';
import { defaultPresencePolicy, EndpointSource, noSources, PresenceSources, presencePolicy } from './presence-sources';

const now = Date.parse('2026-03-02T09:00:00Z');
const min = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const policy = defaultPresencePolicy;

/** An endpoint whose user was last active `idleMinutes` before `now`. */
const endpoint = (idleMs: number, endpointId = 'desk'): EndpointSource => ({ endpointId, label: endpointId, lastActivityAt: now - idleMs });
const sources = (s: Partial<PresenceSources>): PresenceSources => ({ ...noSources, ...s });
const meeting = (until: number | null = now + 30 * min) => ({ status: 'busy' as const, until });

type Expected = Partial<PresenceView>;

describe('aggregatePresence: every rule of the model', () => {
  it.each<[rule: string, input: PresenceSources, expected: Expected]>([
    // Rule 4: nothing at all → Offline.
    [
      'nothing at all → Offline',
      noSources,
      { availability: 18500, token: 'offline', activity: null, driver: 'none', note: null, oof: false },
    ],
    // Rule 1: machine state per endpoint, thresholds from the policy.
    [
      'an active endpoint → Available',
      sources({ endpoints: [endpoint(0)] }),
      { availability: 3500, token: 'available', driver: 'endpoint', lastActiveAt: null },
    ],
    ['active just under the idle threshold', sources({ endpoints: [endpoint(5 * min - 1)] }), { token: 'available' }],
    [
      'idle exactly at the idle threshold → Available-idle, last active shown',
      sources({ endpoints: [endpoint(5 * min)] }),
      { availability: 5000, token: 'available-idle', lastActiveAt: iso(now - 5 * min) },
    ],
    [
      'idle just under the away threshold → still Available-idle',
      sources({ endpoints: [endpoint(15 * min - 1)] }),
      { token: 'available-idle' },
    ],
    ['idle exactly at the away threshold → Away', sources({ endpoints: [endpoint(15 * min)] }), { availability: 15500, token: 'away' }],
    ['activity reported ahead of the clock counts as active', sources({ endpoints: [endpoint(-min)] }), { token: 'available' }],
    // Rule 2: several endpoints → the most available one.
    [
      'several endpoints: the most available wins (away desk, active phone)',
      sources({ endpoints: [endpoint(20 * min, 'desk'), endpoint(0, 'phone')] }),
      {
        token: 'available',
        lastActiveAt: null,
        endpoints: [
          { endpointId: 'desk', label: 'desk', machineState: 'away' },
          { endpointId: 'phone', label: 'phone', machineState: 'active' },
        ],
      },
    ],
    [
      'several endpoints, none active: the most available (idle beats away), last active = the latest',
      sources({ endpoints: [endpoint(20 * min, 'desk'), endpoint(6 * min, 'laptop')] }),
      { token: 'available-idle', lastActiveAt: iso(now - 6 * min) },
    ],
    // Calendar state (rule 2 + 4): server-side, beats endpoint activity, shows with no endpoint.
    [
      'a Busy meeting with no endpoint → Busy / in-a-meeting until its end',
      sources({ calendar: meeting() }),
      {
        availability: 6500,
        token: 'busy',
        activity: 'in-a-meeting',
        driver: 'calendar',
        calendar: { state: 'in-a-meeting', until: iso(now + 30 * min) },
      },
    ],
    [
      'a Busy meeting beats an active endpoint',
      sources({ endpoints: [endpoint(0)], calendar: meeting() }),
      { token: 'busy', activity: 'in-a-meeting' },
    ],
    [
      'a Busy meeting with an inactive endpoint → Busy-idle, still in-a-meeting',
      sources({ endpoints: [endpoint(6 * min)], calendar: meeting() }),
      { availability: 8000, token: 'busy-idle', activity: 'in-a-meeting', calendar: { state: 'in-a-meeting', until: iso(now + 30 * min) } },
    ],
    [
      'calendar beats endpoint activity: a meeting with an away endpoint is Busy-idle, not Away',
      sources({ endpoints: [endpoint(30 * min)], calendar: meeting() }),
      { token: 'busy-idle', activity: 'in-a-meeting' },
    ],
    ['an open-ended meeting', sources({ calendar: meeting(null) }), { token: 'busy', calendar: { state: 'in-a-meeting', until: null } }],
    [
      'a meeting that ended exactly now is ignored',
      sources({ endpoints: [endpoint(0)], calendar: meeting(now) }),
      { token: 'available', calendar: null },
    ],
    ['a meeting that has ended, no endpoint → Offline', sources({ calendar: meeting(now - min) }), { token: 'offline', driver: 'none' }],
    [
      'free/busy OOF → Away / out-of-office',
      sources({ endpoints: [endpoint(0)], calendar: { status: 'out-of-office', until: now + 60 * min } }),
      { availability: 15500, token: 'away', activity: 'out-of-office', calendar: { state: 'out-of-office', until: iso(now + 60 * min) } },
    ],
    [
      'Tentative does not change presence',
      sources({ endpoints: [endpoint(0)], calendar: { status: 'tentative', until: now + min } }),
      { token: 'available', calendar: null, driver: 'endpoint' },
    ],
    [
      'Free does not change presence',
      sources({ endpoints: [endpoint(0)], calendar: { status: 'free', until: null } }),
      { token: 'available', activity: null },
    ],
    ['Tentative alone is not a state: Offline', sources({ calendar: { status: 'tentative', until: now + min } }), { token: 'offline' }],
    // Phone state.
    [
      'in a call → Busy / on-the-phone',
      sources({ endpoints: [endpoint(0)], phone: { state: 'in-a-call' } }),
      { availability: 6500, activity: 'on-the-phone', driver: 'phone' },
    ],
    [
      'in a conference call → Busy / in-a-conference',
      sources({ phone: { state: 'in-a-conference' } }),
      { token: 'busy', activity: 'in-a-conference' },
    ],
    [
      'a call during a meeting: the tie goes to the phone, no calendar context',
      sources({ calendar: meeting(), phone: { state: 'in-a-call' } }),
      { token: 'busy', activity: 'on-the-phone', calendar: null },
    ],
    [
      'a call while free/busy says OOF: the least available wins (Away / out-of-office)',
      sources({ calendar: { status: 'out-of-office', until: null }, phone: { state: 'in-a-call' } }),
      { token: 'away', activity: 'out-of-office', driver: 'calendar' },
    ],
    // Rule 3: user state replaces the automatic availability until reset or expiry.
    [
      'user state beats an active endpoint (Do not disturb)',
      sources({ endpoints: [endpoint(0)], userState: { state: 'do-not-disturb', expiresAt: null } }),
      { availability: 9500, token: 'do-not-disturb', driver: 'user-state' },
    ],
    [
      'user state beats the calendar (Available during a meeting, no calendar context)',
      sources({ calendar: meeting(), userState: { state: 'available', expiresAt: null } }),
      { token: 'available', activity: null, calendar: null },
    ],
    [
      'user state beats the phone',
      sources({ phone: { state: 'in-a-call' }, userState: { state: 'be-right-back', expiresAt: null } }),
      { availability: 12500, token: 'be-right-back' },
    ],
    [
      'user state with no endpoint is not Offline',
      sources({ userState: { state: 'busy', expiresAt: null } }),
      { token: 'busy', activity: null },
    ],
    [
      'user state Away',
      sources({ endpoints: [endpoint(0)], userState: { state: 'away', expiresAt: null } }),
      { availability: 15500, activity: null },
    ],
    [
      'user state Off work → Away range / off-work',
      sources({ userState: { state: 'off-work', expiresAt: null } }),
      { availability: 15500, token: 'away', activity: 'off-work' },
    ],
    [
      'user state Appear offline → Offline / off-work',
      sources({ endpoints: [endpoint(0)], userState: { state: 'appear-offline', expiresAt: null } }),
      { availability: 18500, activity: 'off-work' },
    ],
    [
      'user state not yet expired applies',
      sources({ endpoints: [endpoint(0)], userState: { state: 'busy', expiresAt: now + 1 } }),
      { token: 'busy' },
    ],
    [
      'user state expiring exactly now is ignored',
      sources({ endpoints: [endpoint(0)], userState: { state: 'busy', expiresAt: now } }),
      { token: 'available', driver: 'endpoint' },
    ],
    [
      'an expired user state with nothing else → Offline',
      sources({ userState: { state: 'busy', expiresAt: now - min } }),
      { token: 'offline' },
    ],
    // OOF: marker and note, availability untouched.
    [
      'OOF with no endpoint: marker and note, availability stays Offline (OOF does not force either way)',
      sources({ oof: { active: true, message: 'Back Monday' } }),
      { availability: 18500, token: 'offline', oof: true, activity: 'out-of-office', note: { kind: 'oof', text: 'Back Monday' } },
    ],
    [
      'OOF with an active endpoint: Available with the OOF marker and note',
      sources({ endpoints: [endpoint(0)], oof: { active: true, message: 'Back Monday' }, personalNote: 'Working from Oslo' }),
      { token: 'available', oof: true, activity: 'out-of-office', note: { kind: 'oof', text: 'Back Monday' } },
    ],
    [
      'OOF during a meeting: the meeting is the activity, the OOF note still shows',
      sources({ calendar: meeting(), oof: { active: true, message: 'Back Monday' } }),
      { token: 'busy', activity: 'in-a-meeting', oof: true, note: { kind: 'oof', text: 'Back Monday' } },
    ],
    [
      'OOF under a user state: the user state decides, marker and note stay',
      sources({ userState: { state: 'do-not-disturb', expiresAt: null }, oof: { active: true, message: 'Away' } }),
      { token: 'do-not-disturb', activity: 'out-of-office', oof: true, note: { kind: 'oof', text: 'Away' } },
    ],
    [
      'OOF without a message shows the personal note',
      sources({ endpoints: [endpoint(0)], oof: { active: true, message: '  ' }, personalNote: 'In Oslo' }),
      { oof: true, note: { kind: 'personal', text: 'In Oslo' } },
    ],
    [
      'OOF off: the personal note, no marker',
      sources({ endpoints: [endpoint(0)], oof: { active: false, message: 'Back Monday' }, personalNote: 'In Oslo' }),
      { oof: false, activity: null, note: { kind: 'personal', text: 'In Oslo' } },
    ],
    ['a blank personal note is no note', sources({ endpoints: [endpoint(0)], personalNote: ' ' }), { note: null }],
    // Message waiting: part of the model, zero until fed.
    ['message waiting defaults to zero', noSources, { messageWaiting: { newMessages: 0, oldMessages: 0 } }],
    [
      'message waiting is carried',
      sources({ messageWaiting: { newMessages: 2, oldMessages: 5 } }),
      { messageWaiting: { newMessages: 2, oldMessages: 5 } },
    ],
  ])('%s', (_rule, input, expected) => {
    const view = aggregatePresence(input, now, policy);
    expect(view).toMatchObject(expected);
    // The token always agrees with the number.
    expect(view.token).toBe(availabilityToken(view.availability));
  });

  it('uses the thresholds of the policy it is given', () => {
    const tight = presencePolicy({ idleAfterMs: min, awayAfterMs: 2 * min });
    expect(aggregatePresence(sources({ endpoints: [endpoint(min)] }), now, tight).token).toBe('available-idle');
    expect(aggregatePresence(sources({ endpoints: [endpoint(2 * min)] }), now, tight).token).toBe('away');
  });

  it('refuses a policy whose away threshold is not after the idle one, naming the field', () => {
    expect(() => presencePolicy({ idleAfterMs: 10 * min, awayAfterMs: 10 * min })).toThrow(/awayAfterMs/);
    expect(() => presencePolicy({ idleAfterMs: 0, awayAfterMs: min })).toThrow(/idleAfterMs/);
  });

  it('is pure: the same input gives the same view and the input is not changed', () => {
    const input = sources({ endpoints: [endpoint(6 * min)], calendar: meeting(), messageWaiting: { newMessages: 1, oldMessages: 0 } });
    const frozen = JSON.stringify(input);
    expect(aggregatePresence(input, now, policy)).toEqual(aggregatePresence(input, now, policy));
    expect(JSON.stringify(input)).toBe(frozen);
  });
});

describe('nextReevaluationAt: when time alone changes the view', () => {
  it.each<[string, PresenceSources, number | null]>([
    ['nothing time-bound', sources({ phone: { state: 'in-a-call' } }), null],
    ['an active endpoint becomes idle', sources({ endpoints: [endpoint(min)] }), now + 4 * min],
    ['an idle endpoint becomes away', sources({ endpoints: [endpoint(6 * min)] }), now + 9 * min],
    ['an away endpoint changes no more', sources({ endpoints: [endpoint(15 * min)] }), null],
    ['the meeting ends first', sources({ endpoints: [endpoint(0)], calendar: meeting(now + min) }), now + min],
    [
      'the user state expires first',
      sources({ endpoints: [endpoint(0)], userState: { state: 'busy', expiresAt: now + 2 * min } }),
      now + 2 * min,
    ],
  ])('%s', (_case, input, expected) => {
    expect(nextReevaluationAt(input, now, policy)).toBe(expected);
  });

  it('at the returned instant the view differs, just before it does not', () => {
    const input = sources({ endpoints: [endpoint(min)] });
    const at = nextReevaluationAt(input, now, policy) as number;
    expect(aggregatePresence(input, at - 1, policy).token).toBe(aggregatePresence(input, now, policy).token);
    expect(aggregatePresence(input, at, policy).token).not.toBe(aggregatePresence(input, now, policy).token);
  });
});
