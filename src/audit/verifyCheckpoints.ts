/**
 * Verify a chain against its signed checkpoints, from the chain's folder and from every witness:
 * each signature holds with the public keys given, each log links checkpoint to checkpoint, the
 * logs agree with one another, and the chain has, at every checkpointed seq, the hash that was
 * signed and, over every interval, the Merkle root that was signed. A chain that was closed must
 * end where it was closed; one that ends before a checkpoint lost its tail.
 */
import type { KeyObject } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { GENESIS_HASH, type AuditRecord } from './auditRecord.js';
import { checkpointId, readCheckpointLog, signatureProblem, type Checkpoint } from './checkpoint.js';
import { checkpointFile, headProblem } from './checkpointer.js';
import { merkleRoot } from './merkle.js';

export interface CheckpointSources {
  /** The chain's own folder first, then the witnesses. */
  folders: readonly string[];
  publicKeys: ReadonlyMap<string, KeyObject>;
}

/** Chain names that have a checkpoint log in any of the folders. */
export async function checkpointedChains(folders: readonly string[]): Promise<string[]> {
  const names = new Set<string>();
  for (const folder of folders) {
    try {
      for (const name of await readdir(folder)) if (name.endsWith('.checkpoints')) names.add(name.slice(0, -'.checkpoints'.length));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return [...names].sort();
}

/** Problems within one checkpoint log: bad lines, bad signatures, broken links. */
function logProblems(where: string, chain: string, checkpoints: readonly Checkpoint[], keys: ReadonlyMap<string, KeyObject>): string[] {
  const problems: string[] = [];
  let before: Checkpoint | null = null;
  for (const [i, checkpoint] of checkpoints.entries()) {
    const at = `${where}, checkpoint ${i + 1} (seq ${checkpoint.seq})`;
    const signature = signatureProblem(checkpoint, keys);
    if (signature) problems.push(`${at}: ${signature}`);
    if (checkpoint.chain !== chain) problems.push(`${at}: names chain "${checkpoint.chain}"`);
    const expectedPrev = before ? checkpointId(before) : null;
    if (checkpoint.prev !== expectedPrev) problems.push(`${at}: does not name the checkpoint before it: checkpoints were removed, reordered or replaced`);
    if (checkpoint.from !== (before?.seq ?? 0) + 1) problems.push(`${at}: covers from seq ${checkpoint.from}, but the checkpoint before ended at ${before?.seq ?? 0}`);
    before = checkpoint;
  }
  return problems;
}

/** What the chain's records are checked against while they are streamed past. */
export class CheckpointCheck {
  readonly problems: string[] = [];
  /** Every distinct signed checkpoint of the chain, by seq. */
  private readonly expected: Checkpoint[];
  private next = 0;
  private leaves: string[] = [];
  private readonly count: number;

  private constructor(readonly chain: string, checkpoints: Checkpoint[], problems: string[]) {
    this.expected = checkpoints;
    this.count = checkpoints.length;
    this.problems.push(...problems);
  }

  static async load(chain: string, sources: CheckpointSources): Promise<CheckpointCheck> {
    const problems: string[] = [];
    const byId = new Map<string, Checkpoint>();
    const lists: Array<{ where: string; ids: string[] }> = [];
    for (const [i, folder] of sources.folders.entries()) {
      const where = i === 0 ? 'checkpoint log' : `witness ${i}`;
      const log = await readCheckpointLog(checkpointFile(folder, chain));
      for (const bad of log.bad) problems.push(`${where}, line ${bad.line}: ${bad.problem}`);
      problems.push(...logProblems(where, chain, log.checkpoints, sources.publicKeys));
      // Only checkpoints whose signature holds are held against the chain.
      const sound = log.checkpoints.filter((c) => signatureProblem(c, sources.publicKeys) === null);
      for (const c of sound) byId.set(checkpointId(c), c);
      lists.push({ where, ids: log.checkpoints.map(checkpointId) });
    }
    // The logs must tell one story: one may be a checkpoint behind the other (written last), no more.
    const [local, ...witnesses] = lists;
    for (const witness of witnesses) {
      const shorter = Math.min(local!.ids.length, witness.ids.length);
      const differ = local!.ids.slice(0, shorter).findIndex((id, i) => id !== witness.ids[i]);
      if (differ >= 0) problems.push(`the checkpoint log and ${witness.where} differ from checkpoint ${differ + 1} on: one of them was rewritten`);
      else if (Math.abs(local!.ids.length - witness.ids.length) > 1) problems.push(`the checkpoint log holds ${local!.ids.length} checkpoints and ${witness.where} ${witness.ids.length}: checkpoints were removed`);
    }
    const checkpoints = [...byId.values()].sort((a, b) => a.seq - b.seq || Number(a.closed) - Number(b.closed));
    return new CheckpointCheck(chain, checkpoints, problems);
  }

  /** How many distinct signed checkpoints the chain has. */
  get checkpoints(): number {
    return this.count;
  }

  get last(): Checkpoint | null {
    return this.expected.at(-1) ?? null;
  }

  /** One record of the chain, in order (only records before the chain's first break are given). */
  record(record: AuditRecord): void {
    this.leaves.push(record.hash);
    while (this.next < this.expected.length && this.expected[this.next]!.seq < record.seq) this.next++; // seq 0: signed before any record
    while (this.next < this.expected.length && this.expected[this.next]!.seq === record.seq) this.reached(this.expected[this.next++]!, record.hash);
  }

  private reached(checkpoint: Checkpoint, hash: string): void {
    const leaves = this.leaves.slice(this.leaves.length - (checkpoint.seq - checkpoint.from + 1));
    if (hash !== checkpoint.hash) this.problems.push(`seq ${checkpoint.seq} does not have the hash signed at ${checkpoint.time}: the chain was rewritten`);
    else if (merkleRoot(leaves) !== checkpoint.root) this.problems.push(`the records from seq ${checkpoint.from} to ${checkpoint.seq} do not have the Merkle root signed at ${checkpoint.time}`);
    this.leaves = [];
  }

  /**
   * After the last record: checkpoints the chain never reached (its tail was cut, or it is gone),
   * records after a closing checkpoint, and whether the records after the last checkpoint are signed.
   */
  finish(head: { seq: number; hash: string } | null, writerRunning: boolean): { unsigned: number } {
    const last = this.last;
    if (last) {
      const problem = headProblem(head ?? { seq: 0, hash: GENESIS_HASH }, last);
      if (problem && !(head && head.seq === last.seq)) this.problems.push(problem);
      // Checkpoints the stream never reached, although the head is past them: the chain broke first.
      for (const missed of this.expected.slice(this.next)) {
        if (head && missed.seq <= head.seq && missed.seq > 0) this.problems.push(`checkpoint at seq ${missed.seq} was not reached: the chain is broken before it`);
      }
    }
    const unsigned = (head?.seq ?? 0) - (last?.seq ?? 0);
    if (unsigned > 0 && !writerRunning && !last?.closed) {
      this.problems.push(`${unsigned} records after ${last ? `the last checkpoint (seq ${last.seq})` : 'the start'} are signed by no checkpoint, and no writer is running: appended by someone else, or left by a writer that crashed (opening the chain signs them)`);
    }
    return { unsigned: Math.max(0, unsigned) };
  }
}
