/**
 * Cross-process coordination through the file system: a lock file holding the owner's pid
 * (taken over when that process is gone, so a crash never wedges it), and whole-file JSON
 * writes through a temporary file and a rename, so a reader never sees half a file.
 */
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock files this process holds: a lock naming our pid that is not among them is a previous life's. */
const held = new Set<string>();

/**
 * The pid holding a lock file, or undefined when it is free or its holder has died. A lock that
 * names this very process but that it does not hold was left by an earlier process with the same
 * pid: a container restarted runs as pid 1 again, and would otherwise wait on itself for ever.
 */
export function lockHolder(lockFile: string): number | undefined {
  let holder: number;
  try {
    holder = Number(readFileSync(lockFile, 'utf8') || 0);
  } catch {
    return undefined;
  }
  if (holder === process.pid) return held.has(resolve(lockFile)) ? holder : undefined;
  return holder > 0 && pidAlive(holder) ? holder : undefined;
}

/**
 * Move a dead holder's lock aside (rename is atomic) and check that what moved is still a dead
 * holder's: when another process took the lock over in between, its fresh lock is put back.
 */
function moveStaleAside(lockFile: string): void {
  const aside = `${lockFile}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(lockFile, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = lockHolder(aside);
  if (moved !== undefined) {
    try { linkSync(aside, lockFile); } catch { /* a newer lock is there already */ }
  }
  rmSync(aside, { force: true });
}

/** Take the lock now or say who holds it; returns the release function. */
export function tryLock(lockFile: string): (() => void) | { heldBy: number } {
  mkdirSync(dirname(lockFile), { recursive: true });
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const key = resolve(lockFile);
      held.add(key);
      return () => {
        held.delete(key);
        rmSync(lockFile, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = lockHolder(lockFile);
      if (holder !== undefined) return { heldBy: holder };
      moveStaleAside(lockFile); // its holder died: take it over
    }
  }
}

/** Wait for the lock (briefly: these locks guard millisecond-long writes). */
export async function acquireLock(lockFile: string, timeoutMs = 5000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = tryLock(lockFile);
    if (typeof result === 'function') return result;
    if (Date.now() > deadline) throw new Error(`${lockFile} is held by process ${result.heldBy}; is it stuck?`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Run `work` holding the lock: the way a store's writers take turns across processes. */
export async function withLock<T>(lockFile: string, work: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const release = await acquireLock(lockFile, timeoutMs);
  try {
    return await work();
  } finally {
    release();
  }
}

/** Replace `file` whole: written under a temporary name beside it, then renamed over it (atomic), so a reader sees the old or the new. */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** JSON replaced whole; `indent` 0 for large files read by programs only. */
export function writeJsonAtomic(file: string, value: unknown, indent = 2): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, indent)}\n`);
}

/**
 * Create `file` holding `value` unless it exists; false when it did. Written whole under a temporary
 * name and linked into place (a link fails when the name exists), so processes racing to create it
 * agree on one content and none ever reads it half-written.
 */
export function createJsonOnce(file: string, value: unknown): boolean {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value)}\n`);
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
}

export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}
