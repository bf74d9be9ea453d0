// The peer of `bench sip`: Debian's Kamailio 5.6 as registrar and presence server, configured here
// for the bench's domain and users. Its state is kept like Parley's SIP front keeps it — the users
// and their digest HA1s in PostgreSQL, registrations, subscriptions and publications in memory —
// so the two runs differ in the server, not in what it writes to disk per request.
import { createTestDatabase, ensureDebianPackages, ExitReaper } from '@parley/testing';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

/** Debian packages: the server, presence + presence_xml, and its PostgreSQL driver (db_postgres). */
const KAMAILIO_PACKAGES = ['kamailio', 'kamailio-presence-modules', 'kamailio-postgres-modules'];
const MODULES_DIR = '/usr/lib/x86_64-linux-gnu/kamailio/modules';
/** Kamailio's own table definitions for PostgreSQL, as `kamdbctl create` would load them. */
const SCHEMA_DIR = '/usr/share/kamailio/postgres';

export interface KamailioOptions {
  port: number;
  domain: string;
  realm: string;
  prefix: string;
  users: number;
  password: string;
  /** Kamailio's worker processes for TCP (it forks this many SIP workers plus its own helpers). */
  workers: number;
  /** Open files Kamailio may use (it raises its own limit within the hard limit). */
  openFiles: number;
  log: (line: string) => void;
}

export interface RunningKamailio {
  /** Kamailio's main process (its workers are its children). */
  pid: number;
  /** Its database's name: the titles of the PostgreSQL backends serving it contain it. */
  database: string;
  /** Kamailio's version line (`kamailio -v`). */
  version: string;
  stop(): Promise<void>;
}

export async function startKamailio(options: KamailioOptions): Promise<RunningKamailio> {
  const installed = ensureDebianPackages(KAMAILIO_PACKAGES);
  if (installed.length > 0) options.log(`installed ${installed.join(', ')} with apt-get`);
  const undo: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const step of undo.splice(0).reverse()) await step().catch((error: unknown) => options.log(`clean-up failed: ${String(error)}`));
  };
  try {
    const db = await createTestDatabase('parley_bench_kamailio');
    undo.push(() => db.drop());
    await createSchemaAndUsers(db.url, options);

    const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-bench-kamailio-'));
    undo.push(() => rm(dir, { recursive: true, force: true }));
    // Kamailio drops root for its own user (below); it writes its pid file here afterwards.
    await chmod(dir, 0o777);
    const config = path.join(dir, 'kamailio.cfg');
    await writeFile(config, kamailioConfig(options, kamailioDbUrl(db.url)));

    const asRoot = process.getuid?.() === 0;
    const args = [
      '-f',
      config,
      // Foreground (no daemon), log to stderr; memory: 512 MiB shared (subscriptions, transactions, TCP buffers), 32 MiB per process.
      '-DD',
      '-E',
      '-m',
      '512',
      '-M',
      '32',
      '-Y',
      dir,
      '-P',
      path.join(dir, 'kamailio.pid'),
      // Unprivileged: Debian's package creates the kamailio user.
      ...(asRoot ? ['-u', 'kamailio', '-g', 'kamailio'] : []),
    ];
    const child = spawn('/bin/sh', ['-c', `ulimit -n ${options.openFiles} && exec "$@"`, 'sh', '/usr/sbin/kamailio', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Should the bench die first, Kamailio (and its forked workers, which follow their main process) must not outlive it.
    const reaper = ExitReaper.start({ processes: [{ pid: child.pid, cmdline: config, signal: 'SIGTERM' }] });
    undo.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      reaper.release();
    });
    await untilListening(options.port, exited, () => output, 30_000);
    return { pid: child.pid as number, database: db.name, version: kamailioVersion(), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Kamailio's tables (version, subscriber, presence) and the users: the same addresses and password as Parley's. */
async function createSchemaAndUsers(databaseUrl: string, options: KamailioOptions): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const file of ['standard-create.sql', 'auth_db-create.sql', 'presence-create.sql'])
      await client.query(readFileSync(path.join(SCHEMA_DIR, file), 'utf8'));
    const usernames = Array.from({ length: options.users }, (_, i) => `${options.prefix}${i}`);
    const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');
    // ha1 is over the bare user name, ha1b over user@domain: the client sends the whole address (Parley's
    // user name), so Kamailio checks ha1b (auth_db, calculate_ha1 = 0). Both are H(user:realm:password), MD5.
    await client.query(
      `INSERT INTO subscriber (username, domain, password, ha1, ha1b)
       SELECT u, $2, $3, h1, h1b FROM unnest($1::text[], $4::text[], $5::text[]) AS t(u, h1, h1b)`,
      [
        usernames,
        options.domain,
        options.password,
        usernames.map((u) => md5(`${u}:${options.realm}:${options.password}`)),
        usernames.map((u) => md5(`${u}@${options.domain}:${options.realm}:${options.password}`)),
      ],
    );
  } finally {
    await client.end();
  }
}

/** Kamailio's db_postgres wants `postgres://user:password@host:port/db`, with a password field even under trust auth. */
function kamailioDbUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `postgres://${decodeURIComponent(url.username) || 'postgres'}:${decodeURIComponent(url.password)}@${url.hostname}:${url.port || '5432'}${url.pathname}`;
}

/**
 * The routing script: TCP only, on one loopback port; requests for the bench domain only.
 * REGISTER, SUBSCRIBE and PUBLISH (initial and in-dialog) are all authenticated as a UAS does it
 * (401 with WWW-Authenticate, not a proxy's 407), MD5 with qop=auth and nonce-count replay checks,
 * as Parley checks them. A REGISTER's To and a PUBLISH's Request-URI must be the authenticated user.
 */
function kamailioConfig(options: KamailioOptions, dbUrl: string): string {
  return `#!KAMAILIO
# Written by parley-bench (bench sip) for one run; see docs/benchmarks.md.
#!define DBURL "${dbUrl}"
#!define REALM "${options.realm}"

debug=1
log_stderror=yes
children=${options.workers}
tcp_children=${options.workers}
disable_sctp=yes
auto_aliases=no
listen=tcp:127.0.0.1:${options.port}
alias="${options.domain}"
# Watchers hold their connection for the whole run (Kamailio's default closes idle ones after 120 s).
tcp_connection_lifetime=3700
tcp_max_connections=${options.openFiles}
open_files_limit=${options.openFiles}
tcp_accept_no_cl=no
server_header="Server: kamailio (parley-bench)"

mpath="${MODULES_DIR}/"
loadmodule "db_postgres.so"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "auth.so"
loadmodule "auth_db.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "presence.so"
loadmodule "presence_xml.so"

modparam("auth", "qop", "auth")
modparam("auth", "nonce_count", 1)
modparam("auth", "nonce_expire", 600)
modparam("auth_db", "db_url", DBURL)
modparam("auth_db", "calculate_ha1", 0)
modparam("auth_db", "use_domain", 1)
modparam("auth_db", "load_credentials", "")
# Registrations in memory only (Parley keeps them in the replica holding the connection).
modparam("usrloc", "db_mode", 0)
modparam("registrar", "max_contacts", 10)
modparam("registrar", "min_expires", 60)
modparam("registrar", "max_expires", 3600)
# Subscriptions and publications in memory only, for the same reason.
modparam("presence", "db_url", DBURL)
modparam("presence", "subs_db_mode", 0)
modparam("presence", "publ_cache", 2)
modparam("presence", "server_address", "sip:${options.domain};transport=tcp")
modparam("presence_xml", "db_url", DBURL)
# Every watcher may see every presentity: no XCAP authorization rules.
modparam("presence_xml", "force_active", 1)

request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (is_method("ACK")) exit;
  if (has_totag() && !is_method("SUBSCRIBE")) { sl_send_reply("481", "Call/Transaction Does Not Exist"); exit; }
  if (!uri==myself) { sl_send_reply("404", "Not Found"); exit; }
  if (is_method("OPTIONS")) { sl_send_reply("200", "OK"); exit; }
  if (!is_method("REGISTER|SUBSCRIBE|PUBLISH")) { sl_send_reply("405", "Method Not Allowed"); exit; }
  if (!www_authenticate(REALM, "subscriber")) { www_challenge(REALM, "1"); exit; }
  consume_credentials();
  if (is_method("REGISTER")) {
    if ($au != $tU) { sl_send_reply("403", "Forbidden"); exit; }
    if (!save("location")) sl_reply_error();
    exit;
  }
  if (is_method("PUBLISH") && $au != $rU) { sl_send_reply("403", "Forbidden"); exit; }
  if (!t_newtran()) { sl_reply_error(); exit; }
  if (is_method("PUBLISH")) handle_publish(); else handle_subscribe();
  t_release();
  exit;
}
`;
}

/** `version: kamailio 5.6.3 (x86_64/linux)` → `kamailio 5.6.3`. */
function kamailioVersion(): string {
  const first = execFileSync('/usr/sbin/kamailio', ['-v'], { encoding: 'utf8' }).split('\n')[0] ?? '';
  return /kamailio \S+/.exec(first)?.[0] ?? 'kamailio';
}

/** Resolves once the port accepts TCP connections; fails with Kamailio's output if it exits first. */
async function untilListening(port: number, exited: Promise<void>, output: () => string, timeoutMs: number): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (gone) throw new Error(`kamailio exited at start:\n${output()}`);
    if (await acceptsTcp(port)) return;
    if (Date.now() > deadline) throw new Error(`kamailio did not listen on 127.0.0.1:${port} within ${timeoutMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Whether 127.0.0.1:`port` accepts a TCP connection. */
export function acceptsTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}
