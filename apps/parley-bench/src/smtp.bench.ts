import { ExitReaper, freePort, RunningProcess, startProcess, umVoicemailMail, waitFor, waitForHttpOk, wavRecording } from '@parley/testing';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { chmod, chown, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { format, formatTable, summarize } from './stats';

/**
 * `bench smtp`: voicemail mails with a WAV attachment, accepted per second, in one invocation:
 * - Postfix's `smtp-source` (N sessions, a new SMTP session per message) for `--seconds` against
 *   1. `smtp-sink` (the ceiling: it stores nothing),
 *   2. a real Postfix delivering into Maildirs (the peer: a durable MTA; its own configuration
 *      directory, queue and Maildirs in a temporary directory — /etc/postfix is never touched),
 *   3. Parley's trusted relay (the embedded app: embedded PostgreSQL, blobs under its data directory);
 * - then N concurrent `nodemailer` clients, each message its own connection with STARTTLS + AUTH,
 *   to Parley's submission port.
 * smtp-source reports only completions, so accept latency (connect to the `250` after DATA) is
 * measured by nodemailer clients: the same N-client load, plain SMTP, against each target too.
 * Afterwards every accepted message is counted where it was stored (Maildir files; Parley's Inbox
 * TotalCount through EWS).
 */
export const SMTP_RUNS = ['sink', 'postfix', 'parley'] as const;
export type SmtpRun = (typeof SMTP_RUNS)[number];

export interface SmtpBenchOptions {
  sessions: number;
  seconds: number;
  attachmentKib: number;
  runs: SmtpRun[];
  repoRoot: string;
  log: (line: string) => void;
  out: (text: string) => void;
}

/** The issue's targets: Parley's relay at least Postfix's durable rate and 40 % of smtp-sink's. */
const TARGET_OF_SINK = 0.4;

const PARLEY_RECIPIENT = 'alice@parley.test';
const PARLEY_PASSWORD = 'alice-demo-pw';
const POSTFIX_RECIPIENT = 'rcpt@bench.test';

interface Row {
  label: string;
  run: SmtpRun;
  client: 'smtp-source' | 'nodemailer';
  accepted: number;
  seconds: number;
  latencies: number[];
  failures: number;
  stored: number | null;
}

interface Target {
  host: string;
  port: number;
  /** Parley's submission port (STARTTLS + AUTH), when the target has one. */
  submissionPort?: number;
  /** How many messages the target holds now (null: it stores nothing). */
  stored(): Promise<number | null>;
  /** What the target says about messages it has not stored (for a count that falls short). */
  diagnose?(): string;
  /** Whether what it stored is what was sent (a voicemail with its audio), where it can tell. */
  storedAsSent?(): Promise<boolean>;
  stop(): Promise<void>;
}

export async function runSmtpBench(options: SmtpBenchOptions): Promise<void> {
  const { log } = options;
  ensurePostfixTools(log);
  const work = await mkdtemp(path.join(os.tmpdir(), 'parley-bench-smtp-'));
  await chmod(work, 0o755);
  const rows: Row[] = [];
  try {
    const audio = wavRecording(options.attachmentKib * 1024);
    const mailFile = (from: string, to: string) => Buffer.from(umVoicemailMail({ from, to, audio, callerName: 'Bench Caller' }), 'latin1');
    log(`mail: ${format.count(mailFile('pbx@pbx.bench', PARLEY_RECIPIENT).length)} bytes (a ${options.attachmentKib} KiB WAV, base64)`);
    for (const run of options.runs) {
      const target = await startTarget(run, work, options);
      try {
        const to = run === 'parley' ? PARLEY_RECIPIENT : POSTFIX_RECIPIENT;
        const file = path.join(work, `${run}.eml`);
        // smtp-source sends each line of -F's file with CRLF appended: the file has bare LF line ends.
        await writeFile(file, mailFile('pbx@pbx.bench', to).toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
        const before = (await target.stored()) ?? 0;
        log(`${run}: smtp-source, ${options.sessions} sessions, ${options.seconds} s`);
        const source = await smtpSource(target, file, 'pbx@pbx.bench', to, options);
        log(`${run}: nodemailer, ${options.sessions} clients, plain SMTP, ${options.seconds} s`);
        const plain = await nodemailerLoad(
          target.host,
          target.port,
          { from: 'pbx@pbx.bench', to, mime: mailFile('pbx@pbx.bench', to) },
          options,
        );
        let submission: Awaited<ReturnType<typeof nodemailerLoad>> | undefined;
        if (target.submissionPort !== undefined) {
          log(`${run}: nodemailer, ${options.sessions} clients, STARTTLS + AUTH, ${options.seconds} s`);
          submission = await nodemailerLoad(
            target.host,
            target.submissionPort,
            { from: PARLEY_RECIPIENT, to, mime: mailFile(PARLEY_RECIPIENT, to), auth: { user: PARLEY_RECIPIENT, pass: PARLEY_PASSWORD } },
            options,
          );
        }
        const accepted = source.accepted + plain.accepted + (submission?.accepted ?? 0);
        const stored = await settledCount(target, before + accepted, log);
        if (stored !== null && stored < before + accepted && target.diagnose) log(`${run}: ${target.diagnose()}`);
        if (target.storedAsSent && !(await target.storedAsSent()))
          throw new Error(`${run}: the stored mail is not the voicemail sent (no audio attachment)`);
        const label = { sink: 'smtp-sink (stores nothing)', postfix: 'Postfix → Maildir', parley: 'Parley relay' }[run];
        rows.push({
          label,
          run,
          client: 'smtp-source',
          seconds: source.seconds,
          accepted: source.accepted,
          latencies: [],
          failures: 0,
          stored: null,
        });
        rows.push({
          label,
          run,
          client: 'nodemailer',
          seconds: plain.seconds,
          accepted: plain.accepted,
          latencies: plain.latencies,
          failures: plain.failures,
          stored: null,
        });
        if (submission)
          rows.push({
            label: 'Parley submission (STARTTLS+AUTH)',
            run,
            client: 'nodemailer',
            seconds: submission.seconds,
            accepted: submission.accepted,
            latencies: submission.latencies,
            failures: submission.failures,
            stored: null,
          });
        // The stored count covers all of a target's runs together.
        rows[rows.length - 1].stored = stored === null ? null : stored - before;
        log(`${run}: accepted ${accepted}, stored ${stored === null ? '–' : stored - before}`);
      } finally {
        await target.stop();
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  report(rows, options);
}

function report(rows: Row[], options: SmtpBenchOptions): void {
  const rate = (r: Row | undefined) => (r ? r.accepted / r.seconds : undefined);
  const sink = rate(rows.find((r) => r.run === 'sink' && r.client === 'smtp-source'));
  const postfix = rate(rows.find((r) => r.run === 'postfix' && r.client === 'smtp-source'));
  const body = rows.map((r) => {
    const s = summarize(r.latencies);
    const perSecond = rate(r) as number;
    return [
      r.label,
      r.client,
      format.count(r.accepted),
      perSecond.toFixed(1),
      r.client === 'smtp-source' && sink ? format.percent(perSecond / sink) : '',
      r.client === 'smtp-source' && postfix ? `${(perSecond / postfix).toFixed(2)}x` : '',
      format.ms(s.p50),
      format.ms(s.p99),
      String(r.failures),
      r.stored === null ? '' : format.count(r.stored),
    ];
  });
  options.out(
    `\nSMTP: voicemail mails with a ${options.attachmentKib} KiB WAV, ${options.sessions} concurrent sessions, ${options.seconds} s per row, one message per connection\n`,
  );
  options.out(
    formatTable(
      ['target', 'client', 'accepted', 'msg/s', 'of sink', 'of Postfix', 'p50 ms', 'p99 ms', 'failed', 'stored (target total)'],
      body,
      ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
  );
  const parley = rate(rows.find((r) => r.run === 'parley' && r.client === 'smtp-source'));
  if (parley !== undefined && sink !== undefined)
    options.out(
      `target: Parley relay ≥ ${format.percent(TARGET_OF_SINK)} of smtp-sink: ${format.percent(parley / sink)} — ${parley >= TARGET_OF_SINK * sink ? 'met' : 'MISSED'}`,
    );
  if (parley !== undefined && postfix !== undefined)
    options.out(
      `target: Parley relay ≥ Postfix's durable rate: ${(parley / postfix).toFixed(2)}x — ${parley >= postfix ? 'met' : 'MISSED'}`,
    );
  for (const run of ['postfix', 'parley'] as const) {
    const ofRun = rows.filter((r) => r.run === run);
    if (ofRun.length === 0) continue;
    const accepted = ofRun.reduce((n, r) => n + r.accepted, 0);
    const stored = ofRun.find((r) => r.stored !== null)?.stored;
    options.out(
      `${run}: ${accepted} accepted, ${stored ?? '–'} stored${stored !== undefined && stored !== null && stored >= accepted ? ' — every accepted message is there' : ' — MISSING MESSAGES'}` +
        (stored !== undefined && stored !== null && stored > accepted
          ? ` (${stored - accepted} more: messages whose 250 was sent as smtp-source was stopped mid-run)`
          : ''),
    );
  }
}

// ---- the load generators ----------------------------------------------------------------------

/** smtp-source for `seconds`, then stopped; its `-c` counter (one `\r<n>` per completed DATA) counts acceptances. */
async function smtpSource(target: Target, file: string, from: string, to: string, options: SmtpBenchOptions) {
  const child = spawn(
    'smtp-source',
    ['-c', '-s', String(options.sessions), '-m', '100000000', '-F', file, '-f', from, '-t', to, `${target.host}:${target.port}`],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let accepted = 0;
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const counts = chunk
      .toString()
      .split('\r')
      .map((s) => Number(s.trim()))
      .filter((n) => Number.isInteger(n) && n > 0);
    if (counts.length > 0) accepted = counts[counts.length - 1];
  });
  child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const started = performance.now();
  await Promise.race([new Promise((r) => setTimeout(r, options.seconds * 1000)), exited]);
  const seconds = (performance.now() - started) / 1000;
  const counted = accepted;
  child.kill('SIGTERM');
  await exited;
  if (counted === 0) throw new Error(`smtp-source delivered nothing to ${target.host}:${target.port}: ${errors}`);
  if (errors.trim()) options.log(`smtp-source said: ${errors.trim().split('\n').slice(-3).join(' | ')}`);
  return { accepted: counted, seconds };
}

/** `clients` loops, each sending one message per new connection, for `seconds`; latency = connect to the `250` after DATA. */
async function nodemailerLoad(
  host: string,
  port: number,
  mail: { from: string; to: string; mime: Buffer; auth?: { user: string; pass: string } },
  options: SmtpBenchOptions,
) {
  const transport = nodemailer.createTransport({
    host,
    port,
    secure: false,
    requireTLS: mail.auth !== undefined,
    ignoreTLS: mail.auth === undefined,
    auth: mail.auth,
    tls: { rejectUnauthorized: false },
  });
  const latencies: number[] = [];
  let failures = 0;
  let lastError = '';
  const deadline = performance.now() + options.seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.sessions }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await transport.sendMail({ envelope: { from: mail.from, to: [mail.to] }, raw: mail.mime });
          latencies.push(performance.now() - t0);
        } catch (error) {
          failures++;
          lastError = String(error);
        }
      }
    }),
  );
  transport.close();
  if (failures > 0) options.log(`nodemailer: ${failures} failed; last: ${lastError}`);
  return { accepted: latencies.length, latencies, failures, seconds: (performance.now() - started) / 1000 };
}

/** Waits until the target holds `expected` messages or its count stops growing (an MTA's queue draining). */
async function settledCount(target: Target, expected: number, log: (line: string) => void): Promise<number | null> {
  let last = await target.stored();
  if (last === null) return null;
  let stableSince = performance.now();
  const started = performance.now();
  while (last < expected && performance.now() - stableSince < 10_000 && performance.now() - started < 180_000) {
    await new Promise((r) => setTimeout(r, 500));
    const now = (await target.stored()) as number;
    if (now !== last) stableSince = performance.now();
    last = now;
  }
  log(`stored after ${((performance.now() - started) / 1000).toFixed(1)} s: ${last}`);
  return last;
}

// ---- the targets ------------------------------------------------------------------------------

async function startTarget(run: SmtpRun, work: string, options: SmtpBenchOptions): Promise<Target> {
  if (run === 'sink') return startSink();
  if (run === 'postfix') return startPostfix(path.join(work, 'postfix'), options.log);
  return startParley(path.join(work, 'parley'), options);
}

async function startSink(): Promise<Target> {
  const port = await freePort();
  // As root smtp-sink must drop privileges (-u); 256 is the listen backlog.
  const sink = startProcess('smtp-sink', ['-u', 'nobody', '-c', `127.0.0.1:${port}`, '256'], {});
  await waitFor(async () => (await portOpen(port)) || sink.child.exitCode !== null, { timeoutMs: 10_000, what: 'smtp-sink to listen' });
  if (sink.child.exitCode !== null) throw new Error(`smtp-sink exited: ${sink.output()}`);
  return { host: '127.0.0.1', port, stored: async () => null, stop: async () => void (await sink.stop(5_000)) };
}

/**
 * A Postfix of its own: `postfix -c <dir>` with main.cf/master.cf written here (virtual mailboxes
 * in Maildirs owned by `nobody`, the smtpd on a loopback port, no chroot), its queue and data
 * directories beside them. The system's /etc/postfix is read for nothing and written never.
 */
async function startPostfix(dir: string, log: (line: string) => void): Promise<Target> {
  const conf = path.join(dir, 'conf');
  const queue = path.join(dir, 'queue');
  const data = path.join(dir, 'data');
  const maildirs = path.join(dir, 'maildirs');
  for (const d of [conf, queue, data, maildirs]) await mkdir(d, { recursive: true });
  const nobody = Number(execFileSync('id', ['-u', 'nobody']).toString().trim());
  const postfixUid = Number(execFileSync('id', ['-u', 'postfix']).toString().trim());
  await chown(maildirs, nobody, nobody);
  await chown(data, postfixUid, 0);
  const port = await freePort();
  await writeFile(path.join(conf, 'main.cf'), '');
  await copyFile('/etc/postfix/master.cf.proto', path.join(conf, 'master.cf'));
  await writeFile(path.join(conf, 'vmailbox'), `${POSTFIX_RECIPIENT} bench.test/rcpt/\n`);
  const settings = {
    compatibility_level: '3.6',
    queue_directory: queue,
    data_directory: data,
    myhostname: 'postfix.bench',
    mydestination: '',
    inet_interfaces: '127.0.0.1',
    inet_protocols: 'ipv4',
    mynetworks: '127.0.0.0/8',
    smtpd_recipient_restrictions: 'permit_mynetworks,reject',
    virtual_mailbox_domains: 'bench.test',
    virtual_mailbox_base: maildirs,
    virtual_mailbox_maps: `texthash:${path.join(conf, 'vmailbox')}`,
    virtual_uid_maps: `static:${nobody}`,
    virtual_gid_maps: `static:${nobody}`,
    virtual_mailbox_limit: '0',
    message_size_limit: '0',
    alias_maps: '',
    local_recipient_maps: '',
    smtpd_client_connection_count_limit: '0',
    smtpd_client_connection_rate_limit: '0',
    maillog_file_prefixes: dir,
    maillog_file: path.join(dir, 'postfix.log'),
  };
  execFileSync('postconf', ['-c', conf, '-e', ...Object.entries(settings).map(([k, v]) => `${k}=${v}`)]);
  // The smtpd moves from port 25 to a free loopback port (a master.cf service's name is its endpoint).
  execFileSync('postconf', ['-c', conf, '-MX', 'smtp/inet']);
  execFileSync('postconf', ['-c', conf, '-M', `127.0.0.1:${port}/inet=127.0.0.1:${port} inet n - n - - smtpd`]);
  execFileSync('postconf', ['-c', conf, '-F', '*/*/chroot=n']);
  run('postfix', ['-c', conf, 'set-permissions'], true);
  run('postfix', ['-c', conf, 'start'], false);
  const stop = () => run('postfix', ['-c', conf, 'stop'], true);
  try {
    await waitFor(() => portOpen(port), { timeoutMs: 20_000, what: 'Postfix to listen' });
  } catch (error) {
    const logFile = path.join(dir, 'postfix.log');
    stop();
    throw new Error(`${String(error)}\n${existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-3000) : '(no postfix.log)'}`, {
      cause: error,
    });
  }
  log(`postfix: listening on 127.0.0.1:${port} (config ${conf})`);
  return {
    host: '127.0.0.1',
    port,
    stored: async () => countFiles(path.join(maildirs, 'bench.test', 'rcpt', 'new')),
    diagnose: () => {
      // What Postfix itself saw: messages it queued (cleanup logs one message-id each), sessions
      // that ended in the middle of DATA (smtp-source stopped), and anything it could not deliver.
      const lines = readFileSync(path.join(dir, 'postfix.log'), 'utf8').split('\n');
      const queued = lines.filter((line) => /postfix\/cleanup\[\d+\]: \w+: message-id=/.test(line)).length;
      const lostInData = lines.filter((line) => /lost connection after (DATA|END-OF-MESSAGE)/.test(line)).length;
      const problems = lines.filter((line) => /status=(deferred|bounced)|warning|error|fatal/.test(line)).slice(-5);
      return [`Postfix's log: ${queued} queued, ${lostInData} sessions lost during DATA`, ...problems].join('\n');
    },
    stop: async () => stop(),
  };
}

async function startParley(dataDir: string, options: SmtpBenchOptions): Promise<Target> {
  await mkdir(dataDir, { recursive: true });
  await chmod(dataDir, 0o755); // as root, PostgreSQL runs as postgres and must enter it
  const reaper = ExitReaper.start({
    processes: [{ pidFile: path.join(dataDir, 'postgres', 'postmaster.pid'), cmdline: dataDir, signal: 'SIGINT' }],
    paths: [],
  });
  const [httpPort, pgPort, relayPort, submissionPort, implicitTlsPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const app = path.join(options.repoRoot, 'dist', 'apps', 'parley', 'main.js');
  if (!existsSync(app)) throw new Error(`${app} is missing: build the apps first (npm run bench:smtp does)`);
  const parley: RunningProcess = startProcess('node', [app], {
    PARLEY_LOG_LEVEL: 'warn',
    PARLEY_METRICS_PORT: '0',
    PARLEY_DATA_DIR: dataDir,
    PARLEY_HTTP_PORT: String(httpPort),
    PARLEY_EMBEDDED_PG_PORT: String(pgPort),
    DATABASE_URL: '',
    PARLEY_DEMO_USERS: 'true',
    PARLEY_SMTP_RELAY_PORT: String(relayPort),
    PARLEY_SMTP_SUBMISSION_PORT: String(submissionPort),
    PARLEY_SMTP_IMPLICIT_TLS_PORT: String(implicitTlsPort),
    // No SIP in this bench: 5060 is not its to take.
    PARLEY_SIP_TCP_PORT: '0',
    // Every message of the run is kept: no quota in the way.
    PARLEY_MAILBOX_QUOTA_BYTES: String(1024 ** 4),
  });
  await waitForHttpOk(`http://127.0.0.1:${httpPort}/readyz`, parley, 240_000);
  await waitFor(() => portOpen(relayPort), { timeoutMs: 30_000, what: "Parley's relay to listen" });
  return {
    host: '127.0.0.1',
    port: relayPort,
    submissionPort,
    stored: () => inboxTotal(httpPort),
    storedAsSent: () => newestIsVoicemailWithAudio(httpPort),
    stop: async () => {
      await parley.stop(30_000);
      await reaper.reapNow();
    },
  };
}

/** The demo user's Inbox TotalCount, through EWS GetFolder (what a client would see). */
async function inboxTotal(httpPort: number): Promise<number> {
  const text = await ews(
    httpPort,
    `<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape>
    <m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>`,
  );
  const total = /<t:TotalCount>(\d+)<\/t:TotalCount>/.exec(text);
  if (!total) throw new Error(`GetFolder gave no TotalCount: ${text.slice(0, 500)}`);
  return Number(total[1]);
}

/** Whether the newest Inbox item is a voicemail with its recording attached (the mail was parsed as sent). */
async function newestIsVoicemailWithAudio(httpPort: number): Promise<boolean> {
  const text = await ews(
    httpPort,
    `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>Default</t:BaseShape>
      <t:AdditionalProperties><t:FieldURI FieldURI="item:ItemClass"/><t:FieldURI FieldURI="item:HasAttachments"/></t:AdditionalProperties></m:ItemShape>
      <m:IndexedPageItemView MaxEntriesReturned="1" Offset="0" BasePoint="Beginning"/>
      <m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindItem>`,
  );
  return (
    /<t:ItemClass>IPM\.Note\.Microsoft\.Voicemail\.UM\.CA<\/t:ItemClass>/.test(text) &&
    /<t:HasAttachments>true<\/t:HasAttachments>/.test(text)
  );
}

async function ews(httpPort: number, operation: string): Promise<string> {
  const body = `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
  <soap:Header><t:RequestServerVersion Version="Exchange2016"/></soap:Header>
  <soap:Body>${operation}</soap:Body>
</soap:Envelope>`;
  const response = await fetch(`http://127.0.0.1:${httpPort}/EWS/Exchange.asmx`, {
    method: 'POST',
    headers: {
      'content-type': 'text/xml; charset=utf-8',
      authorization: `Basic ${Buffer.from(`${PARLEY_RECIPIENT}:${PARLEY_PASSWORD}`).toString('base64')}`,
    },
    body,
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`EWS answered HTTP ${response.status}: ${text.slice(0, 500)}`);
  return text;
}

// ---- helpers ----------------------------------------------------------------------------------

/** smtp-source and smtp-sink come with Debian's postfix, installed without configuring it (nothing binds port 25). */
function ensurePostfixTools(log: (line: string) => void): void {
  const missing = ['smtp-source', 'smtp-sink', 'postfix', 'postconf'].filter((tool) => spawnSync('which', [tool]).status !== 0);
  if (missing.length === 0) return;
  log(`installing Debian's postfix for ${missing.join(', ')} ("No configuration": nothing is started or bound)`);
  execFileSync('sh', ['-c', 'echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections'], {
    stdio: 'inherit',
  });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'postfix'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function run(command: string, args: string[], quiet: boolean): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0 && !quiet)
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}${result.stdout}`);
}

function countFiles(dir: string): number {
  return existsSync(dir) ? readdirSync(dir).length : 0;
}

function portOpen(port: number): Promise<boolean> {
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
