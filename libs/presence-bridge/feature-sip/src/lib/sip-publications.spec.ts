import type { PresenceSettings } from '@parley/presence-bridge/feature-presence';
import type { UserStateName, UserStateSource } from '@parley/presence-bridge/presence-engine';
import { parseSipMessage, SipRequest, type SipResponse } from '@parley/presence-bridge/sip';
import { SIP_PUBLISH_GRACE_SECONDS } from './sip-front.options';
import { type PublicationSettings, SipPublications } from './sip-publications';

const ALICE = 'alice@parley.test';
/** The user the Request-URI names, as the front resolved it: Alice herself. */
const SELF = { address: ALICE };
const START = Date.parse('2026-12-03T09:00:00Z');

/** The settings service's state and note rules, in memory: an expired state reads as none. */
class InMemorySettings implements PublicationSettings {
  state: UserStateSource | null = null;
  note: string | null = null;
  /** Every change, in order, as `<operation> <owner>`. */
  readonly changes: string[] = [];
  /** Called inside each operation, between its read and its write (to interleave concurrent work). */
  pause: () => Promise<void> = async () => undefined;

  async settings(_owner: string, now = new Date()): Promise<PresenceSettings> {
    return this.read(now);
  }

  async setUserState(owner: string, state: string, expiresAt: Date | null, now = new Date()): Promise<PresenceSettings> {
    this.changes.push(`begin ${owner}`);
    await this.pause();
    this.state = { state: state as UserStateName, expiresAt: expiresAt?.getTime() ?? null };
    this.changes.push(`set-state ${state}`);
    return this.read(now);
  }

  async resetUserState(_owner: string, now = new Date()): Promise<PresenceSettings> {
    this.state = null;
    this.changes.push('reset-state');
    return this.read(now);
  }

  async setPersonalNote(_owner: string, note: string | null, now = new Date()): Promise<PresenceSettings> {
    this.note = note?.trim() ? note.trim() : null;
    this.changes.push(`set-note ${this.note}`);
    return this.read(now);
  }

  async setStateAndNote(
    owner: string,
    change: { userState?: { state: string; expiresAt: Date | null } | null; personalNote?: string | null },
    now = new Date(),
  ): Promise<PresenceSettings> {
    if (change.userState) await this.setUserState(owner, change.userState.state, change.userState.expiresAt, now);
    else if (change.userState === null) await this.resetUserState(owner, now);
    if (change.personalNote !== undefined) await this.setPersonalNote(owner, change.personalNote, now);
    return this.read(now);
  }

  private read(now: Date): PresenceSettings {
    const live = this.state !== null && (this.state.expiresAt === null || this.state.expiresAt > now.getTime());
    return { userState: live ? this.state : null, personalNote: this.note };
  }
}

function pidf(opts: { basic?: string; activities?: string; note?: string } = {}): string {
  return (
    '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" ' +
    'xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="pres:alice@parley.test">' +
    `<tuple id="t"><status><basic>${opts.basic ?? 'open'}</basic></status></tuple>` +
    `<dm:person id="p">${opts.activities ?? ''}${opts.note === undefined ? '' : `<dm:note>${opts.note}</dm:note>`}</dm:person>` +
    '</presence>'
  );
}

let cseq = 0;
function publishRequest(opts: { body?: string; ifMatch?: string; expires?: number; uri?: string } = {}): SipRequest {
  const body = opts.body ?? '';
  cseq += 1;
  const text = [
    `PUBLISH ${opts.uri ?? `sip:${ALICE}`} SIP/2.0`,
    `Via: SIP/2.0/TCP client.invalid;branch=z9hG4bK-${cseq}`,
    'Max-Forwards: 70',
    `To: <sip:${ALICE}>`,
    `From: <sip:${ALICE}>;tag=a`,
    'Call-ID: publish-spec',
    `CSeq: ${cseq} PUBLISH`,
    'Event: presence',
    ...(opts.expires === undefined ? [] : [`Expires: ${opts.expires}`]),
    ...(opts.ifMatch === undefined ? [] : [`SIP-If-Match: ${opts.ifMatch}`]),
    ...(body === '' ? [] : ['Content-Type: application/pidf+xml']),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
  const parsed = parseSipMessage(text);
  if (!(parsed instanceof SipRequest)) throw new Error('not a request');
  return parsed;
}

const tagOf = (response: SipResponse) => response.headers.get('SIP-ETag') ?? '';

describe('SipPublications', () => {
  let now: number;
  let settings: InMemorySettings;
  let publications: SipPublications;

  beforeEach(() => {
    now = START;
    settings = new InMemorySettings();
    publications = new SipPublications(settings, { minExpires: 60, now: () => now });
  });

  it('sets the state until the publication ends and the note, and answers with the tag and the seconds granted', async () => {
    const response = await publications.publish(
      publishRequest({ body: pidf({ activities: '<rpid:activities><rpid:busy/></rpid:activities>', note: ' Workshop ' }), expires: 600 }),
      ALICE,
      SELF,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('Expires')).toBe('600');
    expect(tagOf(response)).not.toBe('');
    expect(settings.state).toEqual({ state: 'busy', expiresAt: START + (600 + SIP_PUBLISH_GRACE_SECONDS) * 1000 });
    expect(settings.note).toBe('Workshop');
  });

  it('ends the state at RPID until when that comes before the publication’s end', async () => {
    const until = new Date(START + 120_000).toISOString();
    await publications.publish(
      publishRequest({ body: pidf({ activities: `<rpid:activities until="${until}"><rpid:meeting/></rpid:activities>` }), expires: 600 }),
      ALICE,
      SELF,
    );
    expect(settings.state).toEqual({ state: 'busy', expiresAt: START + 120_000 });
  });

  it('withdraws its own note when a modification carries none, but not a note set elsewhere since', async () => {
    const first = await publications.publish(publishRequest({ body: pidf({ note: 'Mine' }), expires: 600 }), ALICE, SELF);
    const second = await publications.publish(publishRequest({ body: pidf(), ifMatch: tagOf(first) }), ALICE, SELF);
    expect(second.status).toBe(200);
    expect(settings.note).toBeNull();

    const third = await publications.publish(publishRequest({ body: pidf({ note: 'Mine again' }), ifMatch: tagOf(second) }), ALICE, SELF);
    settings.note = 'Set by the desktop';
    await publications.publish(publishRequest({ body: pidf(), ifMatch: tagOf(third) }), ALICE, SELF);
    expect(settings.note).toBe('Set by the desktop');
  });

  it('extends its state on refresh, does not bring it back once another client changed it, and leaves that change on removal', async () => {
    const busy = '<rpid:activities><rpid:busy/></rpid:activities>';
    const first = await publications.publish(publishRequest({ body: pidf({ activities: busy }), expires: 600 }), ALICE, SELF);
    now += 500_000;
    const refreshed = await publications.publish(publishRequest({ ifMatch: tagOf(first), expires: 900 }), ALICE, SELF);
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get('Expires')).toBe('900');
    expect(settings.state).toEqual({ state: 'busy', expiresAt: now + (900 + SIP_PUBLISH_GRACE_SECONDS) * 1000 });

    settings.state = { state: 'away', expiresAt: null };
    const again = await publications.publish(publishRequest({ ifMatch: tagOf(refreshed), expires: 900 }), ALICE, SELF);
    expect(again.status).toBe(200);
    expect(settings.state).toEqual({ state: 'away', expiresAt: null });
    const removed = await publications.publish(publishRequest({ ifMatch: tagOf(again), expires: 0 }), ALICE, SELF);
    expect(removed.status).toBe(200);
    expect(removed.headers.get('Expires')).toBe('0');
    expect(settings.state).toEqual({ state: 'away', expiresAt: null });
  });

  it('answers 412 to an expired tag and withdraws the expired publication’s note when swept', async () => {
    const first = await publications.publish(
      publishRequest({ body: pidf({ activities: '<rpid:activities><rpid:away/></rpid:activities>', note: 'Lunch' }), expires: 60 }),
      ALICE,
      SELF,
    );
    now += (60 + SIP_PUBLISH_GRACE_SECONDS) * 1000;
    expect((await publications.publish(publishRequest({ ifMatch: tagOf(first), expires: 60 }), ALICE, SELF)).status).toBe(412);
    expect(settings.note).toBe('Lunch');
    await publications.sweep();
    expect(settings.note).toBeNull();
    // The state had expired in the core already: nothing was reset.
    expect(settings.changes).not.toContain('reset-state');
  });

  it('stores nothing for an initial PUBLISH with Expires 0, and refuses a note longer than the settings allow', async () => {
    const zero = await publications.publish(publishRequest({ body: pidf({ note: 'x' }), expires: 0 }), ALICE, SELF);
    expect(zero.status).toBe(200);
    expect(zero.headers.get('Expires')).toBe('0');
    expect(publications.store.size).toBe(0);
    const long = await publications.publish(publishRequest({ body: pidf({ note: 'n'.repeat(501) }), expires: 600 }), ALICE, SELF);
    expect(long.status).toBe(400);
    expect(long.headers.get('Warning')).toMatch(/at most 500 characters/);
    expect(settings.changes).toEqual([]);
  });

  it('runs the work on one user’s publications one request at a time', async () => {
    let release: () => void = () => undefined;
    const paused = new Promise<void>((resolve) => (release = resolve));
    settings.pause = () => paused;
    const busy = publications.publish(
      publishRequest({ body: pidf({ activities: '<rpid:activities><rpid:busy/></rpid:activities>' }) }),
      ALICE,
      SELF,
    );
    const away = publications.publish(
      publishRequest({ body: pidf({ activities: '<rpid:activities><rpid:away/></rpid:activities>' }) }),
      ALICE,
      SELF,
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(settings.changes).toEqual([`begin ${ALICE}`]);
    release();
    await Promise.all([busy, away]);
    expect(settings.changes).toEqual([`begin ${ALICE}`, 'set-state busy', `begin ${ALICE}`, 'set-state away']);
    expect(settings.state?.state).toBe('away');
  });
});
