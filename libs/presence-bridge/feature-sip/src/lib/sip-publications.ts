import { Logger } from '@nestjs/common';
import {
  PresenceSettingsErrorCode,
  PresenceSettingsException,
  PresenceSettingsLimits,
  type PresenceSettingsService,
} from '@parley/presence-bridge/feature-presence';
import type { UserStateSource } from '@parley/presence-bridge/presence-engine';
import {
  parsePidf,
  publicationFromPidf,
  type PresencePublication,
  SipBodyError,
  type SipRequest,
  SipResponse,
} from '@parley/presence-bridge/sip';
import {
  SIP_BUSY_RETRY_AFTER_SECONDS,
  SIP_MAX_PUBLICATIONS,
  SIP_MAX_PUBLICATIONS_PER_USER,
  SIP_PUBLISH_DEFAULT_EXPIRES,
  SIP_PUBLISH_GRACE_SECONDS,
  SIP_PUBLISH_MAX_EXPIRES,
} from './sip-front.options';
import { newEntityTag, type SipPublication, SipPublicationStore } from './sip-publication.store';
import { sipReply, sipWarning } from './sip-reply';

/** The one event package PUBLISH serves here (RFC 3903 §6: others get 489 with Allow-Events). */
const PRESENCE_EVENT = 'presence';
const PIDF_TYPE = 'application/pidf+xml';

/** What a publication uses of the settings service: the user state and the personal note. */
export type PublicationSettings = Pick<
  PresenceSettingsService,
  'settings' | 'setUserState' | 'resetUserState' | 'setPersonalNote' | 'setStateAndNote'
>;

export interface SipPublicationsOptions {
  /** Shortest expiry accepted (423 below it); 0 always means removal. */
  minExpires: number;
  /** Milliseconds; injected for tests. */
  now: () => number;
}

/**
 * What one publication set in the presence core, so that only that is withdrawn: a state or note someone else set
 * since (another client, the JSON protocol) is never undone.
 */
export interface PublishedPresence {
  /** The latest document (a refresh keeps it). */
  document: PresencePublication;
  /** The user state this publication set, exactly as the core stores it; null: none (or no longer its own). */
  state: UserStateSource | null;
  /** The personal note this publication set; null: it set none. */
  note: string | null;
}

/**
 * PUBLISH for the `presence` event package (RFC 3903) over the presence core's settings: a publication sets the
 * user state and personal note as the JSON protocol's `set-state` / `set-note` do, with the state expiring in the core
 * when the publication does (durable across replicas and restarts). Entity tags are soft state of this replica.
 * Work on one user's publications runs one request at a time, so this replica never interleaves two of them.
 */
export class SipPublications {
  private readonly logger = new Logger('SipPublish');
  readonly store: SipPublicationStore<PublishedPresence>;
  /** Per user, the tail of the work on their publications. */
  private readonly lanes = new Map<string, Promise<unknown>>();

  constructor(
    private readonly settings: PublicationSettings,
    private readonly options: SipPublicationsOptions,
  ) {
    this.store = new SipPublicationStore({ maxPerUser: SIP_MAX_PUBLICATIONS_PER_USER, maxTotal: SIP_MAX_PUBLICATIONS, now: options.now });
  }

  /** Answers a PUBLISH of the authenticated `user` (lower-cased address) for `target`, the user its Request-URI names. */
  async publish(request: SipRequest, user: string, target: { readonly address: string } | undefined): Promise<SipResponse> {
    const event = request.event();
    if (event?.value.toLowerCase() !== PRESENCE_EVENT) {
      return sipReply(request, 489, { headers: [['Allow-Events', PRESENCE_EVENT]] });
    }
    if (target?.address !== user) {
      return sipReply(request, 403, { headers: [sipWarning('a PUBLISH sets the presence of the authenticated user only')] });
    }
    const ifMatch = request.headers.getAll('SIP-If-Match');
    if (ifMatch.length > 1) return sipReply(request, 400, { headers: [sipWarning('one SIP-If-Match at most')] });
    const requested = request.expires() ?? SIP_PUBLISH_DEFAULT_EXPIRES;
    return this.inLane(user, () =>
      ifMatch.length === 1 ? this.change(request, user, ifMatch[0].trim(), requested) : this.create(request, user, requested),
    );
  }

  /** Drops the expired publications and withdraws what they set (their state has already expired in the core). */
  async sweep(): Promise<void> {
    for (const expired of this.store.sweep()) {
      await this.inLane(expired.aor, () => this.withdraw(expired.aor, expired.value)).catch((error: unknown) =>
        this.logger.error(`the expired publication of ${expired.aor} could not be withdrawn: ${describe(error)}`),
      );
    }
  }

  /** An initial PUBLISH: a body, no SIP-If-Match. */
  private async create(request: SipRequest, user: string, requested: number): Promise<SipResponse> {
    if (request.body.length === 0) return sipReply(request, 400, { headers: [sipWarning('an initial PUBLISH carries a body')] });
    const brief = this.tooBrief(request, requested);
    if (brief) return brief;
    const document = this.readBody(request);
    if (document instanceof SipResponse) return document;
    // Expires 0 on an initial PUBLISH publishes nothing: a publication created and removed at once.
    if (requested === 0) return this.ok(request, newEntityTag(), 0);
    const granted = Math.min(requested, SIP_PUBLISH_MAX_EXPIRES);
    const created = this.store.create(user, granted + SIP_PUBLISH_GRACE_SECONDS, { document, state: null, note: null });
    if (created.kind === 'full') {
      return sipReply(request, 503, {
        headers: [['Retry-After', String(SIP_BUSY_RETRY_AFTER_SECONDS)], sipWarning('too many publications on this server')],
      });
    }
    for (const evicted of created.evicted) await this.withdraw(user, evicted.value);
    const publication = created.publication;
    try {
      await this.apply(user, publication, 'set');
    } catch (error) {
      this.store.remove(publication);
      return this.refusal(request, error);
    }
    return this.ok(request, publication.entityTag, granted);
  }

  /** A refresh (no body), modification (body) or removal (Expires 0) of the publication SIP-If-Match names. */
  private async change(request: SipRequest, user: string, entityTag: string, requested: number): Promise<SipResponse> {
    const publication = this.store.find(user, entityTag);
    // Unknown, expired, or issued by another replica: the client publishes afresh (RFC 3903 §6).
    if (publication === undefined) return sipReply(request, 412);
    if (requested === 0) {
      this.store.remove(publication);
      await this.withdraw(user, publication.value);
      return this.ok(request, entityTag, 0);
    }
    const brief = this.tooBrief(request, requested);
    if (brief) return brief;
    const granted = Math.min(requested, SIP_PUBLISH_MAX_EXPIRES);
    if (request.body.length === 0) {
      const refreshed = this.store.refresh(publication, granted + SIP_PUBLISH_GRACE_SECONDS);
      await this.apply(user, refreshed, 'extend');
      return this.ok(request, refreshed.entityTag, granted);
    }
    const document = this.readBody(request);
    if (document instanceof SipResponse) return document;
    const modified = this.store.refresh(publication, granted + SIP_PUBLISH_GRACE_SECONDS);
    modified.value.document = document;
    try {
      await this.apply(user, modified, 'set');
    } catch (error) {
      return this.refusal(request, error);
    }
    return this.ok(request, modified.entityTag, granted);
  }

  /**
   * Brings the core in line with the publication. `set` (initial, modify) sets the document's state and note;
   * `extend` (refresh) moves the state's expiry to the publication's new one, if the state is still this
   * publication's. A document without a state or note sets none: it only withdraws the one this publication set.
   */
  private async apply(user: string, publication: SipPublication<PublishedPresence>, mode: 'set' | 'extend'): Promise<void> {
    const now = this.options.now();
    const at = new Date(now);
    const current = await this.settings.settings(user, at);
    const published = publication.value;
    const { document } = published;
    const owned = published.state !== null && sameState(current.userState, published.state);
    // RPID `until` may end the state before the publication does.
    const stateEnds = Math.min(publication.expiresAt, document.expiresAt ?? Number.POSITIVE_INFINITY);
    const wanted = document.state !== null && stateEnds > now ? document.state : null;

    if (mode === 'extend') {
      if (owned && wanted !== null) published.state = (await this.settings.setUserState(user, wanted, new Date(stateEnds), at)).userState;
      else if (!owned) published.state = null;
      return;
    }

    // Note and state change in one transaction: one republication, so watchers get one NOTIFY per PUBLISH, not two.
    const change: Parameters<PublicationSettings['setStateAndNote']>[1] = {};
    if (document.note !== null) {
      if (current.personalNote !== document.note.trim()) change.personalNote = document.note;
    } else if (published.note !== null && current.personalNote === published.note) {
      change.personalNote = null;
    }
    if (wanted !== null) change.userState = { state: wanted, expiresAt: new Date(stateEnds) };
    else if (owned) change.userState = null;
    const result =
      change.personalNote === undefined && change.userState === undefined ? current : await this.settings.setStateAndNote(user, change, at);
    published.note = document.note !== null ? result.personalNote : null;
    published.state = wanted !== null ? result.userState : null;
  }

  /** Removes what a publication set, where it is still what the user has. */
  private async withdraw(user: string, published: PublishedPresence): Promise<void> {
    if (published.state === null && published.note === null) return;
    const now = new Date(this.options.now());
    const current = await this.settings.settings(user, now);
    if (published.state !== null && sameState(current.userState, published.state)) await this.settings.resetUserState(user, now);
    if (published.note !== null && current.personalNote === published.note) await this.settings.setPersonalNote(user, null, now);
    published.state = null;
    published.note = null;
  }

  private tooBrief(request: SipRequest, requested: number): SipResponse | undefined {
    if (requested === 0 || requested >= this.options.minExpires) return undefined;
    return sipReply(request, 423, { headers: [['Min-Expires', String(this.options.minExpires)]] });
  }

  /** The PIDF body read into what it sets, or the refusal to send (415, or 400 with a Warning). */
  private readBody(request: SipRequest): PresencePublication | SipResponse {
    const type = request.contentType();
    if (type === undefined || `${type.type}/${type.subtype}` !== PIDF_TYPE) {
      return sipReply(request, 415, { headers: [['Accept', PIDF_TYPE]] });
    }
    let document: PresencePublication;
    try {
      document = publicationFromPidf(parsePidf(request.body));
    } catch (error) {
      if (!(error instanceof SipBodyError)) throw error;
      // The codec's body limit (60 KiB) is below PIDF's (64 KiB): a document too large never gets this far.
      return sipReply(request, 400, { headers: [sipWarning(`unreadable presence document: ${error.message}`)] });
    }
    if (document.note !== null && [...document.note.trim()].length > PresenceSettingsLimits.noteLength) {
      return sipReply(request, 400, { headers: [sipWarning(`a note has at most ${PresenceSettingsLimits.noteLength} characters`)] });
    }
    return document;
  }

  private ok(request: SipRequest, entityTag: string, expires: number): SipResponse {
    return sipReply(request, 200, {
      headers: [
        ['SIP-ETag', entityTag],
        ['Expires', String(expires)],
      ],
    });
  }

  /** A refusal of the settings service as a SIP answer (exhaustive: a new code fails to compile here). */
  private refusal(request: SipRequest, error: unknown): SipResponse {
    if (!(error instanceof PresenceSettingsException)) throw error;
    return sipReply(request, SETTINGS_STATUS[error.code], { headers: [sipWarning(error.message)] });
  }

  private inLane<T>(user: string, work: () => Promise<T>): Promise<T> {
    const previous = this.lanes.get(user) ?? Promise.resolve();
    const run = previous.then(work);
    const tail = run.catch(() => undefined);
    this.lanes.set(user, tail);
    void tail.then(() => {
      if (this.lanes.get(user) === tail) this.lanes.delete(user);
    });
    return run;
  }
}

/**
 * The settings service's refusals of what a PUBLISH asks. Only the first four can happen: the document is read into
 * a known state, its note checked against the limit, its expiry in the future. The rest belong to contact lists and
 * blocks, never touched here: 500 if one ever came.
 */
const SETTINGS_STATUS: Record<PresenceSettingsErrorCode, number> = {
  [PresenceSettingsErrorCode.InvalidState]: 400,
  [PresenceSettingsErrorCode.InvalidExpiry]: 400,
  [PresenceSettingsErrorCode.NoteTooLong]: 400,
  [PresenceSettingsErrorCode.InvalidAddress]: 404,
  [PresenceSettingsErrorCode.SelfReference]: 500,
  [PresenceSettingsErrorCode.GroupNotFound]: 500,
  [PresenceSettingsErrorCode.GroupExists]: 500,
  [PresenceSettingsErrorCode.GroupNotEmpty]: 500,
  [PresenceSettingsErrorCode.InvalidGroupName]: 500,
  [PresenceSettingsErrorCode.ContactNotFound]: 500,
  [PresenceSettingsErrorCode.LimitExceeded]: 500,
};

function sameState(current: UserStateSource | null, published: UserStateSource): boolean {
  return current !== null && current.state === published.state && current.expiresAt === published.expiresAt;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
