/**
 * `dx backup` and `dx restore`: a consistent copy of a data folder while the API serves.
 *
 * - The warehouse is held for the whole copy (no cycle or publish runs meanwhile) and checkpointed
 *   first, so its file holds everything and its WAL nothing.
 * - published/ changes only when a publish runs, which needs the warehouse: copied as it stands.
 * - Audit chains (and other append-only logs) are copied up to their last complete line: an API
 *   process may be appending, and a chain cut at a line boundary verifies.
 * - access/ is copied under the access store's lock, which its writers take.
 * Every file copied is listed with its SHA-256 in backup.json; restore checks each before use.
 */
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { DATA_FOLDER, isAppendOnly, type DataFolderEntry } from '../dataFolder.js';
import { withLock, writeJsonAtomic } from './fileLock.js';
import type { Warehouse } from './warehouse.js';

export interface BackupManifest {
  createdAt: string;
  files: Array<{ path: string; bytes: number; sha256: string }>;
}

export class BackupError extends Error {}

const MANIFEST = 'backup.json';
/** What is not copied: scratch, locks, temporary and partial files. */
const skipped = (path: string) => /\.lock$|\.tmp$|\.partial|\.stale-/.test(path);

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  if (!statSync(dir).isDirectory()) return [dir];
  return readdirSync(dir).sort().flatMap((name) => walk(join(dir, name)));
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Copy an append-only file up to its last newline (the part written whole). */
function copyWholeLines(from: string, to: string): void {
  const size = statSync(from).size;
  const buffer = Buffer.alloc(size);
  const fd = openSync(from, 'r');
  try {
    readSync(fd, buffer, 0, size, 0);
  } finally {
    closeSync(fd);
  }
  const end = buffer.lastIndexOf(0x0a) + 1;
  writeFileSync(to, buffer.subarray(0, end));
}

function assertEmptyTarget(target: string): void {
  if (existsSync(target) && readdirSync(target).length > 0) throw new BackupError(`${target} is not empty; give a new folder`);
  mkdirSync(target, { recursive: true });
}

function copyEntry(dataDir: string, target: string, entry: DataFolderEntry, manifest: BackupManifest): void {
  for (const file of walk(join(dataDir, DATA_FOLDER[entry]))) {
    const path = relative(dataDir, file);
    if (skipped(path)) continue;
    const to = join(target, path);
    mkdirSync(dirname(to), { recursive: true });
    if (isAppendOnly(path)) copyWholeLines(file, to);
    else copyFileSync(file, to);
    manifest.files.push({ path, bytes: statSync(to).size, sha256: sha256(to) });
  }
}

/** Back the data folder up into `target` (new or empty); the caller holds the warehouse. */
export async function backupDataFolder(warehouse: Warehouse, target: string): Promise<BackupManifest> {
  assertEmptyTarget(target);
  const dataDir = warehouse.dataDir;
  await warehouse.run('CHECKPOINT');
  const manifest: BackupManifest = { createdAt: new Date().toISOString(), files: [] };
  const entries = (Object.keys(DATA_FOLDER) as DataFolderEntry[]).filter((e) => e !== 'scratch' && e !== 'access');
  for (const entry of entries) copyEntry(dataDir, target, entry, manifest);
  await withLock(join(dataDir, DATA_FOLDER.access, 'access.lock'), () => copyEntry(dataDir, target, 'access', manifest));
  writeJsonAtomic(join(target, MANIFEST), manifest);
  return manifest;
}

/** Restore a backup into `dataDir` (new or empty), checking every file against the manifest. */
export function restoreDataFolder(backup: string, dataDir: string): BackupManifest {
  const manifestFile = join(backup, MANIFEST);
  if (!existsSync(manifestFile)) throw new BackupError(`${backup} holds no ${MANIFEST}: not a dx backup`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as BackupManifest;
  for (const f of manifest.files) {
    const file = join(backup, f.path);
    if (!existsSync(file) || sha256(file) !== f.sha256) throw new BackupError(`${f.path} in the backup is missing or damaged (its SHA-256 differs from ${MANIFEST}); nothing was restored`);
  }
  assertEmptyTarget(dataDir);
  for (const f of manifest.files) {
    mkdirSync(dirname(join(dataDir, f.path)), { recursive: true });
    copyFileSync(join(backup, f.path), join(dataDir, f.path));
  }
  return manifest;
}
