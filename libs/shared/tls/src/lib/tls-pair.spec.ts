import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadTlsPair, onHangup, readTlsFiles } from './tls-pair';

describe('TLS pairs', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-tls-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a self-signed pair once per name and keeps it', async () => {
    const selfSigned = { dir, hostname: 'mail.parley.test', name: 'smtp' };
    const first = await loadTlsPair({ files: undefined, selfSigned });
    const again = await loadTlsPair({ files: undefined, selfSigned });
    expect(again).toEqual(first);
    const certificate = new X509Certificate(first.cert);
    expect(certificate.subjectAltName).toContain('DNS:mail.parley.test');
    expect(certificate.subjectAltName).toContain('IP Address:127.0.0.1');
    const other = await loadTlsPair({ files: undefined, selfSigned: { ...selfSigned, name: 'other' } });
    expect(other.cert).not.toBe(first.cert);
  }, 30_000);

  it('reads the configured files, and refuses a key that is not the certificate’s', async () => {
    const smtp = await loadTlsPair({ files: undefined, selfSigned: { dir, hostname: 'a.test', name: 'smtp' } });
    const other = await loadTlsPair({ files: undefined, selfSigned: { dir, hostname: 'b.test', name: 'other' } });
    const certFile = path.join(dir, 'smtp-cert.pem');
    expect(await readTlsFiles({ certFile, keyFile: path.join(dir, 'smtp-key.pem') })).toEqual(smtp);
    const wrongKey = path.join(dir, 'wrong-key.pem');
    writeFileSync(wrongKey, other.key);
    await expect(readTlsFiles({ certFile, keyFile: wrongKey })).rejects.toThrow(
      `${wrongKey} is not the key of the certificate ${certFile}`,
    );
    await expect(readTlsFiles({ certFile, keyFile: path.join(dir, 'missing.pem') })).rejects.toThrow(/ENOENT/);
    // Files win over the self-signed pair when both are possible.
    const chosen = await loadTlsPair({
      files: { certFile: path.join(dir, 'other-cert.pem'), keyFile: path.join(dir, 'other-key.pem') },
      selfSigned: { dir, hostname: 'a.test', name: 'smtp' },
    });
    expect(chosen).toEqual(other);
  }, 30_000);

  // The listeners are called as the signal would call them: `process.emit` inside a Jest worker does not always reach
  // the listeners `process.listeners` shows (seen in CI when suites share a worker).
  const hangUp = () => {
    for (const listener of process.listeners('SIGHUP')) listener('SIGHUP');
  };

  it('calls the reload on SIGHUP until stopped', () => {
    const reload = jest.fn();
    const before = process.listenerCount('SIGHUP');
    const stop = onHangup(reload);
    expect(process.listenerCount('SIGHUP')).toBe(before + 1);
    hangUp();
    stop();
    expect(process.listenerCount('SIGHUP')).toBe(before);
    hangUp();
    expect(reload).toHaveBeenCalledTimes(1);
  });
});
