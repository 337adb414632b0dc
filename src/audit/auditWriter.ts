/**
 * The audit log's writer thread: it owns the chain's file and head, seals each entry it is given
 * (seq, previous hash, hash), writes a batch in one write and flushes it to disk at most every
 * SYNC_INTERVAL_MS. The API's event loop, which is what limits a server's lookups a second, then
 * spends per record only the JSON text of the entry; hashing, joining and the write happen here, on
 * another core.
 *
 * Protocol (see AuditLog): the log sends batches of entries as JSON texts joined by newlines (JSON
 * text has none of its own) and gets back, per batch, either the new head (and the lines it was
 * asked for) or the failure that stops the log. After a failure every batch is refused.
 */
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { sealedLine, type AuditEntry } from './auditRecord.js';

export const SYNC_INTERVAL_MS = 100;

export interface WriterStart {
  role: 'audit-writer';
  file: string;
  chain: string;
  seq: number;
  prevHash: string;
}

export type ToWriter =
  | { type: 'batch'; entries: string; want: number[] }
  | { type: 'close' };

export type FromWriter =
  | { type: 'written'; count: number; seq: number; hash: string; lines: string[]; syncs: number }
  | { type: 'failed'; message: string; code: string }
  | { type: 'closed'; failure: { message: string; code: string } | null };

function writeAll(fd: number, bytes: Buffer): void {
  for (let offset = 0; offset < bytes.length;) {
    const written = writeSync(fd, bytes, offset, bytes.length - offset);
    if (written <= 0) throw new Error('the write made no progress');
    offset += written;
  }
}

const codeOf = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/** The writer's state and steps, apart from the thread plumbing so it reads top to bottom. */
class ChainWriter {
  private readonly fd: number;
  private seq: number;
  private prevHash: string;
  /** Bytes known to hold whole records; a failed write is cut back to here. */
  private size = 0;
  private failure: { message: string; code: string } | null = null;
  private unsynced = false;
  private syncTimer: NodeJS.Timeout | null = null;
  private syncs = 0;

  constructor(private readonly start: WriterStart, private readonly tell: (message: FromWriter) => void) {
    this.seq = start.seq;
    this.prevHash = start.prevHash;
    this.fd = openSync(start.file, 'a');
    this.size = fstatSync(this.fd).size;
  }

  batch(entries: string, want: number[]): void {
    if (this.failure) return this.tell({ type: 'failed', ...this.failure });
    const lines: string[] = [];
    for (const text of entries.split('\n')) {
      const { hash, line } = sealedLine(JSON.parse(text) as AuditEntry, this.start.chain, this.seq + 1, this.prevHash);
      this.seq++;
      this.prevHash = hash;
      lines.push(line);
    }
    const bytes = Buffer.from(lines.join(''), 'utf8');
    try {
      writeAll(this.fd, bytes);
    } catch (error) {
      return this.fail(error);
    }
    this.size += bytes.length;
    this.unsynced = true;
    this.scheduleSync();
    this.tell({ type: 'written', count: lines.length, seq: this.seq, hash: this.prevHash, lines: want.map((i) => lines[i]!), syncs: this.syncs });
  }

  /** Stop recording; the records of the failed batch were never answered, so a partly written line can go. */
  private fail(error: unknown): void {
    this.failure = { message: `audit log ${this.start.file} cannot be written (${codeOf(error)}); nothing may be served until it is reopened`, code: codeOf(error) };
    try {
      ftruncateSync(this.fd, this.size);
    } catch { /* best effort */ }
    this.tell({ type: 'failed', ...this.failure });
  }

  private scheduleSync(): void {
    if (this.syncTimer) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = null;
      this.sync();
    }, SYNC_INTERVAL_MS);
  }

  private sync(): void {
    if (!this.unsynced || this.failure) return;
    this.unsynced = false;
    try {
      fdatasyncSync(this.fd);
      this.syncs++;
    } catch (error) {
      this.fail(error);
    }
  }

  close(): void {
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.sync();
    try {
      closeSync(this.fd);
    } catch { /* already failed or closed */ }
    this.tell({ type: 'closed', failure: this.failure });
  }
}

if (parentPort && (workerData as WriterStart | undefined)?.role === 'audit-writer') {
  const port = parentPort;
  const writer = new ChainWriter(workerData as WriterStart, (message) => port.postMessage(message));
  port.on('message', (message: ToWriter) => {
    if (message.type === 'batch') writer.batch(message.entries, message.want);
    else {
      writer.close();
      port.close();
    }
  });
}
