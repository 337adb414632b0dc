/**
 * A Merkle tree over the records of one checkpoint interval, so that any one record can be shown to
 * be in a signed checkpoint without handing over the others. The leaves are the records' own
 * hashes (each already covers the record's whole content); an inner node is SHA-256 of the text
 * "1:" + left hex + right hex, so no leaf can pass for an inner node. A level with an odd number
 * of nodes carries its last node up unchanged. Written out so an auditor can redo it in a few lines.
 */
import { sha256hex } from './auditRecord.js';

export interface ProofStep {
  /** The sibling's hash and on which side of the path it sits. */
  hash: string;
  side: 'left' | 'right';
}

export const EMPTY_ROOT = '0'.repeat(64);

const node = (left: string, right: string): string => sha256hex(`1:${left}${right}`);

function nextLevel(level: readonly string[]): string[] {
  const up: string[] = [];
  for (let i = 0; i < level.length; i += 2) up.push(i + 1 < level.length ? node(level[i]!, level[i + 1]!) : level[i]!);
  return up;
}

export function merkleRoot(leaves: readonly string[]): string {
  if (leaves.length === 0) return EMPTY_ROOT;
  let level = leaves;
  while (level.length > 1) level = nextLevel(level);
  return level[0]!;
}

/** The siblings from leaf `index` up to the root. */
export function inclusionProof(leaves: readonly string[], index: number): ProofStep[] {
  if (!(index >= 0 && index < leaves.length)) throw new RangeError(`leaf ${index} is not among ${leaves.length}`);
  const steps: ProofStep[] = [];
  let level = leaves;
  let i = index;
  while (level.length > 1) {
    const sibling = i ^ 1;
    if (sibling < level.length) steps.push({ hash: level[sibling]!, side: sibling < i ? 'left' : 'right' });
    level = nextLevel(level);
    i >>= 1;
  }
  return steps;
}

/** The root a leaf and its proof lead to; equal to a checkpoint's root when the leaf is in it. */
export function rootFromProof(leaf: string, steps: readonly ProofStep[]): string {
  let hash = leaf;
  for (const step of steps) hash = step.side === 'left' ? node(step.hash, hash) : node(hash, step.hash);
  return hash;
}
