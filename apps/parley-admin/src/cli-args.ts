import { windowsZoneIdOf } from '@parley/calendar-time';
import { weekDays, type WorkingHours } from '@parley/contracts';
import { Role, Roles } from '@parley/directory';
import { parseArgs } from 'node:util';

/** How many dead letters `dlq list` prints. */
export const DLQ_LIST_LIMIT = 100;

export const usage = `Usage: npm run directory -- <command>   (or: node dist/apps/parley-admin/main.js <command>)

Commands:
  migrate                                   bring the directory, messaging and every service schema up to date
  user add <address> --name "<display name>" [--password <pw> | --password-stdin]
                     [--extension <n>] [--sip <uri>]
  user passwd <address> (--password <pw> | --password-stdin)
  user list                                 address, name, extension and roles of every user
  role grant <address> <role> [--scope a@x,b@y]   --scope only with ApplicationImpersonation
  role revoke <address> <role>
  token issue <address> [--ttl <seconds>]   print an EWS bearer token for the user (default ttl 3600)
  working-hours show <address>              the user's working hours (what free/busy answers)
  working-hours set <address> --time-zone <zone> [--days <days>] [--start <hh:mm>] [--end <hh:mm>]
  working-hours reset <address>             back to calendar-sync's default
  seed-demo                                 create the missing demo users (as npm start does)
  dlq list [--topic <topic>] [--group <consumer group>]
                                            dead letters, newest first (the latest ${DLQ_LIST_LIMIT})
  dlq replay <id>                           deliver dead letter <id> again, to its consumer group only
  pbx-key issue <name>                      a new API key for a PBX's HTTP voicemail drop (printed once)
  pbx-key list                              every PBX key: id, name, created, last used, revoked
  pbx-key revoke <id or name>               revoke a PBX key (drops with it are refused at once)
  help                                      this text

Roles: ${Object.values(Roles).join(', ')}
--password-stdin reads the password from standard input (one trailing newline is dropped);
prefer it to --password, which shell history and the process list can reveal.

token issue signs with PARLEY_AUTH_TOKEN_KEY (formerly PARLEY_EWS_TOKEN_KEY, still read), which must
be the key the services verify tokens with; only the token goes to standard output (use it as
"Authorization: Bearer <token>", for EWS and the Graph REST API alike).

working-hours set replaces the user's working hours: --time-zone is a Windows id ("W. Europe
Standard Time") or an IANA zone ("Europe/Berlin"); --days a comma-separated list of days and
ranges (default mon-fri; e.g. mon,wed,fri or sun-thu); --start and --end the local times
(default 08:00 and 17:00; --end may be 24:00). The default, for users without their own, is
Monday to Friday 08:00-17:00 in calendar-sync's PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE.

pbx-key issue prints the key alone on standard output, once: Parley keeps only its SHA-256, so
a lost key cannot be shown again (revoke it and issue another). The PBX sends it as
"Authorization: Bearer <key>" to POST /api/v1.0/voicemail (docs/voicemail-http-drop.md). Names are
unique among the keys not revoked.

dlq replay marks the letter; a running replica of its consumer group picks it up within
PARLEY_DLQ_REPLAY_POLL_MS, hands the original message to its handler and records the outcome
(dlq list shows it). A letter is replayed once; a replay that fails again is a new dead letter.

Database: DATABASE_URL (postgres://…), or else the embedded database of a running \`npm start\`
(credentials from <PARLEY_DATA_DIR or ./data>/postgres.credentials.json, port
PARLEY_EMBEDDED_PG_PORT or 15432).
Exit status: 0 done, 1 failed (message on stderr), 2 usage error.`;

/** Where a new password comes from; stdin is read only once the command line is known to be valid. */
export type PasswordSource = { from: 'argument'; value: string } | { from: 'stdin' };

export type AdminCommand =
  | { kind: 'help' }
  | { kind: 'migrate' }
  | { kind: 'seed-demo' }
  | { kind: 'user-add'; address: string; displayName: string; password?: PasswordSource; extension?: string; sipUri?: string }
  | { kind: 'user-passwd'; address: string; password: PasswordSource }
  | { kind: 'user-list' }
  | { kind: 'role-grant'; address: string; role: Role; scope?: string[] }
  | { kind: 'role-revoke'; address: string; role: Role }
  | { kind: 'token-issue'; address: string; ttlSeconds: number }
  | { kind: 'working-hours-show'; address: string }
  | { kind: 'working-hours-set'; address: string; workingHours: WorkingHours }
  | { kind: 'working-hours-reset'; address: string }
  | { kind: 'dlq-list'; topic?: string; consumerGroup?: string }
  | { kind: 'dlq-replay'; id: string }
  | { kind: 'pbx-key-issue'; name: string }
  | { kind: 'pbx-key-list' }
  | { kind: 'pbx-key-revoke'; idOrName: string };

/** Default and longest lifetime of an issued bearer token. */
export const TOKEN_TTL_DEFAULT_SECONDS = 3600;
export const TOKEN_TTL_MAX_SECONDS = 366 * 24 * 3600;

/** A command line that names no valid command: the caller prints the message and the usage, exit 2. */
export class UsageError extends Error {}

const options = {
  name: { type: 'string' },
  password: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  extension: { type: 'string' },
  sip: { type: 'string' },
  scope: { type: 'string' },
  ttl: { type: 'string' },
  'time-zone': { type: 'string' },
  days: { type: 'string' },
  start: { type: 'string' },
  end: { type: 'string' },
  topic: { type: 'string' },
  group: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionName = keyof typeof options;
type Values = { [K in OptionName]?: (typeof options)[K]['type'] extends 'string' ? string : boolean };

/** Turns argv (without node and the script) into a command, or throws UsageError. */
export function parseCommand(argv: readonly string[]): AdminCommand {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true }) as { values: Values; positionals: string[] };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const [first, second, ...rest] = positionals;
  const grouped =
    first === 'user' || first === 'role' || first === 'token' || first === 'working-hours' || first === 'dlq' || first === 'pbx-key';
  const command = grouped ? `${first} ${second ?? ''}`.trim() : (first ?? 'help');
  const operands = grouped ? rest : positionals.slice(1);

  switch (command) {
    case 'help':
      requireShape(command, operands, values, 0, []);
      return { kind: 'help' };
    case 'migrate':
      requireShape(command, operands, values, 0, []);
      return { kind: 'migrate' };
    case 'seed-demo':
      requireShape(command, operands, values, 0, []);
      return { kind: 'seed-demo' };
    case 'user list':
      requireShape(command, operands, values, 0, []);
      return { kind: 'user-list' };
    case 'user add': {
      requireShape(command, operands, values, 1, ['name', 'password', 'password-stdin', 'extension', 'sip']);
      const displayName = nonEmpty('--name', values.name);
      if (displayName === undefined) throw new UsageError('user add needs --name "<display name>"');
      const sipUri = nonEmpty('--sip', values.sip);
      if (sipUri !== undefined && !/^sips?:[^\s@]+@[^\s@]+$/i.test(sipUri))
        throw new UsageError(`--sip must be a sip: URI such as sip:user@example.com (got "${sipUri}")`);
      return {
        kind: 'user-add',
        address: operands[0],
        displayName,
        password: passwordSource(values),
        extension: nonEmpty('--extension', values.extension),
        sipUri,
      };
    }
    case 'user passwd': {
      requireShape(command, operands, values, 1, ['password', 'password-stdin']);
      const password = passwordSource(values);
      if (!password) throw new UsageError('user passwd needs --password <pw> or --password-stdin');
      return { kind: 'user-passwd', address: operands[0], password };
    }
    case 'role grant': {
      requireShape(command, operands, values, 2, ['scope']);
      const role = toRole(operands[1]);
      if (values.scope === undefined) return { kind: 'role-grant', address: operands[0], role };
      if (role !== Roles.applicationImpersonation) throw new UsageError(`--scope applies to ${Roles.applicationImpersonation} only`);
      const scope = values.scope
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean);
      if (scope.length === 0) throw new UsageError('--scope needs at least one address (omit it to allow every mailbox)');
      return { kind: 'role-grant', address: operands[0], role, scope };
    }
    case 'role revoke':
      requireShape(command, operands, values, 2, []);
      return { kind: 'role-revoke', address: operands[0], role: toRole(operands[1]) };
    case 'token issue': {
      requireShape(command, operands, values, 1, ['ttl']);
      return { kind: 'token-issue', address: operands[0], ttlSeconds: ttlSeconds(values.ttl) };
    }
    case 'working-hours show':
      requireShape(command, operands, values, 1, []);
      return { kind: 'working-hours-show', address: operands[0] };
    case 'working-hours reset':
      requireShape(command, operands, values, 1, []);
      return { kind: 'working-hours-reset', address: operands[0] };
    case 'working-hours set': {
      requireShape(command, operands, values, 1, ['time-zone', 'days', 'start', 'end']);
      const zone = nonEmpty('--time-zone', values['time-zone']);
      if (zone === undefined) throw new UsageError('working-hours set needs --time-zone <Windows id or IANA zone>');
      const timeZone = windowsZoneIdOf(zone);
      if (timeZone === null)
        throw new UsageError(
          `--time-zone: unknown time zone "${zone}" (a Windows id such as "W. Europe Standard Time", or an IANA zone such as Europe/Berlin)`,
        );
      const startMinutes = clockMinutes('--start', values.start ?? '08:00');
      const endMinutes = clockMinutes('--end', values.end ?? '17:00');
      if (startMinutes >= endMinutes)
        throw new UsageError(`--end must be after --start (got ${values.start ?? '08:00'}-${values.end ?? '17:00'})`);
      return {
        kind: 'working-hours-set',
        address: operands[0],
        workingHours: { timeZone, days: workingDays(values.days ?? 'mon-fri'), startMinutes, endMinutes },
      };
    }
    case 'dlq list':
      requireShape(command, operands, values, 0, ['topic', 'group']);
      return { kind: 'dlq-list', topic: nonEmpty('--topic', values.topic), consumerGroup: nonEmpty('--group', values.group) };
    case 'dlq replay':
      requireShape(command, operands, values, 1, []);
      if (!/^[1-9][0-9]{0,18}$/.test(operands[0]))
        throw new UsageError(`dlq replay needs the id of a dead letter, as dlq list prints it (got "${operands[0]}")`);
      return { kind: 'dlq-replay', id: operands[0] };
    case 'pbx-key issue': {
      requireShape(command, operands, values, 1, []);
      const name = nonEmpty('name', operands[0]) ?? '';
      if (!/^[\x21-\x7e][\x20-\x7e]{0,99}$/.test(name))
        throw new UsageError(`pbx-key issue needs a name of 1-100 printable ASCII characters, e.g. asterisk-berlin (got "${name}")`);
      return { kind: 'pbx-key-issue', name };
    }
    case 'pbx-key list':
      requireShape(command, operands, values, 0, []);
      return { kind: 'pbx-key-list' };
    case 'pbx-key revoke':
      requireShape(command, operands, values, 1, []);
      return { kind: 'pbx-key-revoke', idOrName: nonEmpty('id or name', operands[0]) ?? '' };
    default:
      if (first === 'pbx-key') throw new UsageError(`unknown pbx-key command: ${second ?? '(none)'} (expected issue, list or revoke)`);
      if (first === 'dlq') throw new UsageError(`unknown dlq command: ${second ?? '(none)'} (expected list or replay)`);
      if (first === 'working-hours')
        throw new UsageError(`unknown working-hours command: ${second ?? '(none)'} (expected show, set or reset)`);
      if (first === 'token') throw new UsageError(`unknown token command: ${second ?? '(none)'} (expected issue)`);
      if (first === 'user') throw new UsageError(`unknown user command: ${second ?? '(none)'} (expected add, passwd or list)`);
      if (first === 'role') throw new UsageError(`unknown role command: ${second ?? '(none)'} (expected grant or revoke)`);
      throw new UsageError(`unknown command: ${first}`);
  }
}

/** Checks the operand count and that only the command's own options were given. */
function requireShape(command: string, operands: string[], values: Values, count: number, allowed: OptionName[]): void {
  if (operands.length !== count) {
    throw new UsageError(
      `${command} takes ${count === 0 ? 'no arguments' : `${count} argument${count > 1 ? 's' : ''}`} (got ${operands.length ? operands.join(' ') : 'none'})`,
    );
  }
  const stray = (Object.keys(values) as OptionName[]).filter((o) => values[o] !== undefined && !allowed.includes(o));
  if (stray.length) throw new UsageError(`${command} does not take ${stray.map((o) => `--${o}`).join(', ')}`);
}

function nonEmpty(option: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError(`${option} must not be empty`);
  return value.trim();
}

function passwordSource(values: Values): PasswordSource | undefined {
  if (values.password !== undefined && values['password-stdin']) throw new UsageError('give --password or --password-stdin, not both');
  if (values['password-stdin']) return { from: 'stdin' };
  if (values.password === undefined) return undefined;
  if (values.password === '') throw new UsageError('--password must not be empty');
  return { from: 'argument', value: values.password };
}

function ttlSeconds(value: string | undefined): number {
  if (value === undefined) return TOKEN_TTL_DEFAULT_SECONDS;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > TOKEN_TTL_MAX_SECONDS)
    throw new UsageError(`--ttl must be a whole number of seconds from 1 to ${TOKEN_TTL_MAX_SECONDS} (got "${value}")`);
  return n;
}

/** `hh:mm` (00:00 to 24:00) as minutes after midnight. */
function clockMinutes(option: string, value: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || minutes > 24 * 60) throw new UsageError(`${option} must be a time from 00:00 to 24:00 (got "${value}")`);
  return minutes;
}

/** `mon-fri`, `mon,wed,fri`, `sun-thu`, `Saturday`: days (full or three-letter names) and ranges, each day once, Sunday first. */
export function workingDays(value: string): WorkingHours['days'] {
  const dayOf = (name: string): number => {
    const n = name.trim().toLowerCase();
    const index = weekDays.findIndex((d) => d.toLowerCase() === n || d.slice(0, 3).toLowerCase() === n);
    if (index < 0)
      throw new UsageError(`--days: unknown day "${name.trim()}" (use names such as mon or Monday, and ranges such as mon-fri)`);
    return index;
  };
  const picked = new Set<number>();
  for (const part of value.split(',').filter((p) => p.trim() !== '')) {
    const [from, to, extra] = part.split('-');
    if (extra !== undefined) throw new UsageError(`--days: "${part.trim()}" is not a day or a range`);
    const first = dayOf(from);
    const last = to === undefined ? first : dayOf(to);
    // A range may wrap past Saturday (fri-mon).
    for (let d = first; ; d = (d + 1) % 7) {
      picked.add(d);
      if (d === last) break;
    }
  }
  if (picked.size === 0) throw new UsageError('--days needs at least one day');
  return weekDays.filter((_, i) => picked.has(i));
}

function toRole(name: string): Role {
  const role = Object.values(Roles).find((r) => r.toLowerCase() === name.toLowerCase());
  if (!role) throw new UsageError(`unknown role: ${name} (roles: ${Object.values(Roles).join(', ')})`);
  return role;
}
