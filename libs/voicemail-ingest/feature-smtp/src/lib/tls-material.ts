import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generate } from 'selfsigned';

/** A certificate (chain) and its private key, PEM. */
export interface TlsPair {
  readonly cert: string;
  readonly key: string;
}

export interface TlsSource {
  /** Operator-supplied files; undefined: a self-signed pair in `selfSignedDir`. */
  readonly files: { readonly certFile: string; readonly keyFile: string } | undefined;
  readonly selfSignedDir: string;
  /** The name the self-signed certificate is made for. */
  readonly hostname: string;
}

const SELF_SIGNED_CERT = 'smtp-cert.pem';
const SELF_SIGNED_KEY = 'smtp-key.pem';
const SELF_SIGNED_DAYS = 3650;

/**
 * Reads the SMTP front's certificate and key: the configured files (again on every call, which is
 * what SIGHUP does), or a self-signed pair made on first start and kept, so clients that pinned it
 * keep trusting it across restarts. Throws when the files are unreadable or do not belong together.
 */
export async function loadTlsPair(source: TlsSource): Promise<TlsPair> {
  const pair = source.files
    ? { cert: await readFile(source.files.certFile, 'utf8'), key: await readFile(source.files.keyFile, 'utf8') }
    : await selfSignedPair(source.selfSignedDir, source.hostname);
  assertMatchingPair(pair);
  return pair;
}

async function selfSignedPair(dir: string, hostname: string): Promise<TlsPair> {
  const certFile = path.join(dir, SELF_SIGNED_CERT);
  const keyFile = path.join(dir, SELF_SIGNED_KEY);
  const stored = await readPair(certFile, keyFile);
  if (stored) return stored;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const made = await generate([{ name: 'commonName', value: hostname }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + SELF_SIGNED_DAYS * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: hostname },
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  try {
    // 'wx': a second process starting at the same moment keeps the pair the first one wrote.
    await writeFile(keyFile, made.private, { mode: 0o600, flag: 'wx' });
    await writeFile(certFile, made.cert, { mode: 0o644, flag: 'wx' });
    return { cert: made.cert, key: made.private };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const raced = await readPair(certFile, keyFile);
    if (!raced)
      throw new Error(`${dir}: a self-signed SMTP certificate is being written by another process; start again`, { cause: error });
    return raced;
  }
}

async function readPair(certFile: string, keyFile: string): Promise<TlsPair | null> {
  try {
    return { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function assertMatchingPair(pair: TlsPair): void {
  const certificate = new X509Certificate(pair.cert);
  if (!certificate.checkPrivateKey(createPrivateKey(pair.key))) {
    throw new Error('the SMTP TLS key does not belong to the certificate');
  }
}
