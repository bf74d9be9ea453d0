import 'reflect-metadata';
import { exitOnConfigError } from '@parley/bootstrap';
import { parseEnv } from '@parley/config';
import { DirectoryError } from '@parley/directory';
import { DeadLetterError } from '@parley/messaging';
import { PbxApiKeyNameTakenError } from '@parley/voicemail-ingest/data-access';
import { AdminCommand, parseCommand, PasswordSource, usage, UsageError } from './cli-args';
import { DeadLetterStoreMissingError, PbxKeyNotFoundError, ResolvedCommand, runCommand } from './commands';
import { AdminEnv, adminEnvSchema, DatabaseTarget, DatabaseUnavailableError, isConnectionRefused, resolveDatabase } from './database-url';

const out = (line: string) => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`${line}\n`);
const fail = (line: string) => process.stderr.write(`parley-admin: ${line}\n`);

/** The admin CLI for the directory; resolves with the exit status (0 done, 1 failed, 2 usage). */
async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let command: AdminCommand;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    fail(error.message);
    process.stderr.write(`\n${usage}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    out(usage);
    return 0;
  }

  let settings;
  try {
    settings = parseEnv(adminEnvSchema, env);
  } catch (error) {
    exitOnConfigError(error);
  }
  let target: DatabaseTarget | undefined;
  try {
    const resolved = await withSecrets(command, settings);
    target = await resolveDatabase(settings);
    await runCommand(resolved, target.url, out, note, { digestRealm: settings.PARLEY_SIP_REALM });
    return 0;
  } catch (error) {
    const message = explain(error, target);
    if (message === undefined) throw error;
    fail(message);
    return 1;
  }
}

/**
 * Reads a --password-stdin password (so no connection is held open while waiting for input) and
 * the token key, failing before anything connects when it is missing.
 */
async function withSecrets(command: Exclude<AdminCommand, { kind: 'help' }>, settings: AdminEnv): Promise<ResolvedCommand> {
  if (command.kind === 'token-issue') {
    if (!settings.PARLEY_AUTH_TOKEN_KEY)
      throw new TokenKeyMissingError(
        'PARLEY_AUTH_TOKEN_KEY is not set: set it to the key Parley verifies bearer tokens with (PARLEY_EWS_TOKEN_KEY, its former name, is read too)',
      );
    return { ...command, key: settings.PARLEY_AUTH_TOKEN_KEY };
  }
  if (command.kind === 'user-add') return { ...command, password: command.password && (await readPassword(command.password)) };
  if (command.kind === 'user-passwd') return { ...command, password: await readPassword(command.password) };
  return command;
}

async function readPassword(source: PasswordSource): Promise<string> {
  if (source.from === 'argument') return source.value;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (password === '') throw new PasswordInputError('--password-stdin: standard input held no password');
  return password;
}

class PasswordInputError extends Error {}
class TokenKeyMissingError extends Error {}

/** One line for the failures an operator can act on; undefined for bugs (printed with their stack). */
function explain(error: unknown, target: DatabaseTarget | undefined): string | undefined {
  if (
    error instanceof DirectoryError ||
    error instanceof DeadLetterError ||
    error instanceof DeadLetterStoreMissingError ||
    error instanceof DatabaseUnavailableError ||
    error instanceof PasswordInputError ||
    error instanceof TokenKeyMissingError ||
    error instanceof PbxKeyNotFoundError ||
    error instanceof PbxApiKeyNameTakenError
  )
    return error.message;
  if (isConnectionRefused(error) && target) {
    return target.embedded
      ? new DatabaseUnavailableError(`DATABASE_URL is not set and no embedded database answers on ${target.where}`).message
      : `cannot connect to the database in DATABASE_URL (${target.where}): connection refused`;
  }
  const code = (error as { code?: unknown } | null)?.code;
  // undefined_table / undefined schema: the directory has never been migrated.
  if (code === '42P01' || code === '3F000') return 'the directory tables do not exist yet: run the migrate command first';
  if (typeof code === 'string' && error instanceof Error) return `${target ? `database at ${target.where}: ` : ''}${error.message}`;
  return undefined;
}

main(process.argv.slice(2), process.env).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    fail(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
