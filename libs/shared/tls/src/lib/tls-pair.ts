import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generate } from 'selfsigned';

/** A certificate (chain) and its private key, PEM. */
export interface TlsPair {
  readonly cert: string;
  readonly key: string;
}

/** Operator-supplied PEM files (`PARLEY_<FRONT>_TLS_CERT` / `_KEY`). */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** A self-signed pair a front makes on its first start and keeps: `<name>-cert.pem` and `<name>-key.pem` in `dir`. */
export interface SelfSignedTls {
  readonly dir: string;
  /** The name the certificate is made for (besides localhost and the loopback addresses). */
  readonly hostname: string;
  /** The files' prefix, one per front (`smtp`), so two fronts sharing a directory keep their own pair. */
  readonly name: string;
}

const SELF_SIGNED_DAYS = 3650;

/**
 * Reads a front's certificate and key from the operator's files (again on every call, which is what a `SIGHUP` reload
 * does). Throws when a file is unreadable or the key does not belong to the certificate.
 */
export async function readTlsFiles(files: TlsFiles): Promise<TlsPair> {
  const pair = { cert: await readFile(files.certFile, 'utf8'), key: await readFile(files.keyFile, 'utf8') };
  assertMatchingPair(pair, `${files.keyFile} is not the key of the certificate ${files.certFile}`);
  return pair;
}

/**
 * The configured files, or else a self-signed pair made on first start and kept, so clients that pinned it keep
 * trusting it across restarts (what the SMTP front does; docs/smtp.md).
 */
export async function loadTlsPair(source: { readonly files: TlsFiles | undefined; readonly selfSigned: SelfSignedTls }): Promise<TlsPair> {
  if (source.files) return readTlsFiles(source.files);
  const pair = await selfSignedPair(source.selfSigned);
  assertMatchingPair(pair, `the self-signed key in ${source.selfSigned.dir} is not the key of its certificate`);
  return pair;
}

/** Calls `reload` on every `SIGHUP` (the operator replaced the files); returns what stops it. */
export function onHangup(reload: () => void): () => void {
  process.on('SIGHUP', reload);
  return () => process.off('SIGHUP', reload);
}

async function selfSignedPair({ dir, hostname, name }: SelfSignedTls): Promise<TlsPair> {
  const certFile = path.join(dir, `${name}-cert.pem`);
  const keyFile = path.join(dir, `${name}-key.pem`);
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
      throw new Error(`${dir}: a self-signed ${name} certificate is being written by another process; start again`, { cause: error });
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

function assertMatchingPair(pair: TlsPair, message: string): void {
  const certificate = new X509Certificate(pair.cert);
  if (!certificate.checkPrivateKey(createPrivateKey(pair.key))) throw new Error(message);
}
