import { migrateAll } from '@parley/bootstrap';
import type { WorkingHoursView } from '@parley/calendar-sync/feature-calendar';
import { calendarSyncService, withWorkingHoursAdmin } from '@parley/calendar-sync/service';
import { toMailboxKey } from '@parley/contracts';
import {
  createDirectoryDataSource,
  demoUsers,
  DirectoryError,
  DirectoryRepository,
  type DirectoryRepositoryOptions,
  DirectoryUser,
  Roles,
  seedDemoUsers,
} from '@parley/directory';
import { signBearerToken } from '@parley/auth';
import { ewsGatewayService } from '@parley/ews-gateway/service';
import { createDeadLetterDataSource, DeadLetterRepository, StoredDeadLetter } from '@parley/messaging';
import { presenceBridgeService } from '@parley/presence-bridge/service';
import type { StoredPbxApiKey } from '@parley/voicemail-ingest/data-access';
import { withPbxApiKeyAdmin } from '@parley/voicemail-ingest/feature-http-drop';
import { voicemailIngestService } from '@parley/voicemail-ingest/service';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AdminCommand, DLQ_LIST_LIMIT } from './cli-args';

/** A command with its password already read (stdin is consumed before connecting). */
export type ResolvedCommand =
  | Exclude<AdminCommand, { kind: 'help' | 'user-add' | 'user-passwd' | 'token-issue' }>
  | { kind: 'user-add'; address: string; displayName: string; password?: string; extension?: string; sipUri?: string }
  | { kind: 'user-passwd'; address: string; password: string }
  | { kind: 'token-issue'; address: string; ttlSeconds: number; key: string };

const APPLICATION_NAME = 'admin';
const services = [calendarSyncService, presenceBridgeService, voicemailIngestService, ewsGatewayService];

/**
 * Runs one command against the database at `url`, writing what it did to `out` (and remarks that
 * must not mix with a command's machine-readable output, such as a token, to `note`).
 */
export async function runCommand(
  command: ResolvedCommand,
  url: string,
  out: (line: string) => void,
  note: (line: string) => void = out,
  /** The SIP realm whose HA1s a password written here is stored for (PARLEY_SIP_REALM). */
  directoryOptions: DirectoryRepositoryOptions = {},
): Promise<void> {
  if (command.kind === 'migrate') {
    const sources = [
      createDirectoryDataSource({ url, poolSize: 2, service: APPLICATION_NAME }),
      createDeadLetterDataSource({ url, poolSize: 2, service: APPLICATION_NAME }),
    ];
    for (const service of services) if (service.createDataSource) sources.push(service.createDataSource(url));
    await migrateAll(sources, out);
    return;
  }
  if (command.kind === 'dlq-list' || command.kind === 'dlq-replay') return runDeadLetterCommand(command, url, out, note);
  if (command.kind === 'pbx-key-issue' || command.kind === 'pbx-key-list' || command.kind === 'pbx-key-revoke')
    return runPbxKeyCommand(command, url, out, note);
  const dataSource = createDirectoryDataSource({ url, poolSize: 2, service: APPLICATION_NAME });
  // Failures are reported as one line by main; TypeORM's query-error log would repeat them at length.
  dataSource.setOptions({ logging: [] });
  await dataSource.initialize();
  try {
    const directory = new DirectoryRepository(dataSource, directoryOptions);
    if (command.kind === 'working-hours-show' || command.kind === 'working-hours-set' || command.kind === 'working-hours-reset')
      await runWorkingHoursCommand(command, url, directory, out);
    else await runDirectoryCommand(command, directory, out, note);
  } finally {
    await destroy(dataSource);
  }
}

/** The dead-letter table is missing: the database was never migrated with this version. */
export class DeadLetterStoreMissingError extends Error {}

type DeadLetterCommand = Extract<ResolvedCommand, { kind: 'dlq-list' | 'dlq-replay' }>;

/** Dead letters live in the messaging lib's own schema (see docs/operations.md, "Dead letters"). */
async function runDeadLetterCommand(
  command: DeadLetterCommand,
  url: string,
  out: (line: string) => void,
  note: (line: string) => void,
): Promise<void> {
  const dataSource = createDeadLetterDataSource({ url, poolSize: 1, service: APPLICATION_NAME });
  dataSource.setOptions({ logging: [] });
  await dataSource.initialize();
  try {
    const letters = new DeadLetterRepository(dataSource);
    if (command.kind === 'dlq-replay') {
      const letter = await letters.requestReplay(command.id);
      out(
        `replay of dead letter ${letter.id} requested: ${letter.consumerGroup} delivers it again to its handler of ${letter.topic}; dlq list shows the outcome`,
      );
      return;
    }
    const filter = { topic: command.topic, consumerGroup: command.consumerGroup };
    const listed = await letters.list({ ...filter, limit: DLQ_LIST_LIMIT });
    for (const line of formatDeadLetterTable(listed)) out(line);
    const total = listed.length < DLQ_LIST_LIMIT ? listed.length : await letters.count(filter);
    if (total > listed.length) note(`showing the latest ${listed.length} of ${total} dead letters (narrow with --topic or --group)`);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === '42P01' || code === '3F000')
      throw new DeadLetterStoreMissingError('the dead-letter table does not exist yet: run the migrate command first');
    throw error;
  } finally {
    await destroy(dataSource);
  }
}

/** Where a dead letter stands: waiting, waiting for its replay, or replayed (with the outcome). */
function stateOf(letter: StoredDeadLetter): string {
  if (letter.replayedAt) return `replayed: ${letter.outcome ?? '-'}`;
  return letter.replayRequestedAt ? 'replay requested' : 'dead';
}

/** A plain-text table, newest first; the reason last (its first line). */
export function formatDeadLetterTable(letters: StoredDeadLetter[]): string[] {
  if (letters.length === 0) return ['no dead letters'];
  const rows = [
    ['ID', 'FAILED AT', 'GROUP', 'TOPIC', 'KEY', 'KIND', 'ATTEMPTS', 'STATE', 'REASON'],
    ...letters.map((l) => [
      l.id,
      l.failedAt.toISOString(),
      l.consumerGroup,
      l.topic,
      l.key || '-',
      l.kind,
      String(l.attempts),
      stateOf(l),
      l.reason.split('\n')[0],
    ]),
  ];
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
  return rows.map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]))).join('  '));
}

type PbxKeyCommand = Extract<ResolvedCommand, { kind: 'pbx-key-issue' | 'pbx-key-list' | 'pbx-key-revoke' }>;

/** The key for a PBX was not found (or is revoked already). */
export class PbxKeyNotFoundError extends Error {}

/**
 * PBX API keys belong to voicemail-ingest: the CLI runs its own key service on its schema (see
 * `withPbxApiKeyAdmin`). A new key goes alone to `out` (scripts capture it), the rest to `note`.
 */
async function runPbxKeyCommand(
  command: PbxKeyCommand,
  url: string,
  out: (line: string) => void,
  note: (line: string) => void,
): Promise<void> {
  await withPbxApiKeyAdmin(url, async (keys) => {
    switch (command.kind) {
      case 'pbx-key-issue': {
        const { key, stored } = await keys.issue(command.name);
        out(key);
        note(
          `PBX key ${stored.name} (id ${stored.id}): shown this once, Parley keeps only its hash; send it as "Authorization: Bearer <key>"`,
        );
        return;
      }
      case 'pbx-key-list':
        for (const line of formatPbxKeyTable(await keys.list())) out(line);
        return;
      case 'pbx-key-revoke': {
        const revoked = await keys.revoke(command.idOrName);
        if (revoked === null)
          throw new PbxKeyNotFoundError(`no PBX key in use with id or name ${command.idOrName} (pbx-key list shows them)`);
        out(`revoked PBX key ${revoked.name} (id ${revoked.id}); drops with it are refused from now on`);
        return;
      }
    }
  });
}

/** A plain-text table of PBX keys, oldest first. */
export function formatPbxKeyTable(keys: StoredPbxApiKey[]): string[] {
  if (keys.length === 0) return ['no PBX keys (issue one with: pbx-key issue <name>)'];
  const rows = [
    ['ID', 'NAME', 'CREATED', 'LAST USED', 'STATE'],
    ...keys.map((k) => [
      k.id,
      k.name,
      k.createdAt.toISOString(),
      k.lastUsedAt?.toISOString() ?? '-',
      k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active',
    ]),
  ];
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
  return rows.map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]))).join('  '));
}

type WorkingHoursCommand = Extract<ResolvedCommand, { kind: 'working-hours-show' | 'working-hours-set' | 'working-hours-reset' }>;

/**
 * Working hours belong to calendar-sync: the CLI runs calendar-sync's own working-hours service on
 * its schema (see `withWorkingHoursAdmin`), for users of the directory.
 */
async function runWorkingHoursCommand(
  command: WorkingHoursCommand,
  url: string,
  directory: DirectoryRepository,
  out: (line: string) => void,
): Promise<void> {
  const user = await directory.findByAddress(command.address);
  if (!user) throw new DirectoryError('NoSuchUser', `no such user: ${command.address}`);
  const mailbox = user.smtpAddress;
  const mailboxes = { exists: async (address: string) => (await directory.findByAddress(address)) !== null };
  await withWorkingHoursAdmin(url, mailboxes, async (workingHours) => {
    switch (command.kind) {
      case 'working-hours-show':
        out(formatWorkingHours(await workingHours.get(mailbox)));
        return;
      case 'working-hours-set':
        out(`set ${formatWorkingHours(await workingHours.set(randomUUID(), { mailbox, workingHours: command.workingHours }))}`);
        return;
      case 'working-hours-reset':
        out(`reset ${formatWorkingHours(await workingHours.set(randomUUID(), { mailbox, workingHours: null }))}`);
        return;
    }
  });
}

/** `a@x: Monday Tuesday 08:00-17:00, W. Europe Standard Time`; a default view without its zone (calendar-sync's setting). */
export function formatWorkingHours(view: WorkingHoursView): string {
  if (view.isDefault)
    return `${view.mailbox}: the default (Monday to Friday 08:00-17:00 in calendar-sync's PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE)`;
  const h = view.workingHours;
  return `${view.mailbox}: ${h.days.join(' ')} ${clock(h.startMinutes)}-${clock(h.endMinutes)}, ${h.timeZone}`;
}

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

async function runDirectoryCommand(
  command: Exclude<ResolvedCommand, { kind: 'migrate' } | WorkingHoursCommand | DeadLetterCommand | PbxKeyCommand>,
  directory: DirectoryRepository,
  out: (line: string) => void,
  note: (line: string) => void,
): Promise<void> {
  switch (command.kind) {
    case 'token-issue': {
      // The gateway resolves a token's subject in the directory, so a token for nobody is useless.
      const user = await directory.findByAddress(command.address);
      if (!user) throw new DirectoryError('NoSuchUser', `no such user: ${command.address}`);
      const exp = Math.floor(Date.now() / 1000) + command.ttlSeconds;
      out(signBearerToken(command.key, { sub: user.smtpAddress, exp }));
      note(`bearer token for ${user.smtpAddress}, valid until ${new Date(exp * 1000).toISOString()}`);
      return;
    }
    case 'user-add': {
      const user = await directory.add({
        smtpAddress: command.address,
        displayName: command.displayName,
        password: command.password,
        phoneExtension: command.extension,
        sipUri: command.sipUri,
      });
      out(
        `added ${user.smtpAddress} (${user.displayName}, ${user.sipUri}${user.phoneExtension ? `, extension ${user.phoneExtension}` : ''}${command.password ? '' : ', no password: cannot sign in yet'})`,
      );
      return;
    }
    case 'user-passwd':
      await directory.setPassword(command.address, command.password);
      out(`password set for ${toMailboxKey(command.address)}`);
      return;
    case 'user-list':
      for (const line of formatUserTable(await directory.list())) out(line);
      return;
    case 'role-grant': {
      const user = await directory.grantRole(command.address, command.role, command.scope);
      out(`granted ${command.role} to ${user.smtpAddress}; roles now: ${formatRoles(user)}`);
      return;
    }
    case 'role-revoke': {
      const user = await directory.revokeRole(command.address, command.role);
      out(`revoked ${command.role} from ${user.smtpAddress}; roles now: ${formatRoles(user)}`);
      return;
    }
    case 'seed-demo': {
      const created = new Set(await seedDemoUsers(directory));
      out('demo users (user / password; existing ones are left as they are):');
      for (const u of demoUsers) out(`  ${u.smtpAddress.padEnd(20)} ${created.has(u.smtpAddress) ? u.password : '(existed, unchanged)'}`);
      return;
    }
  }
}

/** `Admin, ApplicationImpersonation (scope: a@x, b@y)`; `-` for none. */
export function formatRoles(user: DirectoryUser): string {
  if (user.roles.length === 0) return '-';
  return user.roles
    .map((role) =>
      role === Roles.applicationImpersonation
        ? `${role} (${user.impersonationScope ? `scope: ${user.impersonationScope.join(', ')}` : 'all mailboxes'})`
        : role,
    )
    .join(', ');
}

/** A plain-text table: header, then one row per user. */
export function formatUserTable(users: DirectoryUser[]): string[] {
  if (users.length === 0) return ['no users (add one with: user add <address> --name "<display name>")'];
  const rows = [
    ['ADDRESS', 'NAME', 'EXTENSION', 'ROLES'],
    ...users.map((u) => [u.smtpAddress, u.displayName, u.phoneExtension ?? '-', formatRoles(u)]),
  ];
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
  return rows.map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]))).join('  '));
}

async function destroy(dataSource: DataSource): Promise<void> {
  if (dataSource.isInitialized) await dataSource.destroy();
}
