/**
 * The writer's side of checkpoints: every N records or T seconds (whichever comes first, and only
 * when there is something new), and when the chain is closed, the chain's written head is signed
 * and appended to the checkpoint log and to every witness. Signing happens once a checkpoint, never
 * once a request. Checkpoints are written one after another, each naming the one before.
 *
 * Configured by DX_AUDIT_WITNESS (witness folders, separated by the platform's path delimiter),
 * DX_AUDIT_CHECKPOINT_RECORDS (default 1000), DX_AUDIT_CHECKPOINT_SECONDS (default 1) and
 * DX_AUDIT_KEY_DIR (see checkpointKey.ts).
 */
import { appendFile, mkdir, open, type FileHandle } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { checkpointId, checkpointLine, readLastCheckpoint, signCheckpoint, type Checkpoint } from './checkpoint.js';
import { keyDirOf, loadSigningKey, type SigningKey } from './checkpointKey.js';
import { merkleRoot } from './merkle.js';

export interface CheckpointOptions {
  keyDir: string;
  /** Folders outside the data folder that receive a copy of every checkpoint. */
  witnesses: readonly string[];
  everyRecords: number;
  everyMs: number;
}

export function checkpointOptionsFromEnv(auditDir: string, env: NodeJS.ProcessEnv = process.env): CheckpointOptions {
  const positive = (name: string, fallback: number): number => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!(n > 0)) throw new Error(`${name} must be a positive number, not "${value}"`);
    return n;
  };
  return {
    keyDir: keyDirOf(auditDir, env),
    witnesses: (env.DX_AUDIT_WITNESS ?? '').split(delimiter).filter(Boolean),
    everyRecords: Math.floor(positive('DX_AUDIT_CHECKPOINT_RECORDS', 1000)),
    everyMs: positive('DX_AUDIT_CHECKPOINT_SECONDS', 1) * 1000,
  };
}

export function checkpointFile(dir: string, chain: string): string {
  return join(dir, `${chain}.checkpoints`);
}

interface Head {
  seq: number;
  hash: string;
}

/**
 * Why a chain whose head is `head` cannot continue after `checkpoint`, or null. A chain shorter than
 * a checkpoint lost its tail; a different hash at the checkpoint's seq was rewritten; records after a
 * closing checkpoint were not written by the chain's writer.
 */
export function headProblem(head: Head, checkpoint: Checkpoint): string | null {
  if (head.seq < checkpoint.seq) return `the chain ends at seq ${head.seq}, but checkpoint of ${checkpoint.time} signed seq ${checkpoint.seq}: records were cut from its end`;
  if (head.seq === checkpoint.seq && head.hash !== checkpoint.hash) return `seq ${head.seq} does not have the hash its checkpoint signed: the chain was rewritten`;
  if (checkpoint.closed && head.seq > checkpoint.seq) return `records after seq ${checkpoint.seq}, where the writer closed the chain (${checkpoint.time}): appended by someone else`;
  return null;
}

/** The chain does not extend a checkpoint signed earlier: the chain is not opened. */
export class CheckpointMismatchError extends Error {
  override name = 'CheckpointMismatchError';
}

export class Checkpointer {
  private leaves: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private signed = 0;

  private constructor(
    readonly chain: string,
    private readonly options: CheckpointOptions,
    private readonly key: SigningKey,
    private readonly handle: FileHandle,
    private head: Head,
    private prev: string | null,
    private readonly onFailure: (error: Error) => void,
  ) {}

  /**
   * Checks the chain's head against the last checkpoint here and at each witness (refusing a chain
   * that does not extend them), then takes the leaves of records written after it.
   */
  static async open(dir: string, chain: string, options: CheckpointOptions, head: Head, leavesAfter: (seq: number) => Promise<string[]>, onFailure: (error: Error) => void): Promise<Checkpointer> {
    const key = loadSigningKey(options.keyDir);
    const local = await readLastCheckpoint(checkpointFile(dir, chain));
    for (const folder of options.witnesses) {
      const witnessed = await readLastCheckpoint(checkpointFile(folder, chain));
      const problem = witnessed && headProblem(head, witnessed);
      if (problem) throw new CheckpointMismatchError(`audit chain ${chain} does not extend the checkpoint its witness holds: ${problem}`);
    }
    const problem = local && headProblem(head, local);
    if (problem) throw new CheckpointMismatchError(`audit chain ${chain} does not extend its last checkpoint: ${problem}`);
    for (const folder of options.witnesses) await mkdir(folder, { recursive: true, mode: 0o700 });
    const handle = await open(checkpointFile(dir, chain), 'a', 0o600);
    const checkpointer = new Checkpointer(chain, options, key, handle, local ? { seq: local.seq, hash: local.hash } : { seq: 0, hash: head.hash }, local ? checkpointId(local) : null, onFailure);
    // Records a crash left after the last checkpoint are signed with the next one.
    checkpointer.leaves = head.seq > (local?.seq ?? 0) ? await leavesAfter(local?.seq ?? 0) : [];
    checkpointer.head = head;
    return checkpointer;
  }

  get count(): number {
    return this.signed;
  }

  /** Records now written to the chain, in seq order, up to `head`. */
  written(hashes: readonly string[], head: Head): void {
    for (const hash of hashes) this.leaves.push(hash);
    this.head = head;
    if (this.leaves.length >= this.options.everyRecords) this.checkpoint(false);
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        if (this.leaves.length > 0) this.checkpoint(false);
      }, this.options.everyMs);
      this.timer.unref();
    }
  }

  /** Sign the head now; the writes are queued behind earlier checkpoints. */
  private checkpoint(closed: boolean): Promise<void> {
    const leaves = this.leaves;
    this.leaves = [];
    const checkpoint = signCheckpoint({
      chain: this.chain, seq: this.head.seq, hash: this.head.hash, time: new Date().toISOString(),
      from: this.head.seq - leaves.length + 1, root: merkleRoot(leaves), prev: this.prev, closed, keyId: this.key.keyId,
    }, this.key);
    this.prev = checkpointId(checkpoint);
    this.signed++;
    const line = checkpointLine(checkpoint);
    this.writing = this.writing.then(async () => {
      await Promise.all(this.options.witnesses.map((folder) => appendFile(checkpointFile(folder, this.chain), line, { mode: 0o600 })));
      await this.handle.write(line);
    }).catch((error: Error) => this.onFailure(error));
    return this.writing;
  }

  /** The closing checkpoint, then the log file closed. */
  async close(sealed: boolean): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // A chain that failed is not sealed as closed: what follows its last written record is unknown.
    if (sealed) await this.checkpoint(true);
    else if (this.leaves.length > 0) await this.checkpoint(false);
    await this.writing;
    await this.handle.datasync().catch(() => undefined);
    await this.handle.close();
  }
}
