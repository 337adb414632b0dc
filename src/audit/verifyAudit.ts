/**
 * Verify audit chains: every record well formed, unchanged (its hash), in place (seq 1, 2, 3, ...)
 * and linked to the record before it (prevHash); and every chain against its signed checkpoints,
 * here and at the witnesses (verifyCheckpoints.ts), including chains that checkpoints name but
 * that are gone. Files are streamed line by line. The first bad record of each chain is named; a
 * chain is only as trustworthy as its first break.
 */
import { config } from '../config.js';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, delimiter, join } from 'node:path';
import { lockHolder } from '../store/fileLock.js';
import { GENESIS_HASH, parseRecordLine, type AuditRecord } from './auditRecord.js';
import { keyDirOf, readPublicKeys } from './checkpointKey.js';
import { readLines, type Line } from './lines.js';
import { CheckpointCheck, checkpointedChains } from './verifyCheckpoints.js';
import { rebuildIndex, verifyIndex } from './verifyIndex.js';

export interface BadRecord {
  line: number;
  seq: number | null;
  problem: string;
}

export interface ChainVerification {
  chain: string;
  file: string;
  records: number;
  ok: boolean;
  /** seq and hash of the last record, when the chain verified; worth keeping elsewhere (see docs/audit.md). */
  head?: { seq: number; hash: string };
  firstBad?: BadRecord;
  /** What the checkpoints (and later checks) found, in plain words; empty when all is well. */
  problems: string[];
  /** Distinct signed checkpoints of the chain, and records after the last of them. */
  checkpoints?: number;
  unsigned?: number;
  /** The subject index did not match and was built again. */
  indexRebuilt?: boolean;
}

export interface VerifyOptions {
  /** Witness folders; default DX_AUDIT_WITNESS. */
  witnesses?: readonly string[];
  /** Public key files or folders; default the key folder's listed public keys. */
  publicKeys?: readonly string[];
  /** false: check the hash chains alone, as before signing existed. */
  checkpoints?: boolean;
  /** false: leave the subject indexes unchecked (with `checkpoints: false`, only true checks them). */
  index?: boolean;
  /** Build a chain's subject index again when it does not match its chain (and no writer runs the chain). */
  rebuildIndex?: boolean;
}

export interface AuditVerification {
  ok: boolean;
  chains: ChainVerification[];
}

/** The chain log files in a directory, sorted by name. A missing directory holds none. */
export async function chainFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => name.endsWith('.log')).sort().map((name) => join(dir, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

interface Expected {
  chain: string;
  seq: number;
  prevHash: string;
}

/** What is wrong with one record where `expected` was due, in plain words, or null. */
export function linkProblem(record: AuditRecord, expected: Expected): string | null {
  if (record.chain !== expected.chain) return `the record belongs to chain "${record.chain}", not "${expected.chain}"`;
  if (record.seq > expected.seq) {
    // From here alone a deletion and a record moved later look the same, so both are said.
    const missing = record.seq - expected.seq === 1 ? `record ${expected.seq} is` : `records ${expected.seq} to ${record.seq - 1} are`;
    return `seq ${record.seq} where ${expected.seq} was due: ${missing} missing here (deleted or moved)`;
  }
  if (record.seq < expected.seq) return `seq ${record.seq} where ${expected.seq} was due: records out of order (swapped, moved or duplicated)`;
  if (record.prevHash !== expected.prevHash) return 'prevHash is not the previous record\'s hash: a record before it was changed, removed or reordered';
  return null;
}

/** The seq a damaged line claims, if it can be read at all, to help find it. */
function claimedSeq(text: string): number | null {
  const match = /"seq":(\d+)/.exec(text);
  return match ? Number(match[1]) : null;
}

/** Check one line where `expected` is due: the record it holds, or what is wrong with it. */
function checkLine(line: Line, expected: Expected): { record: AuditRecord } | { bad: BadRecord } {
  if (!line.terminated) return { bad: { line: line.number, seq: claimedSeq(line.text), problem: 'truncated: the last line has no newline (an unfinished or cut-off write)' } };
  const parsed = parseRecordLine(line.text);
  if ('problem' in parsed) return { bad: { line: line.number, seq: claimedSeq(line.text), problem: parsed.problem } };
  const problem = linkProblem(parsed.record, expected);
  return problem ? { bad: { line: line.number, seq: parsed.record.seq, problem } } : parsed;
}

/** Verify one chain file; the chain's name is the file's name without `.log`. Each sound record is shown to `visit`. */
export async function verifyChainFile(file: string, visit?: (record: AuditRecord) => void): Promise<ChainVerification> {
  const chain = basename(file, '.log');
  const expected: Expected = { chain, seq: 1, prevHash: GENESIS_HASH };
  let records = 0;
  let firstBad: BadRecord | undefined;
  for await (const line of readLines(file)) {
    records++;
    if (firstBad) continue; // past the first break only lines are counted
    const checked = checkLine(line, expected);
    if ('bad' in checked) {
      firstBad = checked.bad;
      continue;
    }
    expected.seq = checked.record.seq + 1;
    expected.prevHash = checked.record.hash;
    visit?.(checked.record);
  }
  const head = { seq: expected.seq - 1, hash: expected.prevHash };
  if (firstBad) return { chain, file, records, ok: false, firstBad, head, problems: [] };
  return { chain, file, records, ok: true, ...(records > 0 ? { head } : {}), problems: [] };
}

/** A sound chain's subject index checked (and rebuilt when asked), its problems added to `problems`. */
async function checkIndex(dir: string, chain: ChainVerification, writerRunning: boolean, options: VerifyOptions, problems: string[]): Promise<{ indexRebuilt: boolean }> {
  if (!chain.ok) return { indexRebuilt: false };
  let found = await verifyIndex(dir, chain.chain, chain.file, writerRunning);
  let indexRebuilt = false;
  if (found.length > 0 && options.rebuildIndex && !writerRunning) {
    await rebuildIndex(dir, chain.chain, chain.file, chain.head?.seq ?? 0);
    indexRebuilt = true;
    found = await verifyIndex(dir, chain.chain, chain.file, false);
  }
  problems.push(...found);
  return { indexRebuilt };
}

/** One chain checked against its checkpoints as it is streamed. */
async function verifyAgainstCheckpoints(dir: string, chain: string, check: CheckpointCheck, options: VerifyOptions): Promise<ChainVerification> {
  const file = join(dir, `${chain}.log`);
  if (!existsSync(file)) {
    return { chain, file, records: 0, ok: false, problems: [`the chain file is missing, but ${check.checkpoints} signed checkpoints name it: it was deleted`], checkpoints: check.checkpoints };
  }
  const result = await verifyChainFile(file, (record) => check.record(record));
  const writerRunning = lockHolder(join(dir, `${chain}.lock`)) !== undefined;
  // A broken chain's head is where it broke, not its end: hold only sound chains to their checkpoints' end.
  const { unsigned } = check.finish(result.ok ? result.head ?? null : null, writerRunning || !result.ok);
  const problems = result.ok ? check.problems : check.problems.filter((p) => !p.includes('was not reached'));
  const { indexRebuilt } = options.index === false ? { indexRebuilt: false } : await checkIndex(dir, result, writerRunning, options, problems);
  const { head: _head, ...rest } = result;
  return {
    ...rest, ...(result.ok && result.head ? { head: result.head } : {}), problems, checkpoints: check.checkpoints, unsigned,
    ...(indexRebuilt ? { indexRebuilt } : {}), ok: result.ok && problems.length === 0,
  };
}

function witnessesFromEnv(): string[] {
  return (config().DX_AUDIT_WITNESS ?? '').split(delimiter).filter(Boolean);
}

/** Verify every chain in an audit directory (`*.log`, and every chain a checkpoint names). */
export async function verifyAuditDir(dir: string, options: VerifyOptions = {}): Promise<AuditVerification> {
  const chains: ChainVerification[] = [];
  if (options.checkpoints === false) {
    for (const file of await chainFiles(dir)) {
      const chain = await verifyChainFile(file);
      // The index is checked here only when asked for: this is the hash chains' check alone.
      if (options.index === true) {
        const { indexRebuilt } = await checkIndex(dir, chain, lockHolder(join(dir, `${chain.chain}.lock`)) !== undefined, options, chain.problems);
        Object.assign(chain, { ok: chain.ok && chain.problems.length === 0 }, indexRebuilt ? { indexRebuilt } : {});
      }
      chains.push(chain);
    }
    return { ok: chains.every((c) => c.ok), chains };
  }
  const folders = [dir, ...(options.witnesses ?? witnessesFromEnv())];
  const publicKeys = readPublicKeys(options.publicKeys ?? [keyDirOf(dir)]);
  const names = new Set([...(await chainFiles(dir)).map((f) => basename(f, '.log')), ...(await checkpointedChains(folders))]);
  for (const chain of [...names].sort()) chains.push(await verifyAgainstCheckpoints(dir, chain, await CheckpointCheck.load(chain, { folders, publicKeys }), options));
  return { ok: chains.every((c) => c.ok), chains };
}
