/**
 * One writer per chain. A chain is a strict sequence, so two processes appending to one file would
 * interleave lines and fork the hash chain. The lock is a file created exclusively (`wx`) holding the
 * writer's pid; a lock left by a process that has died may be taken over.
 */
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { noteLockHeld, pidAlive } from '../store/fileLock.js';

/** Locks this process holds, so a second open in the same process is refused even though the pid is alive. */
const heldHere = new Set<string>();

export class AuditLockedError extends Error {
  override name = 'AuditLockedError';
}

async function createLock(path: string): Promise<boolean> {
  try {
    await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The pid in a lock file; null when it holds none, undefined when the file is gone. */
async function readPid(path: string): Promise<number | null | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Move a stale lock aside under a unique name (rename is atomic), then check that what was moved is
 * the stale lock we judged: if another process took over first and made a fresh lock, we moved that
 * one, so put it back and report it held.
 */
async function moveStaleAside(path: string, stalePid: number): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readPid(aside);
  if (typeof moved === 'number' && moved !== stalePid && moved !== process.pid && pidAlive(moved)) {
    await link(aside, path).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
    throw new AuditLockedError(`audit lock ${path} was just taken by running process ${moved}`);
  }
  await unlink(aside).catch(() => undefined);
}

/**
 * Take the lock at `path` or throw AuditLockedError naming the holder. A lock holding our own pid
 * that this process does not hold was left by an earlier process that had the same pid (common in
 * containers, where the server is often pid 1), so it is stale too.
 */
export async function acquireLock(path: string): Promise<void> {
  if (heldHere.has(path)) throw new AuditLockedError(`audit lock ${path} is already held by this process`);
  // Reserved before the first await, so two opens in this process cannot both get past here.
  heldHere.add(path);
  try {
    await takeLock(path);
    noteLockHeld(path, true);
  } catch (error) {
    heldHere.delete(path);
    throw error;
  }
}

async function takeLock(path: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createLock(path)) return;
    const pid = await readPid(path);
    if (pid === undefined) continue; // released meanwhile: try again
    if (pid === null) {
      // Empty or unreadable: possibly a writer between creating the file and writing its pid. Fail closed.
      throw new AuditLockedError(`audit lock ${path} exists but holds no pid; remove it if no process is writing this chain`);
    }
    if (pid !== process.pid && pidAlive(pid)) throw new AuditLockedError(`audit lock ${path} is held by running process ${pid}`);
    await moveStaleAside(path, pid);
  }
  throw new AuditLockedError(`could not take audit lock ${path}: other processes keep taking it`);
}

/** Release a lock this process holds; the file is removed only if it still holds our pid. */
export async function releaseLock(path: string): Promise<void> {
  if (!heldHere.delete(path)) return;
  noteLockHeld(path, false);
  if ((await readPid(path)) === process.pid) await unlink(path).catch(() => undefined);
}
