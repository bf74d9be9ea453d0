import { ensureDebianPackages } from '@parley/testing';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type RunningFront, SmtpTestBed, users } from '../../test/smtp-harness';

interface SwaksRun {
  exitCode: number;
  output: string;
}

/** Runs swaks without blocking the event loop (the server under test lives in this process). */
function swaks(port: number, args: string[]): Promise<SwaksRun> {
  return new Promise((resolve) => {
    execFile(
      'swaks',
      ['--server', '127.0.0.1', '--port', String(port), '--timeout', '15', ...args],
      { timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ exitCode: code, output: `${stdout}${stderr}` });
      },
    );
  });
}

/** The server's replies as swaks prints them (`<-` plain, `<~` under TLS, `<**`/`<~*` for errors), prefixes removed. */
function replies(run: SwaksRun): string[] {
  return run.output
    .split('\n')
    .filter((l) => /^ *<(-|~|\*\*|~\*) /.test(l))
    .map((l) => l.replace(/^ *<(-|~|\*\*|~\*) +/, '').trim());
}

const signIn = (account: { address: string; password: string }) => [
  '--auth',
  'PLAIN',
  '--auth-user',
  account.address,
  '--auth-password',
  account.password,
];

describe('SMTP front with the swaks command-line client', () => {
  const bed = new SmtpTestBed();
  let smtp: RunningFront;

  beforeAll(async () => {
    ensureDebianPackages(['swaks', 'libnet-ssleay-perl']);
    await bed.setUp();
    smtp = await bed.start();
  });
  afterAll(() => bed.tearDown());
  beforeEach(() => {
    smtp.delivery.delivered.length = 0;
  });

  it('submits with STARTTLS and AUTH', async () => {
    const run = await swaks(smtp.submissionPort, [
      '--tls',
      ...signIn(users.alice),
      '--from',
      users.alice.address,
      '--to',
      users.bob.address,
      '--header',
      'Subject: from swaks',
    ]);
    expect(run.exitCode).toBe(0);
    expect(replies(run)).toContainEqual(expect.stringMatching(/^250 2\.6\.0 /));
    expect(smtp.delivery.delivered).toHaveLength(1);
    expect(smtp.delivery.delivered[0].raw.toString()).toContain('Subject: from swaks');
  });

  it('submits over implicit TLS', async () => {
    const run = await swaks(smtp.implicitTlsPort, [
      '--tls-on-connect',
      ...signIn(users.bob),
      '--from',
      users.bob.address,
      '--to',
      users.alice.address,
    ]);
    expect(run.exitCode).toBe(0);
    expect(smtp.delivery.delivered[0]).toMatchObject({ submittedBy: users.bob.address });
  });

  it('is refused AUTH before STARTTLS (530) and a wrong password (535)', async () => {
    const plain = await swaks(smtp.submissionPort, [...signIn(users.alice), '--from', users.alice.address, '--to', users.bob.address]);
    expect(plain.exitCode).not.toBe(0);
    expect(replies(plain)).toContainEqual(expect.stringMatching(/^530 5\.7\.0 /));
    const wrong = await swaks(smtp.submissionPort, [
      '--tls',
      ...signIn({ address: users.bob.address, password: 'wrong-password' }),
      '--from',
      users.bob.address,
      '--to',
      users.alice.address,
    ]);
    expect(wrong.exitCode).not.toBe(0);
    expect(replies(wrong)).toContainEqual(expect.stringMatching(/^535 5\.7\.8 /));
    expect(smtp.delivery.delivered).toHaveLength(0);
  });

  it('is refused an oversized message (552 5.3.4), an unknown recipient (550 5.1.1) and sending as another user (550 5.7.1)', async () => {
    const bodyFile = path.join(bed.tmp, 'big-body.txt');
    writeFileSync(bodyFile, `${'z'.repeat(998)}\r\n`.repeat(100));
    const big = await swaks(smtp.submissionPort, [
      '--tls',
      ...signIn(users.alice),
      '--from',
      users.alice.address,
      '--to',
      users.bob.address,
      '--body',
      bodyFile,
    ]);
    expect(replies(big)).toContainEqual(expect.stringMatching(/^552 5\.3\.4 /));
    const unknown = await swaks(smtp.submissionPort, [
      '--tls',
      ...signIn(users.alice),
      '--from',
      users.alice.address,
      '--to',
      'nobody@parley.test',
    ]);
    expect(replies(unknown)).toContainEqual(expect.stringMatching(/^550 5\.1\.1 /));
    const spoof = await swaks(smtp.submissionPort, [
      '--tls',
      ...signIn(users.alice),
      '--from',
      users.bob.address,
      '--to',
      users.bob.address,
    ]);
    expect(replies(spoof)).toContainEqual(expect.stringMatching(/^550 5\.7\.1 /));
    for (const run of [big, unknown, spoof]) expect(run.exitCode).not.toBe(0);
    expect(smtp.delivery.delivered).toHaveLength(0);
  });

  it('relays from an allowed address, never to a domain Parley does not serve', async () => {
    const ok = await swaks(smtp.relayPort, ['--from', 'vm@pbx.example.net', '--to', users.alice.address]);
    expect(ok.exitCode).toBe(0);
    expect(smtp.delivery.delivered[0]).toMatchObject({ channel: 'relay', recipients: [users.alice.address] });
    const open = await swaks(smtp.relayPort, ['--from', 'vm@pbx.example.net', '--to', 'someone@example.org']);
    expect(open.exitCode).not.toBe(0);
    expect(replies(open)).toContainEqual(expect.stringMatching(/^550 5\.7\.1 /));
  });

  it('refuses the relay to an address outside the allow-list', async () => {
    const strict = await bed.start({ relayAllowList: ['192.0.2.0/24'] });
    const run = await swaks(strict.relayPort, ['--from', 'vm@pbx.example.net', '--to', users.alice.address]);
    expect(run.exitCode).not.toBe(0);
    expect(replies(run)).toContainEqual(expect.stringMatching(/^554 5\.7\.1 /));
    expect(strict.delivery.delivered).toHaveLength(0);
    await bed.stop(strict.front);
  });
});
