import { ensureDebianPackages } from '@parley/testing';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** linphonec 5.1 (Debian bookworm's `linphone-cli`): its registration states, as `states proxies` prints them without the prefix. */
export type LinphoneRegistrationState = 'None' | 'Progress' | 'Ok' | 'Cleared' | 'Failed';

/** What linphonec prints for a friend (liblinphone's `linphone_online_status_to_string`). */
export type LinphoneFriendStatus =
  | 'Online'
  | 'Busy'
  | 'Be right back'
  | 'Away'
  | 'On the phone'
  | 'Out to lunch'
  | 'Do not disturb'
  | 'Moved'
  | 'Using another messaging service'
  | 'Offline'
  | 'Pending'
  | 'Vacation';

/** The final states of an outgoing chat message in liblinphone. */
export type LinphoneMessageOutcome = 'Delivered' | 'NotDelivered';

export interface LinphoneReceivedMessage {
  /** The sender's address as linphonec printed it (may carry a display name). */
  readonly from: string;
  readonly text: string;
}

export interface LinphoneClientOptions {
  /** The user's SMTP address: the identity is `sip:<address>`, the digest user name the address itself. */
  readonly address: string;
  readonly password: string;
  /** Where every request goes, over TCP: the front, or a `SipTcpTap` in front of it. */
  readonly port: number;
  readonly host?: string;
  /** Expires asked for in REGISTER (default 600 s). */
  readonly registerExpires?: number;
  /** PUBLISH presence after registering (default false). linphonec can only publish liblinphone's default, `open`. */
  readonly publishPresence?: boolean;
}

const PROMPT = 'linphonec> ';
/** An upper bound on any test's use of one instance: the `timeout` wrapper ends a linphonec its test forgot (or a killed Jest worker left). */
const MAX_LIFETIME_SECONDS = 900;
const DEFAULT_TIMEOUT_MS = 15_000;
const running = new Set<LinphoneClient>();

// A Jest worker that exits with instances still running takes them along (the `timeout` wrapper is the backstop
// when the worker is killed outright).
process.once('exit', () => {
  for (const client of running) client.kill();
});

/**
 * One headless linphonec (Debian's `linphone-cli`, liblinphone/belle-sip 5.1) signed in as one directory user,
 * driven through its command prompt on stdin, for tests of the SIP front with a native client.
 *
 * Each instance gets a temporary HOME holding its own config file (written before start: TCP only, the front as
 * outbound proxy and route, the digest credentials), history, database and liblinphone log (`-d 6 -l`), so
 * instances never share state. No sound card, X display or network besides loopback is needed: liblinphone logs
 * that it finds no sound card and goes on. The process runs under `timeout` in a process group of its own, and
 * `quit()`/`kill()` (or the exit of the test process) always ends it.
 *
 * linphonec commands and the SIP they cause (linphonec 5.1.65):
 * - `register` (no arguments: the configured proxy) → REGISTER; `unregister` → REGISTER with Expires 0;
 *   `quit` → REGISTER with Expires 0 before it exits. The registration state is read from liblinphone's log of its
 *   transitions rather than by polling `states proxies`: after a refusal linphonec may prompt for a password on
 *   stdin, and a polling command would become that password. (`register <identity> <proxy> <password>` is not used:
 *   it takes the identity's user part, `alice`, as the digest user name and a password without spaces.)
 * - `chat <sip-uri> <text>` → MESSAGE `text/plain`; the text is the rest of the line, verbatim (quotes included).
 *   linphonec prints nothing about its fate: the outcome is read from liblinphone's log.
 * - `friend add <name> <sip-uri>` → SUBSCRIBE `Event: presence` (Expires 600); linphonec prints
 *   `Friend <address> is <status>` whenever liblinphone updates the friend's presence (`Offline` when the SUBSCRIBE
 *   is refused). (`friend delete <index>|all` removes friends.)
 * - An incoming MESSAGE prints `Message received from <address>: <text>`.
 * - Own presence: linphonec has no command for it. With `publishPresence` liblinphone PUBLISHes a PIDF with
 *   `basic` open (and its `pidfonline:online` extension) after registering.
 */
export class LinphoneClient {
  private stdout = '';
  private readonly promptEnds: number[] = [];
  private promptScanFrom = 0;
  private log = '';
  private logOffset = 0;
  /** Refused by digest: linphonec may be blocked on its password prompt (see `register`). */
  private refused = false;
  private commands: Promise<unknown> = Promise.resolve();
  private exitCode: number | null | undefined = undefined;
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly options: LinphoneClientOptions,
    private readonly home: string,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => this.onStdout(text));
    child.stderr.resume();
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        // null when a signal ended it.
        this.exitCode = code;
        running.delete(this);
        resolve(this.exitCode);
      });
    });
    running.add(this);
  }

  /** Installs `linphone-cli` when it is missing (a test that needs it fails with the reason when that is impossible). */
  static ensureInstalled(): void {
    ensureDebianPackages(['linphone-cli']);
  }

  /** Starts linphonec for `options.address`, not yet registered, and waits for its first prompt. */
  static async start(options: LinphoneClientOptions): Promise<LinphoneClient> {
    LinphoneClient.ensureInstalled();
    const home = mkdtempSync(join(tmpdir(), 'parley-linphonec-'));
    // liblinphone opens its database under $HOME/.local/share/linphone and logs an error when the folder is missing.
    mkdirSync(join(home, '.local', 'share', 'linphone'), { recursive: true });
    writeFileSync(join(home, 'linphonerc'), configFile(options), { mode: 0o600 });
    const child = spawn(
      'timeout',
      [
        '--kill-after=5',
        String(MAX_LIFETIME_SECONDS),
        'linphonec',
        '-c',
        join(home, 'linphonerc'),
        '-d',
        '6',
        '-l',
        join(home, 'linphonec.log'),
      ],
      {
        cwd: home,
        // A process group of its own, so kill() reaches linphonec behind `timeout`.
        detached: true,
        env: {
          PATH: process.env['PATH'] ?? '/usr/bin:/bin',
          HOME: home,
          XDG_CONFIG_HOME: join(home, '.config'),
          XDG_DATA_HOME: join(home, '.local', 'share'),
          XDG_CACHE_HOME: join(home, '.cache'),
          LANG: 'C.UTF-8',
          // readline: no terminal escapes, no horizontal scrolling of long command lines.
          TERM: 'dumb',
          COLUMNS: '4000',
        },
        stdio: 'pipe',
      },
    );
    const client = new LinphoneClient(options, home, child);
    try {
      await client.until(() => client.promptEnds.length > 0, 'its first prompt');
    } catch (error) {
      await client.stop();
      throw error;
    }
    return client;
  }

  /** The identity it registers: `sip:<address>`. */
  get uri(): string {
    return `sip:${this.options.address}`;
  }

  /**
   * Sends REGISTER for the configured account and resolves with the state it settles in: `Ok`, or `Failed` (refused).
   * After a refusal by digest, linphonec may block on a `Password for …` prompt that would take the next command line
   * as the password, so a refused instance accepts no more commands; `stop()` ends it with SIGTERM.
   */
  async register(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<'Ok' | 'Failed'> {
    if (this.registrationState() === 'Ok') return 'Ok';
    const mark = this.registrationTransitions().length;
    await this.command('register');
    const settled = await this.until(
      () =>
        this.registrationTransitions()
          .slice(mark)
          .find((state) => state === 'Ok' || state === 'Failed'),
      'the outcome of REGISTER',
      timeoutMs,
      { passwordPromptIsFailure: false },
    );
    if (settled === 'Failed') this.refused = true;
    return settled;
  }

  /** Sends REGISTER with Expires 0 when registered and resolves with the state it settles in (`Cleared`). */
  async unregister(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<LinphoneRegistrationState> {
    if (this.registrationState() !== 'Ok') return this.registrationState();
    const mark = this.registrationTransitions().length;
    await this.command('unregister');
    return this.until(
      () =>
        this.registrationTransitions()
          .slice(mark)
          .find((state) => state === 'Cleared' || state === 'Failed'),
      'the outcome of the un-REGISTER',
      timeoutMs,
    );
  }

  /** The registration's current state, as liblinphone last logged it (`None` before the first attempt). */
  registrationState(): LinphoneRegistrationState {
    return this.registrationTransitions().at(-1) ?? 'None';
  }

  /** Waits until the registration is in `expected` (for instance `Ok` again after a refresh, or `Cleared`). */
  async waitForRegistration(expected: LinphoneRegistrationState, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    await this.until(() => this.registrationState() === expected, `the registration in state ${expected}`, timeoutMs);
  }

  /** Sends `text` by MESSAGE to `to` (`bob@parley.test` or a SIP URI) and resolves with liblinphone's final state for it. */
  async sendMessage(to: string, text: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<LinphoneMessageOutcome> {
    if (/[\r\n]/.test(text)) throw new Error('linphonec reads one line per command: the text cannot hold a line break');
    const peer = toSipUri(to);
    const logStart = this.readLog().length;
    await this.command(`chat ${peer} ${text}`);
    // liblinphone logs each message's state changes under the message's pointer and the chat room's peer.
    const started = new RegExp(
      `Chat message (0x[0-9a-f]+) of chat room ConferenceId\\(peer=IdentityAddress\\(${escape(peer)}\\).*moving from Idle to InProgress`,
    );
    const pointer = await this.until(() => started.exec(this.readLog().slice(logStart))?.[1], `MESSAGE to ${peer} in its log`, timeoutMs);
    const finished = new RegExp(`Chat message ${pointer} .*moving from InProgress to (Delivered|NotDelivered)\\b`);
    const outcome = await this.until(
      () => finished.exec(this.readLog().slice(logStart))?.[1],
      `the outcome of the MESSAGE to ${peer}`,
      timeoutMs,
    );
    return outcome as LinphoneMessageOutcome;
  }

  /** Messages linphonec printed as received, oldest first. */
  receivedMessages(): LinphoneReceivedMessage[] {
    return this.eventLines()
      .map((line) => /^Message received from (.+?): (.*)$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => ({ from: match[1], text: match[2] }));
  }

  /** Waits for a received message whose sender's address is `from` and returns it. */
  async waitForMessage(from: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<LinphoneReceivedMessage> {
    const uri = toSipUri(from);
    return this.until(() => this.receivedMessages().find((m) => addressOf(m.from) === uri), `a message from ${uri}`, timeoutMs);
  }

  /** Adds `address` to the friend list, which SUBSCRIBEs to its presence. */
  async addFriend(address: string, name = address.split('@')[0]): Promise<void> {
    if (/\s/.test(name)) throw new Error('the friend name is one word for linphonec');
    await this.command(`friend add ${name} ${toSipUri(address)}`);
  }

  /** Every status linphonec printed for the friend at `address`, oldest first. */
  friendStatuses(address: string): LinphoneFriendStatus[] {
    const uri = toSipUri(address);
    return this.eventLines()
      .map((line) => /^Friend (.+) is (.+)$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null && addressOf(match[1]) === uri)
      .map((match) => match[2] as LinphoneFriendStatus);
  }

  /** Waits until the last status printed for the friend at `address` is `status`. */
  async waitForFriendStatus(address: string, status: LinphoneFriendStatus, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    await this.until(() => this.friendStatuses(address).at(-1) === status, `friend ${address} shown as ${status}`, timeoutMs);
  }

  /**
   * Ends linphonec with `quit` (it un-REGISTERs first) and resolves with its exit code (0); a refused instance gets
   * SIGTERM instead (null: ended by the signal), since its prompt may be waiting for a password. Kills it if it does not
   * exit in time.
   */
  async quit(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<number | null> {
    if (this.exitCode === undefined) {
      // SIGTERM goes to `timeout`, which passes it on to linphonec.
      if (this.refused) this.child.kill('SIGTERM');
      else this.child.stdin.write('quit\n');
      let timer: NodeJS.Timeout | undefined;
      const exitedInTime = await Promise.race([
        this.exited.then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
      ]);
      clearTimeout(timer);
      if (!exitedInTime) {
        this.kill();
        await this.exited;
        throw this.failure(`linphonec did not exit within ${timeoutMs} ms of "quit"; it was killed`);
      }
    }
    return this.exitCode ?? null;
  }

  /** SIGKILLs linphonec and its `timeout` wrapper (their process group). Safe to call at any time. */
  kill(): void {
    if (this.exitCode !== undefined || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  /** Quits (or kills) linphonec if it still runs and removes its folder. For `afterEach`/`afterAll`. */
  async stop(): Promise<void> {
    if (this.exitCode === undefined) {
      try {
        await this.quit(5_000);
      } catch {
        // quit() killed it.
      }
    }
    rmSync(this.home, { recursive: true, force: true });
  }

  /** What linphonec printed so far (for failure messages). */
  get output(): string {
    return this.stdout;
  }

  /** Runs one command line and returns what linphonec printed before its next prompt (the echoed line included). */
  private command(line: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    const run = async () => {
      if (this.exitCode !== undefined) throw this.failure(`linphonec has exited (${this.exitCode}); cannot run "${line}"`);
      if (this.refused) throw this.failure(`linphonec was refused and may be waiting for a password; "${line}" would be taken as one`);
      const prompts = this.promptEnds.length;
      const from = this.promptEnds[prompts - 1] ?? 0;
      this.child.stdin.write(`${line}\n`);
      await this.until(() => this.promptEnds.length > prompts, `the prompt after "${line}"`, timeoutMs);
      return this.stdout.slice(from, this.promptEnds[prompts] - PROMPT.length);
    };
    const result = this.commands.then(run, run);
    this.commands = result.catch(() => undefined);
    return result;
  }

  private onStdout(text: string): void {
    this.stdout += text;
    for (;;) {
      const at = this.stdout.indexOf(PROMPT, this.promptScanFrom);
      if (at === -1) break;
      this.promptEnds.push(at + PROMPT.length);
      this.promptScanFrom = at + PROMPT.length;
    }
    this.promptScanFrom = Math.max(this.promptScanFrom, this.stdout.length - PROMPT.length + 1);
  }

  /** Whole stdout lines without the prompts that precede the asynchronous ones. */
  private eventLines(): string[] {
    const complete = this.stdout.slice(0, this.stdout.lastIndexOf('\n') + 1);
    return complete.split('\n').map((line) => line.split(PROMPT).join('').trimEnd());
  }

  /** The liblinphone log so far, read on from where the last read stopped. */
  private readLog(): string {
    const path = join(this.home, 'linphonec.log');
    if (!existsSync(path)) return this.log;
    const fd = openSync(path, 'r');
    try {
      const chunk = Buffer.alloc(1 << 16);
      for (;;) {
        const read = readSync(fd, chunk, 0, chunk.length, this.logOffset);
        if (read === 0) break;
        this.log += chunk.subarray(0, read).toString('latin1');
        this.logOffset += read;
      }
    } finally {
      closeSync(fd);
    }
    return this.log;
  }

  /** The registration states liblinphone logged for this identity, oldest first. */
  private registrationTransitions(): LinphoneRegistrationState[] {
    const transition = new RegExp(
      `for identity \\[${escape(this.uri)}\\] moving from state \\[\\w+\\] to \\[LinphoneRegistration(\\w+)\\]`,
      'g',
    );
    return [...this.readLog().matchAll(transition)].map((match) => match[1] as LinphoneRegistrationState);
  }

  /** Polls `probe` until it returns a value; fails early when linphonec exits or (unless told otherwise) asks for a password. */
  private async until<T>(
    probe: () => T | undefined | false,
    what: string,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    { passwordPromptIsFailure = true } = {},
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined && value !== false) return value;
      // linphonec asks on its prompt after liblinphone saw its credentials refused, and blocks until a line comes.
      if (passwordPromptIsFailure && this.stdout.includes('Password for ')) {
        throw this.failure(`linphonec asks for a password while waiting for ${what}`);
      }
      if (this.exitCode !== undefined) throw this.failure(`linphonec exited (${this.exitCode}) while waiting for ${what}`);
      if (Date.now() > deadline) throw this.failure(`no ${what} within ${timeoutMs} ms`);
      await delay(25);
    }
  }

  private failure(message: string): Error {
    const logTail = this.readLog().split('\n').slice(-40).join('\n');
    return new Error(`${message}\n--- linphonec output ---\n${this.stdout.slice(-4000)}\n--- liblinphone log (end) ---\n${logTail}`);
  }
}

/** The config file of one instance (liblinphone's linphonerc format). */
function configFile(options: LinphoneClientOptions): string {
  const proxy = `sip:${options.host ?? '127.0.0.1'}:${options.port};transport=tcp`;
  const [user, domain] = options.address.split('@');
  return [
    '[sip]',
    // TCP only, on a port of the system's choosing; no UDP or TLS listener.
    'sip_port=0',
    'sip_tcp_port=-1',
    'sip_tls_port=0',
    'use_ipv6=0',
    'default_proxy=0',
    // A CI machine may have nothing but loopback: register anyway.
    'register_only_when_network_is_up=0',
    'register_only_when_upnp_is_ok=0',
    '',
    '[proxy_0]',
    `reg_proxy=<${proxy}>`,
    // Without a route, MESSAGE and SUBSCRIBE would go to the domain by DNS instead of through the front.
    `reg_route=<${proxy};lr>`,
    `reg_identity=<sip:${options.address}>`,
    `reg_expires=${options.registerExpires ?? 600}`,
    'reg_sendregister=0',
    `publish=${options.publishPresence === true ? 1 : 0}`,
    '',
    '[auth_info_0]',
    // The user part matches the identity's From; userid is the digest user name the front expects (the whole address).
    `username=${user}`,
    `userid=${options.address}`,
    `passwd=${options.password}`,
    // No realm: liblinphone takes the challenge's (it matches the auth info by user name and domain).
    `domain=${domain}`,
    '',
  ].join('\n');
}

function toSipUri(address: string): string {
  return /^sips?:/.test(address) ? address : `sip:${address}`;
}

/** The bare URI of `"Name" <sip:x@y>` or `sip:x@y`. */
function addressOf(printed: string): string {
  return /<([^>]+)>/.exec(printed)?.[1] ?? printed.trim();
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
