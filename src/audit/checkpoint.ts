/**
 * A signed checkpoint: where one chain stood at one moment (its head seq and hash), the Merkle root
 * of the records since the checkpoint before, and a link to that checkpoint, signed with Ed25519.
 * Checkpoints are JSON Lines in `<chain>.checkpoints` beside the chain and in each witness folder.
 * What is signed is canonicalJson of every member but `sig`.
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson, sha256hex } from './auditRecord.js';
import type { SigningKey } from './checkpointKey.js';
import { readLastLine, readLines } from './lines.js';

export interface CheckpointBody {
  chain: string;
  /** The head: last record covered, and its hash. seq 0 when the chain has none yet. */
  seq: number;
  hash: string;
  time: string;
  /** First seq of this interval (seq + 1 when it covers no new records). */
  from: number;
  /** Merkle root over the hashes of records from..seq. */
  root: string;
  /** Hash of the previous checkpoint line of this chain, or null for the first. */
  prev: string | null;
  /** Written when the writer closed the chain: nothing may follow until it is opened again. */
  closed: boolean;
  keyId: string;
}

export interface Checkpoint extends CheckpointBody {
  sig: string;
}

export function signCheckpoint(body: CheckpointBody, key: SigningKey): Checkpoint {
  if (body.keyId !== key.keyId) throw new Error('a checkpoint is signed by the key it names');
  return { ...body, sig: sign(null, Buffer.from(canonicalJson(body)), key.privateKey).toString('base64') };
}

export function checkpointLine(checkpoint: Checkpoint): string {
  return `${canonicalJson(checkpoint)}\n`;
}

/** What the next checkpoint's `prev` names. */
export function checkpointId(checkpoint: Checkpoint): string {
  return sha256hex(canonicalJson(checkpoint));
}

/** Why a checkpoint's signature does not hold with the keys given, or null when it does. */
export function signatureProblem(checkpoint: Checkpoint, keys: ReadonlyMap<string, KeyObject>): string | null {
  const key = keys.get(checkpoint.keyId);
  if (!key) return `signed with key ${checkpoint.keyId}, which is not among the public keys given`;
  const { sig, ...body } = checkpoint;
  const ok = verify(null, Buffer.from(canonicalJson(body)), key, Buffer.from(sig, 'base64'));
  return ok ? null : 'the signature does not match: the checkpoint was changed or signed with another key';
}

const isCheckpoint = (v: unknown): v is Checkpoint => {
  const c = v as Record<string, unknown> | null;
  return c !== null && typeof c === 'object' && typeof c.chain === 'string' && Number.isSafeInteger(c.seq) && typeof c.hash === 'string'
    && typeof c.time === 'string' && Number.isSafeInteger(c.from) && typeof c.root === 'string' && (c.prev === null || typeof c.prev === 'string')
    && typeof c.closed === 'boolean' && typeof c.keyId === 'string' && typeof c.sig === 'string';
};

export interface CheckpointLog {
  checkpoints: Checkpoint[];
  /** Lines that are not checkpoints, by line number. */
  bad: Array<{ line: number; problem: string }>;
}

/** The checkpoints of one log file, in file order; a missing file holds none. */
export async function readCheckpointLog(file: string): Promise<CheckpointLog> {
  const log: CheckpointLog = { checkpoints: [], bad: [] };
  try {
    for await (const line of readLines(file)) {
      let value: unknown;
      try {
        value = JSON.parse(line.text);
      } catch {
        log.bad.push({ line: line.number, problem: 'not JSON' });
        continue;
      }
      if (isCheckpoint(value) && line.terminated) log.checkpoints.push(value);
      else log.bad.push({ line: line.number, problem: line.terminated ? 'not a checkpoint' : 'truncated' });
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return log;
}

/** The last checkpoint of a log, read from its end; null when there is none. */
export function lastOf(log: CheckpointLog): Checkpoint | null {
  return log.checkpoints.at(-1) ?? null;
}

/** The last checkpoint in a log file, read from its end (a long log is not read whole); null when none. */
export async function readLastCheckpoint(file: string): Promise<Checkpoint | null> {
  let last;
  try {
    last = await readLastLine(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  if (last === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(last.text);
  } catch {
    value = null;
  }
  if (!last.terminated || !isCheckpoint(value)) throw new Error(`checkpoint log ${file}: the last line is not a whole checkpoint`);
  return value;
}
