import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Transaction } from '@parley/persistence';
import { FilesystemBlobStore } from './filesystem-blob-store';

const keyOf = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const noTx = {} as Transaction;

describe('FilesystemBlobStore', () => {
  let dir: string;
  let store: FilesystemBlobStore;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-fs-blobs-'));
    store = new FilesystemBlobStore(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores a blob under its key, leaves no temporary file, and reads any range of it', async () => {
    const content = Buffer.from('0123456789abcdef');
    const key = keyOf(content);
    await store.put(key, content);
    expect(statSync(path.join(dir, key.slice(0, 2), key.slice(2, 4), key)).size).toBe(16);
    expect(readdirSync(path.join(dir, 'tmp'))).toEqual([]);
    expect((await store.read(key, 0, 100))?.toString()).toBe('0123456789abcdef');
    expect((await store.read(key, 10, 3))?.toString()).toBe('abc');
    expect((await store.read(key, 14, 10))?.toString()).toBe('ef');
    expect(await store.read(key, 16, 10)).toEqual(Buffer.alloc(0));
    expect(await store.read('0'.repeat(64), 0, 10)).toBeNull();
  });

  it('refreshes the written time of a blob put again, and writes it again in confirm when it is gone', async () => {
    const content = Buffer.from('greeting');
    const key = keyOf(content);
    await store.put(key, content);
    const file = path.join(dir, key.slice(0, 2), key.slice(2, 4), key);
    utimesSync(file, new Date('2020-01-01'), new Date('2020-01-01'));
    expect(await store.listWrittenBefore(new Date('2021-01-01'), null, 10)).toEqual([key]);
    await store.put(key, content);
    expect(await store.listWrittenBefore(new Date('2021-01-01'), null, 10)).toEqual([]);
    await store.remove(noTx, key);
    expect(await store.read(key, 0, 10)).toBeNull();
    await store.confirm(noTx, key, content);
    expect((await store.read(key, 0, 10))?.toString()).toBe('greeting');
  });

  it('lists old blobs page by page in key order', async () => {
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) {
      const content = Buffer.from(`blob ${i}`);
      keys.push(keyOf(content));
      await store.put(keyOf(content), content);
    }
    keys.sort();
    const later = new Date(Date.now() + 60_000);
    const first = await store.listWrittenBefore(later, null, 2);
    const second = await store.listWrittenBefore(later, first[1], 2);
    const third = await store.listWrittenBefore(later, second[1], 2);
    expect([...first, ...second, ...third]).toEqual(keys);
  });

  it('refuses a key that is not a SHA-256 digest (it becomes a path)', async () => {
    await expect(store.put('../../etc/passwd', Buffer.from('x'))).rejects.toThrow(/not a blob key/);
  });

  it('makes its directories again when they were removed after it made them', async () => {
    const first = Buffer.from('first');
    await store.put(keyOf(first), first);
    rmSync(path.join(dir, 'tmp'), { recursive: true });
    for (const name of readdirSync(dir)) rmSync(path.join(dir, name), { recursive: true });
    const second = Buffer.from('second');
    await store.put(keyOf(second), second);
    await store.put(keyOf(first), first);
    expect((await store.read(keyOf(second), 0, 100))?.toString()).toBe('second');
    expect((await store.read(keyOf(first), 0, 100))?.toString()).toBe('first');
  });
});
