/**
 * An append-only, hash-chained audit log: one JSON Lines file per chain, one writer per chain.
 *
 * The API waits for `record` (or `append`) before it answers, so nothing is served that was not
 * written to the file first. Records are numbered in call order here; a writer thread
 * (auditWriter.ts) seals them (previous hash, hash) and writes them in that order, so chain order =
 * seq order = file order. Entries that arrive while a batch is being written are gathered into the
 * next batch (group commit): under load one write carries many records, while each caller still
 * waits only for its own. Sealing and writing on their own thread keep them off the event loop,
 * which is what bounds a server's lookups a second.
 *
 * Durability: a record counts as written once it is in the operating system's page cache, which
 * survives a crash of this process. `fdatasync` runs at most every 100 ms after a write, so a power
 * loss or kernel crash can lose up to about 100 ms of records. Waiting for a disk flush on every
 * request would cap the API at the disk's flush rate; the chain makes any such loss at the end
 * visible (the last records are missing, earlier ones still verify).
 *
 * Fail closed: once a write or flush fails (disk full, I/O error), or the writer thread dies, every
 * pending and later entry is refused with AuditUnavailableError until the log is closed and opened
 * again, and the API must answer 503 rather than serve anything unlogged.
 */
import { mkdir, open } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { acquireLock, releaseLock } from './auditLock.js';
import { entryProblem, entryText, GENESIS_HASH, parseRecordLine, type AuditEntry, type AuditRecord } from './auditRecord.js';
import type { FromWriter, ToWriter, WriterStart } from './auditWriter.js';
import { linesBefore, readLastLine } from './lines.js';

export { SYNC_INTERVAL_MS } from './auditWriter.js';

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
  /** The entry as JSON text, for the writer to seal. */
  text: string;
  done: Recorded;
  /** Given the stored line, for `append`. */
  line?: (line: string) => void;
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

/** The writer's module beside this one: .js when built, .ts when the sources are run (tests, tsx). */
const FROM_SOURCES = extname(fileURLToPath(import.meta.url)) === '.ts';
const WRITER_MODULE = new URL(`./auditWriter.${FROM_SOURCES ? 'ts' : 'js'}`, import.meta.url);

function startWriter(start: WriterStart): Worker {
  if (!FROM_SOURCES) return new Worker(WRITER_MODULE, { workerData: start });
  // A thread does not inherit the process's TypeScript loader: it registers tsx (a dev tool, there
  // whenever the sources are run) before loading the writer.
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(WRITER_MODULE.href)}); })`;
  return new Worker(boot, { eval: true, workerData: start });
}

export class AuditLog {
  private queue: Pending[] = [];
  private inFlight: Pending[] = [];
  private flushScheduled = false;
  private idleWaiters: Array<() => void> = [];
  private failure: AuditUnavailableError | null = null;
  private closing = false;
  private closed: Promise<FromWriter & { type: 'closed' }> | null = null;
  private counts = { appended: 0, writes: 0, syncs: 0 };
  private exited = false;
  private written: Head;

  private constructor(
    readonly file: string,
    readonly chain: string,
    private readonly writer: Worker,
    private readonly lockPath: string,
    /** The last seq given out: records are numbered in call order, before they are sealed. */
    private seq: number,
    head: Head,
  ) {
    this.written = head;
    writer.on('message', (message: FromWriter) => this.heard(message));
    writer.on('error', (error) => this.fail(`its writer thread failed (${error.message})`, error));
    writer.on('exit', (code) => {
      this.exited = true;
      if (!this.closing) this.fail(`its writer thread stopped (exit code ${code})`);
    });
    // The thread keeps the process alive only while it has records to write.
    writer.unref();
  }

  /** Open (or create) `dir/<chain>.log` for appending, holding `dir/<chain>.lock` until close. */
  static async open(dir: string, chain: string): Promise<AuditLog> {
    checkChainName(chain);
    await mkdir(dir, { recursive: true });
    const lockPath = join(dir, `${chain}.lock`);
    // Lock first, so no other writer can append between reading the head and writing after it.
    await acquireLock(lockPath);
    try {
      const file = join(dir, `${chain}.log`);
      const head = await readHead(file, chain);
      // Opened here too, so a log that cannot be opened fails `open` rather than the first record.
      await (await open(file, 'a')).close();
      const start: WriterStart = { role: 'audit-writer', file, chain, seq: head.seq, prevHash: head.hash };
      const writer = startWriter(start);
      return new AuditLog(file, chain, writer, lockPath, head.seq, head);
    } catch (error) {
      await releaseLock(lockPath);
      throw error;
    }
  }

  /** The last written record's seq and hash. */
  get head(): Head {
    return { ...this.written };
  }

  /** Records written, the writes that carried them and the flushes to disk since open: shows group commit at work. */
  get stats(): { appended: number; writes: number; syncs: number } {
    return { ...this.counts };
  }

  /** Record one access. Resolves with the stored record once its line has been written to the file. */
  append(entry: AuditEntry): Promise<AuditRecord> {
    return new Promise((resolve, reject) => {
      let stored: AuditRecord | undefined;
      this.take(entry, (error) => (error ? reject(error) : resolve(stored!)), (line) => { stored = JSON.parse(line) as AuditRecord; });
    });
  }

  /**
   * Record one access and call `done` once its line is in the file, or with the error that stops it.
   * The API's hot path: no promise and no record object (see `append`).
   */
  record(entry: AuditEntry, done: Recorded): void {
    this.take(entry, done);
  }

  private take(entry: AuditEntry, done: Recorded, line?: (line: string) => void): void {
    const refused = this.refusal(entry);
    if (refused) return queueMicrotask(() => done(refused));
    this.seq++;
    this.queue.push({ text: entryText(entry), done, line });
    if (!this.flushScheduled && this.inFlight.length === 0) {
      this.flushScheduled = true;
      // On the next microtask, so a burst of entries made in one tick goes out in one batch.
      queueMicrotask(() => this.flush());
    }
  }

  /** Why this entry cannot be taken now: the log failed or closed, or the entry is malformed. */
  private refusal(entry: AuditEntry): Error | null {
    if (this.failure) return new AuditUnavailableError(this.failure.message, { cause: this.failure.cause });
    if (this.closing) return new AuditUnavailableError(`audit log ${this.file} is closed`);
    const problem = entryProblem(entry);
    return problem ? new TypeError(`audit entry not recorded: ${problem}`) : null;
  }

  /** Hand the queued entries to the writer as one batch, unless one is being written. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.inFlight.length > 0 || this.failure) return;
    if (this.queue.length === 0) return this.wakeIdle();
    const batch = this.queue;
    this.queue = [];
    this.inFlight = batch;
    const want: number[] = [];
    batch.forEach((p, i) => { if (p.line) want.push(i); });
    const message: ToWriter = { type: 'batch', entries: batch.map((p) => p.text).join('\n'), want };
    this.writer.ref();
    this.writer.postMessage(message);
  }

  private heard(message: FromWriter): void {
    if (message.type === 'written') {
      const batch = this.inFlight;
      this.inFlight = [];
      this.written = { seq: message.seq, hash: message.hash };
      this.counts.appended += message.count;
      this.counts.writes++;
      this.counts.syncs = message.syncs;
      let wanted = 0;
      for (const pending of batch) {
        if (pending.line) pending.line(message.lines[wanted++]!);
        pending.done(null);
      }
      this.flush();
    } else if (message.type === 'failed') {
      this.fail(message.message, Object.assign(new Error(message.code), { code: message.code }));
    }
  }

  /** Stop recording: refuse what is being written and everything queued. */
  private fail(message: string, cause?: Error): void {
    if (!this.failure) this.failure = new AuditUnavailableError(message.startsWith('audit log') ? message : `audit log ${this.file}: ${message}; nothing may be served until it is reopened`, { cause });
    const refused = [...this.inFlight.splice(0), ...this.queue.splice(0)];
    for (const pending of refused) pending.done(this.failure);
    this.wakeIdle();
  }

  private wakeIdle(): void {
    if (this.inFlight.length > 0 || this.queue.length > 0) return;
    if (!this.closing) this.writer.unref();
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private idle(): Promise<void> {
    return this.inFlight.length === 0 && this.queue.length === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Write what is queued, flush it to disk, close the file and release the lock. Closing a failed log is how it is reset. */
  async close(): Promise<void> {
    if (this.closing) {
      await this.closed;
      return;
    }
    this.closing = true;
    const failedBefore = this.failure;
    let finalFailure: { message: string; code: string } | null = null;
    try {
      await this.idle();
      this.writer.ref();
      this.closed = this.exited ? Promise.resolve({ type: 'closed', failure: null }) : new Promise((resolve) => {
        const onClosed = (message: FromWriter) => { if (message.type === 'closed') resolve(message); };
        this.writer.on('message', onClosed);
        this.writer.once('exit', () => resolve({ type: 'closed', failure: null }));
      });
      this.writer.postMessage({ type: 'close' } satisfies ToWriter);
      finalFailure = (await this.closed).failure;
    } finally {
      await this.writer.terminate().catch(() => undefined);
      await releaseLock(this.lockPath);
    }
    // A failure already reported to callers is not thrown again; one in the final flush is.
    if (finalFailure && !failedBefore) throw new AuditUnavailableError(finalFailure.message);
  }
}
