/**
 * An append-only store of JSON records, one per line, changed under a lock file so that the
 * CLI and several API processes can write it; nothing is ever rewritten, so the file is its own
 * history. Readers keep what they have read and read only the bytes appended since.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { withLock } from './fileLock.js';

export class AppendLog<T> {
  private records: T[] = [];
  private offset = 0;
  private pending = '';

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
  }

  /** Every record so far, oldest first. */
  read(): readonly T[] {
    if (!existsSync(this.file)) return this.records;
    const fd = openSync(this.file, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) throw new Error(`${this.file} shrank: an append-only store was rewritten`);
      if (size === this.offset) return this.records;
      const buffer = Buffer.alloc(size - this.offset);
      readSync(fd, buffer, 0, buffer.length, this.offset);
      this.offset = size;
      const text = this.pending + buffer.toString('utf8');
      const lines = text.split('\n');
      this.pending = lines.pop()!;
      for (const [i, line] of lines.entries()) {
        if (!line.trim()) continue;
        try {
          this.records.push(JSON.parse(line) as T);
        } catch {
          throw new Error(`${this.file}: record ${this.records.length + 1} (line ${i + 1} of the last read) is not JSON`);
        }
      }
      return this.records;
    } finally {
      closeSync(fd);
    }
  }

  /** Under the lock: `decide` sees every record so far and returns those to append. */
  async append(decide: (records: readonly T[]) => T[]): Promise<T[]> {
    return withLock(`${this.file}.lock`, () => {
      const added = decide(this.read());
      if (added.length === 0) return added;
      const fd = openSync(this.file, 'a');
      try {
        writeSync(fd, added.map((r) => `${JSON.stringify(r)}\n`).join(''));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      this.read();
      return added;
    });
  }
}
