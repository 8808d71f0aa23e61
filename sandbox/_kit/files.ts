/**
 * File helpers for sandbox state that several processes may create at once
 * (two `npm start` in the same data directory, parallel test workers).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';

/**
 * Writes under a temporary name in the same directory and renames into place,
 * so a reader sees either the old file or the whole new one, never half of it.
 */
export async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data, { mode, flag: 'wx' });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export interface LockOptions {
  /** Give up waiting after this long. */
  timeoutMs?: number;
  /** A lock file older than this is taken to be left by a crashed process. */
  staleMs?: number;
}

/**
 * Runs `fn` while holding an exclusive lock file (created with O_EXCL, which is atomic
 * on local file systems). Waiters poll until the holder removes it.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const staleMs = options.staleMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      break;
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
      // Only a crash leaves a lock behind for long: the work it guards takes well under a second.
      // Two waiters could both judge it stale; with a threshold this far above the work's duration
      // that needs two crashes in a row, which we accept for a sandbox.
      if (await isOlderThan(lockPath, staleMs)) {
        await unlink(lockPath).catch((e: unknown) => { if (!isErrno(e, 'ENOENT')) throw e; });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${lockPath}`);
      await sleep(50 + Math.floor(Math.random() * 50));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function isOlderThan(path: string, ms: number): Promise<boolean> {
  try {
    const info = await stat(path);
    return Date.now() - info.mtimeMs > ms;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

/** Structural, not `instanceof Error`: errors from node built-ins come from another realm under jest. */
export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === code;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
