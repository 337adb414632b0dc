/**
 * That one record is in the signed audit trail, shown without the other records: the checkpoint
 * whose interval holds it (signed), the record's place in that interval and the Merkle siblings up
 * to the checkpoint's root. Anyone with the exchange's public key checks it (verifyInclusion), and
 * with the record's content also that the content is what was signed.
 */
import type { KeyObject } from 'node:crypto';
import { open } from 'node:fs/promises';
import { hashOf, type AuditRecord } from './auditRecord.js';
import { signatureProblem, type Checkpoint } from './checkpoint.js';
import { checkpointFile } from './checkpointer.js';
import { inclusionProof, rootFromProof, type ProofStep } from './merkle.js';
import { hashesBetween } from './subjectIndexReader.js';

export interface InclusionProof {
  checkpoint: Checkpoint;
  /** The record's place among the interval's records (seq - checkpoint.from). */
  index: number;
  steps: ProofStep[];
}

/** The checkpoint at the first whole line from `offset` on, with where that line ends. */
async function lineAt(handle: Awaited<ReturnType<typeof open>>, offset: number, size: number): Promise<{ checkpoint: Checkpoint; end: number } | null> {
  let start = offset;
  if (offset > 0) {
    // Find the start of the next line.
    const probe = Buffer.alloc(4096);
    for (;;) {
      const { bytesRead } = await handle.read(probe, 0, probe.length, start);
      if (bytesRead === 0) return null;
      const newline = probe.subarray(0, bytesRead).indexOf(0x0a);
      if (newline >= 0) {
        start += newline + 1;
        break;
      }
      start += bytesRead;
    }
  }
  if (start >= size) return null;
  let text = '';
  const chunk = Buffer.alloc(4096);
  for (let at = start; ; at += chunk.length) {
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, at);
    if (bytesRead === 0) return null;
    const part = chunk.subarray(0, bytesRead);
    const newline = part.indexOf(0x0a);
    text += part.subarray(0, newline >= 0 ? newline : bytesRead).toString('utf8');
    if (newline >= 0) return { checkpoint: JSON.parse(text) as Checkpoint, end: at + newline + 1 };
  }
}

/**
 * The first checkpoint of a chain covering `seq`, found by bisecting the checkpoint log by bytes
 * (checkpoints are in seq order), so a long log is not read whole. Null when none covers it yet.
 */
export async function checkpointCovering(dir: string, chain: string, seq: number): Promise<Checkpoint | null> {
  let handle;
  try {
    handle = await open(checkpointFile(dir, chain), 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const size = (await handle.stat()).size;
    let lo = 0;
    let hi = size;
    while (hi - lo > 8192) {
      const mid = Math.floor((lo + hi) / 2);
      const found = await lineAt(handle, mid, size);
      if (!found || found.checkpoint.seq >= seq) hi = mid;
      else lo = found.end - 1; // lineAt from here reads the line that starts at found.end
    }
    for (let at = lo; at < size;) {
      const found = await lineAt(handle, at, size);
      if (!found) return null;
      if (found.checkpoint.seq >= seq && found.checkpoint.from <= seq) return found.checkpoint;
      if (found.checkpoint.seq >= seq) return null;
      at = found.end;
      // After the first line, lineAt must not skip a line: step back onto this line's end.
      at -= 1;
    }
    return null;
  } finally {
    await handle.close();
  }
}

/** The proof for the record at `seq` of `chain`; null until a checkpoint covers it (or without an index). */
export async function proveInclusion(dir: string, chain: string, seq: number): Promise<InclusionProof | null> {
  const checkpoint = await checkpointCovering(dir, chain, seq);
  if (!checkpoint) return null;
  const leaves = await hashesBetween(dir, chain, checkpoint.from, checkpoint.seq);
  if (!leaves) return null;
  const index = seq - checkpoint.from;
  return { checkpoint, index, steps: inclusionProof(leaves, index) };
}

/**
 * Why a proof does not show that the record (chain, seq, hash; and its content, when given) is in
 * the signed trail, or null when it does.
 */
export function inclusionProblem(record: Pick<AuditRecord, 'chain' | 'seq' | 'hash'> | AuditRecord, proof: InclusionProof, keys: ReadonlyMap<string, KeyObject>): string | null {
  const { checkpoint } = proof;
  const signature = signatureProblem(checkpoint, keys);
  if (signature) return signature;
  if (checkpoint.chain !== record.chain) return `the checkpoint is of chain "${checkpoint.chain}"`;
  if (record.seq < checkpoint.from || record.seq > checkpoint.seq || proof.index !== record.seq - checkpoint.from) return `seq ${record.seq} is not in the checkpoint's interval at index ${proof.index}`;
  if ('prevHash' in record && hashOf(record) !== record.hash) return 'the record\'s content does not have its hash';
  if (rootFromProof(record.hash, proof.steps) !== checkpoint.root) return 'the proof does not lead to the signed root';
  return null;
}
