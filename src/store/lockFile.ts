/**
 * A lock file beside a store, so that the CLI and several API processes change it one at a
 * time (the same scheme as the access store): created exclusively, holding the owner's pid; a
 * lock whose owner is gone is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Take the lock, or undefined when another live process holds it. */
function tryLock(lockFile: string): boolean {
  try {
    const fd = openSync(lockFile, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    let holder = 0;
    try { holder = Number(readFileSync(lockFile, 'utf8') || 0); } catch { /* released meanwhile */ }
    if (holder > 0 && !pidAlive(holder)) rmSync(lockFile, { force: true });
    return false;
  }
}

export async function withLock<T>(lockFile: string, work: () => T | Promise<T>): Promise<T> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    if (!tryLock(lockFile)) {
      await sleep(10);
      continue;
    }
    try {
      return await work();
    } finally {
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`${lockFile} stays locked; is another process stuck?`);
}
