import { Injectable } from '@nestjs/common';
import { AuthErrorCode, AuthException, ImpersonationPolicy } from '@parley/auth';
import { DirectoryRepository, type DirectoryUser } from '@parley/directory';
import { accessDenied, badRequest, type GraphPresence, userNotFound } from '@parley/graph';
import {
  PresenceReader,
  PresenceSettingsErrorCode,
  PresenceSettingsException,
  PresenceSettingsService,
} from '@parley/presence-bridge/feature-presence';
import { graphDefaultPreferredExpiryMs, userStateFromGraph } from '@parley/presence-bridge/presence-engine';
import { toGraphPresenceResource } from './graph-presence.view';

/** A validated setUserPreferredPresence body (the duration already in milliseconds). */
export interface PreferredPresence {
  availability: string;
  activity: string;
  expirationMs: number | undefined;
}

/**
 * Graph's presence operations over presence-bridge's core: reads through `PresenceReader` (what the
 * caller may see, blocks included), preferred presence as the user state of `PresenceSettingsService`.
 * Users are named by SMTP address or directory object id. Reading is open to every signed-in user;
 * changing another user's presence needs the impersonation role within its scope (`ImpersonationPolicy`).
 */
@Injectable()
export class GraphPresenceService {
  constructor(
    private readonly directory: DirectoryRepository,
    private readonly reader: PresenceReader,
    private readonly settings: PresenceSettingsService,
    private readonly impersonation: ImpersonationPolicy,
  ) {}

  /** The presence of the user `key` names, as `caller` sees it; 404 when it names nobody. */
  async presenceOf(caller: DirectoryUser, key: string): Promise<GraphPresence> {
    const user = await this.userNamed(key);
    const [presence] = await this.presencesFor(caller, [user]);
    if (!presence) throw userNotFound(key);
    return presence;
  }

  /** The presences of the users `keys` name, in the order first named; keys that name nobody are left out. */
  async presencesOf(caller: DirectoryUser, keys: readonly string[]): Promise<GraphPresence[]> {
    const users = await this.directory.findByKeys(keys);
    const byKey = new Map<string, DirectoryUser>();
    for (const user of users) {
      byKey.set(user.smtpAddress, user);
      byKey.set(user.id, user);
    }
    const ordered = new Map<string, DirectoryUser>();
    for (const key of keys) {
      const user = byKey.get(key.trim().toLowerCase());
      if (user && !ordered.has(user.id)) ordered.set(user.id, user);
    }
    return this.presencesFor(caller, [...ordered.values()]);
  }

  /** Sets the user state a Graph pair stands for, until the duration (or Graph's default) has passed. */
  async setPreferredPresence(caller: DirectoryUser, key: string, preferred: PreferredPresence, now = new Date()): Promise<void> {
    const state = userStateFromGraph(preferred.availability, preferred.activity);
    if (state === null) {
      throw badRequest(
        `'${preferred.availability}/${preferred.activity}' is not a supported availability/activity pair; supported: Available/Available, Busy/Busy, DoNotDisturb/DoNotDisturb, BeRightBack/BeRightBack, Away/Away, Offline/OffWork.`,
      );
    }
    const user = await this.actingFor(caller, key);
    const expiresAt = new Date(now.getTime() + (preferred.expirationMs ?? graphDefaultPreferredExpiryMs(state)));
    await this.settings.setUserState(user.smtpAddress, state, expiresAt, now).catch(settingsRefusal);
  }

  /** Back to the automatic presence. */
  async clearPreferredPresence(caller: DirectoryUser, key: string, now = new Date()): Promise<void> {
    const user = await this.actingFor(caller, key);
    await this.settings.resetUserState(user.smtpAddress, now).catch(settingsRefusal);
  }

  private async presencesFor(caller: DirectoryUser, users: readonly DirectoryUser[]): Promise<GraphPresence[]> {
    if (users.length === 0) return [];
    const seen = await this.reader.snapshot(
      caller.smtpAddress,
      users.map((u) => u.smtpAddress),
    );
    return users.flatMap((user) => {
      const watched = seen.get(user.smtpAddress);
      return watched ? [toGraphPresenceResource(user.id, watched)] : [];
    });
  }

  /** The user `key` names, if `caller` may change their presence: 404 for nobody, 403 without the right. */
  private async actingFor(caller: DirectoryUser, key: string): Promise<DirectoryUser> {
    const user = await this.userNamed(key);
    try {
      return await this.impersonation.actFor(caller, user.smtpAddress);
    } catch (error) {
      if (!(error instanceof AuthException)) throw error;
      if (error.code === AuthErrorCode.UnknownMailbox) throw userNotFound(key);
      throw accessDenied();
    }
  }

  private async userNamed(key: string): Promise<DirectoryUser> {
    const [user] = await this.directory.findByKeys([key]);
    if (!user) throw userNotFound(key);
    return user;
  }
}

/** The core's refusals of a state change, as Graph errors (the body was validated before, so these are rare). */
function settingsRefusal(error: unknown): never {
  if (!(error instanceof PresenceSettingsException)) throw error;
  switch (error.code) {
    case PresenceSettingsErrorCode.InvalidState:
    case PresenceSettingsErrorCode.InvalidExpiry:
      throw badRequest(error.message);
    default:
      throw error;
  }
}
