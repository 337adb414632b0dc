/**
 * An append-only, hash-chained audit log: one JSON Lines file per chain, one writer per chain.
 *
 * The API awaits `append` before it answers, so nothing is served that was not written to the file
 * first. Appends that arrive while a write is in flight are gathered into the next single write
 * (group commit): under load one syscall carries many records, while each caller still waits only for
 * its own record to be written. Records are sealed (seq and hash assigned) in call order and written
 * in that order, so chain order = seq order = file order.
 *
 * Durability: `append` resolves once the write has completed, i.e. the record is in the operating
 * system's page cache and survives a crash of this process. `fdatasync` runs at most every 100 ms after
 * a write, so a power loss or kernel crash can lose up to about 100 ms of records. Waiting for a disk
 * flush on every request would cap the API at the disk's flush rate; the chain makes any such loss at
 * the end visible (the last records are missing, earlier ones still verify).
 *
 * Fail closed: once a write or flush fails (disk full, I/O error), every pending and later append
 * rejects with AuditUnavailableError until the log is closed and opened again, and the API must answer
 * 503 rather than serve anything unlogged.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireLock, releaseLock } from './auditLock.js';
import { entryProblem, GENESIS_HASH, parseRecordLine, sealedLine, sealRecordLine, type AuditEntry, type AuditRecord } from './auditRecord.js';
import { CheckpointMismatchError, Checkpointer, checkpointOptionsFromEnv, type CheckpointOptions } from './checkpointer.js';
import { linesBefore, readLastLine, readLines } from './lines.js';
import { hashesBetween } from './subjectIndexReader.js';
import { SubjectIndexWriter } from './subjectIndexWriter.js';

export const SYNC_INTERVAL_MS = 100;

/** The log cannot record: the caller must not serve the request (answer 503). */
export class AuditUnavailableError extends Error {
  override name = 'AuditUnavailableError';
}

/** The existing log's last line is not a sound record of this chain; the log is not opened. */
export class AuditCorruptError extends Error {
  override name = 'AuditCorruptError';
}

/** Told once a record's line is in the file (no error), or that it never will be. */
export type Recorded = (error: Error | null) => void;

interface Pending {
  line: string;
  seq: number;
  hash: string;
  subjects: readonly string[];
  done: Recorded;
}

export interface AuditLogOptions {
  /** Signed checkpoints (default: configured from the environment, see checkpointer.ts); false for none. */
  checkpoints?: CheckpointOptions | false;
  /** The per-subject index (default on, 2^20 buckets); false for none. */
  index?: { bucketBits?: number } | false;
}

/** The hashes of a chain's records after `seq`, streamed from the file (used once, on opening after a crash). */
async function hashesAfter(file: string, seq: number): Promise<string[]> {
  const hashes: string[] = [];
  try {
    for await (const line of readLines(file)) {
      const parsed = parseRecordLine(line.text);
      if ('record' in parsed && parsed.record.seq > seq) hashes.push(parsed.record.hash);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return hashes;
}

interface Head {
  seq: number;
  hash: string;
}

/** Chain names become file names, so they are kept to a safe alphabet. */
export function checkChainName(chain: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(chain)) throw new Error(`audit chain name "${chain}" must be letters, digits, '.', '_' or '-'`);
}

/** Where an existing chain ends: its last record's seq and hash, after checking that record. */
async function readHead(file: string, chain: string): Promise<Head> {
  let last;
  try {
    last = await readLastLine(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { seq: 0, hash: GENESIS_HASH };
    throw error;
  }
  if (last === null) return { seq: 0, hash: GENESIS_HASH };
  const parsed = parseRecordLine(last.text);
  const problem = !last.terminated
    ? 'truncated: the line has no newline, the last write did not finish'
    : 'problem' in parsed ? parsed.problem
    : parsed.record.chain !== chain ? `the record belongs to chain "${parsed.record.chain}", not "${chain}"`
    : null;
  if (problem === null && 'record' in parsed) return { seq: parsed.record.seq, hash: parsed.record.hash };
  const line = (await linesBefore(file, last.offset)) + 1;
  throw new AuditCorruptError(`audit log ${file}, line ${line}: ${problem}. Refusing to open it; run "dx audit verify" and repair the log first.`);
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  for (let offset = 0; offset < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    if (bytesWritten <= 0) throw new Error('the write made no progress');
    offset += bytesWritten;
  }
}

export class AuditLog {
  private queue: Pending[] = [];
  private writing = false;
  private idleWaiters: Array<() => void> = [];
  private failure: AuditUnavailableError | null = null;
  private closing = false;
  private unsynced = false;
  private syncTimer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> = Promise.resolve();
  private counts = { appended: 0, writes: 0, syncs: 0 };
  private checkpointer: Checkpointer | null = null;
  private index: SubjectIndexWriter | null = null;

  private constructor(
    readonly file: string,
    readonly chain: string,
    private readonly handle: FileHandle,
    private readonly lockPath: string,
    private seq: number,
    private prevHash: string,
    /** Bytes known to hold whole records; a failed write is cut back to here. */
    private size: number,
  ) {}

  /** Open (or create) `dir/<chain>.log` for appending, holding `dir/<chain>.lock` until close. */
  static async open(dir: string, chain: string, options: AuditLogOptions = {}): Promise<AuditLog> {
    checkChainName(chain);
    await mkdir(dir, { recursive: true });
    const lockPath = join(dir, `${chain}.lock`);
    // Lock first, so no other writer can append between reading the head and writing after it.
    await acquireLock(lockPath);
    try {
      const file = join(dir, `${chain}.log`);
      const head = await readHead(file, chain);
      const checkpoints = options.checkpoints ?? checkpointOptionsFromEnv(dir);
      const index = options.index === false ? null : await SubjectIndexWriter.open(dir, chain, file, head.seq, options.index?.bucketBits);
      // The leaves of records a crash left unsigned come from the index when it holds them.
      const leavesAfter = async (seq: number) => (index && (await hashesBetween(dir, chain, seq + 1, head.seq))) || hashesAfter(file, seq);
      let log: AuditLog | null = null;
      const checkpointer = checkpoints === false ? null
        : await Checkpointer.open(dir, chain, checkpoints, head, leavesAfter, (error) => log?.checkpointFailed(error)).catch(async (error: Error) => {
          await index?.close();
          throw error instanceof CheckpointMismatchError ? new AuditCorruptError(`${error.message}. Refusing to open it; run "dx audit verify".`) : error;
        });
      const handle = await open(file, 'a', 0o600);
      const size = (await handle.stat()).size;
      log = new AuditLog(file, chain, handle, lockPath, head.seq, head.hash, size);
      log.checkpointer = checkpointer;
      log.index = index;
      return log;
    } catch (error) {
      await releaseLock(lockPath);
      throw error;
    }
  }

  /** The last sealed record's seq and hash (sealed, not necessarily written yet). */
  get head(): Head {
    return { seq: this.seq, hash: this.prevHash };
  }

  /** Records written, the writes that carried them and the flushes to disk since open: shows group commit at work. */
  get stats(): { appended: number; writes: number; syncs: number } {
    return { ...this.counts };
  }

  /** Record one access. Resolves with the stored record once its line has been written to the file. */
  append(entry: AuditEntry): Promise<AuditRecord> {
    const refused = this.refusal(entry);
    if (refused) return Promise.reject(refused);
    const { record, line } = sealRecordLine(entry, this.chain, this.seq + 1, this.prevHash);
    this.advance(record.seq, record.hash);
    return new Promise((resolve, reject) => this.enqueue({ line, seq: record.seq, hash: record.hash, subjects: entry.subjects, done: (error) => (error ? reject(error) : resolve(record)) }));
  }

  /**
   * Record one access and call `done` once its line is in the file, or with the error that stops it.
   * The API's hot path: no promise and no record object, just the sealed line (see `append`).
   */
  record(entry: AuditEntry, done: Recorded): void {
    const refused = this.refusal(entry);
    if (refused) return queueMicrotask(() => done(refused));
    const seq = this.seq + 1;
    const { hash, line } = sealedLine(entry, this.chain, seq, this.prevHash);
    this.advance(seq, hash);
    this.enqueue({ line, seq, hash, subjects: entry.subjects, done });
  }

  /** Why this entry cannot be taken now: the log failed or closed, or the entry is malformed. */
  private refusal(entry: AuditEntry): Error | null {
    if (this.failure) return new AuditUnavailableError(this.failure.message, { cause: this.failure.cause });
    if (this.closing) return new AuditUnavailableError(`audit log ${this.file} is closed`);
    const problem = entryProblem(entry);
    return problem ? new TypeError(`audit entry not recorded: ${problem}`) : null;
  }

  /** The chain's head moves on as each record is sealed: seq and hash are assigned in call order. */
  private advance(seq: number, hash: string): void {
    this.seq = seq;
    this.prevHash = hash;
  }

  private enqueue(pending: Pending): void {
    this.queue.push(pending);
    if (!this.writing) {
      this.writing = true;
      // Start on the next microtask, so a burst of appends made in one tick goes out in one write.
      queueMicrotask(() => void this.drain());
    }
  }

  /** Write queued records, a batch per write, until the queue is empty or the log has failed. */
  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.failure) {
      const batch = this.queue;
      this.queue = [];
      const bytes = Buffer.from(batch.map((p) => p.line).join(''), 'utf8');
      try {
        await writeAll(this.handle, bytes);
      } catch (error) {
        await this.fail(error as Error, batch);
        break;
      }
      const offset = this.size;
      this.size += bytes.length;
      this.counts.appended += batch.length;
      this.counts.writes++;
      this.unsynced = true;
      this.scheduleSync();
      for (const pending of batch) pending.done(null);
      const last = batch[batch.length - 1]!;
      this.checkpointer?.written(batch.map((p) => p.hash), { seq: last.seq, hash: last.hash });
      // After the callers are told: the index follows the chain and is not on a request's path.
      if (this.index) {
        try {
          await this.index.add(batch, offset);
        } catch (error) {
          await this.fail(error as Error, []);
          break;
        }
      }
    }
    this.writing = false;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Stop recording: reject the failed batch and everything queued, and cut off any partial line. */
  private async fail(error: Error, batch: Pending[]): Promise<void> {
    if (!this.failure) {
      const code = (error as NodeJS.ErrnoException).code ?? error.message;
      this.failure = new AuditUnavailableError(`audit log ${this.file} cannot be written (${code}); nothing may be served until it is reopened`, { cause: error });
      // Best effort: the rejected records were never answered, so a partly written line can go.
      await this.handle.truncate(this.size).catch(() => undefined);
    }
    for (const pending of [...batch, ...this.queue.splice(0)]) pending.done(this.failure);
  }

  /** A checkpoint that cannot be written leaves the chain unsigned: stop recording, as for the chain itself. */
  private checkpointFailed(error: Error): void {
    void this.fail(error, []);
  }

  private scheduleSync(): void {
    if (this.syncTimer || this.failure) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = null;
      this.syncing = this.sync();
    }, SYNC_INTERVAL_MS);
    // The timer alone must not keep the process alive; close() flushes what is left.
    this.syncTimer.unref();
  }

  private async sync(): Promise<void> {
    if (!this.unsynced || this.failure) return;
    this.unsynced = false;
    try {
      await this.handle.datasync();
      this.counts.syncs++;
    } catch (error) {
      await this.fail(error as Error, []);
    }
  }

  private idle(): Promise<void> {
    return this.writing ? new Promise((resolve) => this.idleWaiters.push(resolve)) : Promise.resolve();
  }

  /** Write what is queued, flush it to disk, close the file and release the lock. Closing a failed log is how it is reset. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const failedBefore = this.failure;
    try {
      await this.idle();
      if (this.syncTimer) clearTimeout(this.syncTimer);
      this.syncTimer = null;
      await this.syncing;
      await this.sync();
      await this.checkpointer?.close(!this.failure);
    } finally {
      await this.index?.close().catch(() => undefined);
      await this.handle.close().catch(() => undefined);
      await releaseLock(this.lockPath);
    }
    // A failure already reported to appenders is not thrown again; one in the final flush is.
    if (this.failure && this.failure !== failedBefore) throw this.failure;
  }
}
