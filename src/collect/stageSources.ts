/**
 * The Node side of reading a batch: every file hashed, and text files decoded and line-numbered
 * into staged copies. Kept apart from the DuckDB side so that the next batch can be staged
 * while DuckDB loads the current one.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Connector } from '../connectors/manifest.js';
import { traced } from '../trace.js';
import { SourceFileError, stageTextFile, type StagedTextFile } from './stageTextFile.js';

export interface StagedSource {
  /** Relative to the drop folder. */
  file: string;
  path: string;
  /** csv and jsonl: the staged copy. */
  text?: StagedTextFile;
  /** parquet: read in place. */
  parquet?: { sha256: string; bytes: number };
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function stagedPathFor(tempDir: string, file: string): string {
  return join(tempDir, `staged-${process.pid}-${createHash('sha1').update(file).digest('hex').slice(0, 12)}.csv`);
}

async function stageOne(tempDir: string, connector: Connector, dropDir: string, file: string): Promise<StagedSource> {
  const path = join(dropDir, file);
  const { format, encoding, delimiter, quote } = connector.source;
  if (format === 'parquet') {
    const info = await stat(path);
    if (info.size === 0) throw new SourceFileError(file, 'the file is empty (0 bytes)');
    return { file, path, parquet: { sha256: await sha256File(path), bytes: info.size } };
  }
  const stagedPath = stagedPathFor(tempDir, file);
  try {
    const text = await traced(`${file} stage`, () => stageTextFile({ path, displayName: file, stagedPath, format, encoding, delimiter, quote, maxLineBytes: connector.source.maxLineBytes }));
    return { file, path, text };
  } catch (error) {
    await rm(stagedPath, { force: true });
    throw error;
  }
}

/** Stage every file of a batch; on failure, nothing staged is left behind. */
export async function stageSources(tempDir: string, connector: Connector, dropDir: string, files: string[]): Promise<StagedSource[]> {
  const staged: StagedSource[] = [];
  try {
    for (const file of files) staged.push(await stageOne(tempDir, connector, dropDir, file));
    return staged;
  } catch (error) {
    await removeStaged(staged);
    throw error;
  }
}

export async function removeStaged(sources: StagedSource[]): Promise<void> {
  for (const source of sources) if (source.text) await rm(source.text.stagedPath, { force: true });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Staged copies left by a process that died mid-batch (killed, out of memory): a staged copy is
 * named after its process, so one whose process is gone is nobody's and is removed.
 */
export async function removeStaleStaged(tempDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(tempDir);
  } catch {
    return [];
  }
  const stale = names.filter((name) => {
    const m = /^staged-(\d+)-[0-9a-f]+\.csv$/.exec(name);
    return m !== null && Number(m[1]) !== process.pid && !processAlive(Number(m[1]));
  });
  for (const name of stale) await rm(join(tempDir, name), { force: true });
  return stale;
}
