import type { Transaction } from '@parley/persistence';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { BlobKey, BlobStore, isBlobKey } from './blob-store';

/** 1 + 256 + 65,536 directories at most; the bound only keeps the set from growing with a changed layout. */
const MADE_DIRS_REMEMBERED = 70_000;

/**
 * Blobs as files under one directory (the embedded mode's `<data dir>/mailbox-blobs`, or a single
 * host's disk): `<dir>/<k0k1>/<k2k3>/<key>`. A blob is written to `<dir>/tmp/` first, fsynced,
 * renamed into place and the directory fsynced, so a crash leaves either the whole blob or a
 * temporary file the sweeper removes later, never a partial blob under its name.
 */
export class FilesystemBlobStore extends BlobStore {
  readonly kind = 'filesystem';
  private readonly tmpDir: string;
  private readonly madeDirs = new Set<string>();

  constructor(private readonly dir: string) {
    super();
    this.tmpDir = path.join(dir, 'tmp');
  }

  async put(key: BlobKey, content: Buffer): Promise<void> {
    if (!(await this.touch(this.pathOf(key)))) await this.write(key, content);
  }

  async confirm(_tx: Transaction, key: BlobKey, content: Buffer): Promise<void> {
    if (!(await this.touch(this.pathOf(key)))) await this.write(key, content);
  }

  private async write(key: BlobKey, content: Buffer): Promise<void> {
    try {
      await this.writeInto(key, content);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || this.madeDirs.size === 0) throw error;
      // A directory made earlier is gone (removed by hand): make them again.
      this.madeDirs.clear();
      await this.writeInto(key, content);
    }
  }

  private async writeInto(key: BlobKey, content: Buffer): Promise<void> {
    const file = this.pathOf(key);
    await this.ensureDir(this.tmpDir);
    await this.ensureDir(path.dirname(file));
    const tmp = path.join(this.tmpDir, `${key}.${randomBytes(6).toString('hex')}`);
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(tmp, file);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    await syncDirectory(path.dirname(file));
  }

  /** mkdir once per directory and process: nothing here removes directories, so one made stays. */
  private async ensureDir(dir: string): Promise<void> {
    if (this.madeDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    if (this.madeDirs.size >= MADE_DIRS_REMEMBERED) this.madeDirs.clear();
    this.madeDirs.add(dir);
  }

  async read(key: BlobKey, offset: number, length: number): Promise<Buffer | null> {
    let handle;
    try {
      handle = await open(this.pathOf(key), constants.O_RDONLY);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      const size = (await handle.stat()).size;
      const take = Math.max(0, Math.min(length, size - offset));
      const buffer = Buffer.alloc(take);
      let filled = 0;
      while (filled < take) {
        const { bytesRead } = await handle.read(buffer, filled, take - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    } finally {
      await handle.close();
    }
  }

  async listWrittenBefore(cutoff: Date, after: BlobKey | null, limit: number): Promise<BlobKey[]> {
    const found: BlobKey[] = [];
    const from = after ?? '';
    for (const first of await entries(this.dir)) {
      if (!/^[0-9a-f]{2}$/.test(first) || first < from.slice(0, 2)) continue;
      for (const second of await entries(path.join(this.dir, first))) {
        if (`${first}${second}` < from.slice(0, 4)) continue;
        for (const name of await entries(path.join(this.dir, first, second))) {
          if (!isBlobKey(name) || name <= from) continue;
          const info = await stat(path.join(this.dir, first, second, name)).catch(() => null);
          if (info && info.mtime < cutoff) found.push(name);
          if (found.length >= limit) return found;
        }
      }
    }
    return found;
  }

  async remove(_tx: Transaction, key: BlobKey): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async removeAbandonedWrites(cutoff: Date): Promise<number> {
    let removed = 0;
    for (const name of await entries(this.tmpDir)) {
      const file = path.join(this.tmpDir, name);
      const info = await stat(file).catch(() => null);
      if (info && info.mtime < cutoff) {
        await rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }

  private pathOf(key: BlobKey): string {
    // The key becomes a path: only ever a hex digest.
    if (!isBlobKey(key)) throw new Error(`not a blob key: ${key}`);
    return path.join(this.dir, key.slice(0, 2), key.slice(2, 4), key);
  }

  /** Refreshes an existing blob's written time; false when there is no such blob. */
  private async touch(file: string): Promise<boolean> {
    const now = new Date();
    try {
      await utimes(file, now, now);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }
}

async function entries(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Makes a rename in `dir` durable (the new directory entry reaches the disk). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
