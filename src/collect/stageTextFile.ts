/**
 * The one pass over a department's text file before DuckDB reads it: hash the bytes, decode
 * them (GB18030 and friends, which DuckDB cannot read without downloading an extension), and
 * write a UTF-8 copy whose first column is the physical line number, so that every loaded or
 * quarantined row can point back to its line. Lines whose bytes cannot be decoded, and lines
 * with an unbalanced quote (which would make a CSV parser swallow the lines after them), are
 * set aside here with the reason.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import type { Encoding } from '../connectors/manifest.js';

export interface EarlyQuarantine {
  line: number;
  stage: 'decode' | 'parse';
  reason: string;
  raw: string;
}

export interface StagedTextFile {
  stagedPath: string;
  sha256: string;
  bytes: number;
  /** The header line as decoded text (csv only). */
  headerLine?: string;
  /** Data lines: non-blank lines after the header. rows read = this. */
  rowsRead: number;
  blankLines: number;
  early: EarlyQuarantine[];
  /** Set when the first line reads better in another encoding than the declared one. */
  encodingHint?: string;
}

export class SourceFileError extends Error {
  constructor(readonly file: string, message: string, readonly line?: number) {
    super(`${file}${line ? ` line ${line}` : ''}: ${message}`);
    this.name = 'SourceFileError';
  }
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const READ_CHUNK = 4 * 1024 * 1024;
export const JSONL_SEPARATOR = '\x01';

function decoderFor(encoding: Encoding): (bytes: Buffer) => string | null {
  if (encoding === 'utf-8' || encoding === 'utf-8-bom') {
    return (bytes) => (isUtf8(bytes) ? bytes.toString('utf8') : null);
  }
  const native = nativeDecoder(encoding);
  if (native) {
    return (bytes) => {
      try {
        return native.decode(bytes);
      } catch {
        return null; // fatal: some bytes are not valid in the encoding
      }
    };
  }
  return (bytes) => {
    const text = iconv.decode(bytes, encoding);
    return text.includes('\uFFFD') ? null : text;
  };
}

/**
 * Node's own WHATWG decoder (ICU, in C++) decodes GB18030 about twice as fast as iconv-lite;
 * a Node built without full ICU lacks it, and iconv-lite serves instead.
 */
function nativeDecoder(encoding: Encoding): TextDecoder | undefined {
  try {
    return new TextDecoder(encoding, { fatal: true });
  } catch {
    return undefined;
  }
}

/**
 * Collects line-numbered lines in one growing buffer; the caller flushes it once per block,
 * so the per-line path stays synchronous.
 */
class StagedWriter {
  private buffer = Buffer.allocUnsafe(8 * 1024 * 1024);
  private used = 0;
  constructor(private readonly out: WriteStream) {}

  private reserve(extra: number): void {
    if (this.used + extra <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.used + extra));
    this.buffer.copy(grown, 0, 0, this.used);
    this.buffer = grown;
  }

  /** `prefix`, the UTF-8 bytes of the line, a newline. */
  line(prefix: string, body: Buffer, start: number, end: number): void {
    this.reserve(prefix.length + (end - start) + 1);
    this.used += this.buffer.write(prefix, this.used, 'latin1');
    this.used += body.copy(this.buffer, this.used, start, end);
    this.buffer[this.used++] = NEWLINE;
  }

  text(text: string): void {
    const bytes = Buffer.from(text + '\n', 'utf8');
    this.reserve(bytes.length);
    this.used += bytes.copy(this.buffer, this.used);
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    const piece = Buffer.from(this.buffer.subarray(0, this.used));
    this.used = 0;
    if (!this.out.write(piece)) await new Promise<void>((resolve) => this.out.once('drain', resolve));
  }

  destroy(): void {
    this.out.destroy();
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

export interface StageOptions {
  /** Source file path, and the name to report it by. */
  path: string;
  displayName: string;
  stagedPath: string;
  format: 'csv' | 'jsonl';
  encoding: Encoding;
  delimiter: string;
  quote: string;
  /** Bytes read at a time; small values are for tests of lines split across reads. */
  chunkSize?: number;
  /** A longer line is quarantined with its length, never held in memory whole. */
  maxLineBytes?: number;
}

/** Bytes of an over-long line kept for the quarantine's raw text. */
const LONG_LINE_PREFIX = 200;

/**
 * Stage one csv or jsonl file. The staged copy is csv: `__line,<the original columns>` for csv,
 * `__line<U+0001>__json` for jsonl.
 */
export async function stageTextFile(options: StageOptions): Promise<StagedTextFile> {
  const { path, displayName, format } = options;
  const decode = decoderFor(options.encoding);
  const sourceIsUtf8 = options.encoding.startsWith('utf-8');
  const quoteByte = options.quote.charCodeAt(0);
  const delimiter = options.delimiter;
  const hash = createHash('sha256');
  const writer = new StagedWriter(createWriteStream(options.stagedPath));
  const result: StagedTextFile = { stagedPath: options.stagedPath, sha256: '', bytes: 0, rowsRead: 0, blankLines: 0, early: [] };
  let lineNumber = 0;
  let carry: Buffer = Buffer.alloc(0);
  let first = true;
  const maxLineBytes = options.maxLineBytes ?? 1024 * 1024;
  /** An over-long line being skipped: its start kept, its bytes counted up to its newline. */
  let skipping: { prefix: Buffer; bytes: number } | null = null;

  // JSON Lines are staged unquoted behind a U+0001 separator, a character valid JSON never holds raw.
  const separator = format === 'jsonl' ? JSONL_SEPARATOR : delimiter;
  if (format === 'jsonl') writer.text(`__line${separator}__json`);

  /** An over-long line: one reason with its length, and the first bytes for the steward to recognise it. */
  const longLine = (prefix: Buffer, bytes: number): void => {
    lineNumber++;
    if (format === 'csv' && result.headerLine === undefined) {
      throw new SourceFileError(displayName, `the header line is ${bytes.toLocaleString('en-US')} bytes long, over the ${maxLineBytes.toLocaleString('en-US')} a line may hold (source.maxLineBytes): is this a ${format} file with line breaks?`, lineNumber);
    }
    result.rowsRead++;
    const start = sourceIsUtf8 ? prefix.toString('utf8') : iconv.decode(prefix, options.encoding);
    result.early.push({
      line: lineNumber, stage: 'parse',
      reason: `the line is ${bytes.toLocaleString('en-US')} bytes long, over the ${maxLineBytes.toLocaleString('en-US')} a line may hold (source.maxLineBytes); it was not read`,
      raw: `${start.replace(/\uFFFD+$/, '')}…`,
    });
  };

  /** The unfinished line is over-long: keep its start and count the rest up to its newline. */
  const startSkipping = (start: Buffer, bytes: number): void => {
    skipping = { prefix: Buffer.from(start.subarray(0, LONG_LINE_PREFIX)), bytes };
    carry = Buffer.alloc(0);
  };

  /** One physical line; `decodable` says whether `bytes` holds it as valid UTF-8; `quotes` counts its quote characters. */
  const handleLine = (bytes: Buffer, start: number, end: number, decodable: boolean, quotes: number): void => {
    if (end > start && bytes[end - 1] === CARRIAGE_RETURN) end--;
    if (end - start > maxLineBytes) {
      longLine(bytes.subarray(start, start + LONG_LINE_PREFIX), end - start);
      return;
    }
    lineNumber++;
    if (end === start) {
      result.blankLines++;
      return;
    }
    if (format === 'csv' && result.headerLine === undefined) {
      if (!decodable) {
        throw new SourceFileError(displayName, `the header is not valid ${options.encoding}${encodingHint(bytes.subarray(start, end), options.encoding)}`, lineNumber);
      }
      result.headerLine = bytes.toString('utf8', start, end);
      writer.text(`__line${delimiter}${result.headerLine}`);
      return;
    }
    result.rowsRead++;
    if (!decodable) {
      const lossy = options.encoding.startsWith('utf-8') ? bytes.toString('utf8', start, end) : iconv.decode(bytes.subarray(start, end), options.encoding);
      result.early.push({ line: lineNumber, stage: 'decode', reason: `undecodable bytes: not valid ${options.encoding}`, raw: lossy });
      return;
    }
    if (loneCarriageReturns && bytes.subarray(start, end).includes(CARRIAGE_RETURN)) {
      // DuckDB's reader stops at a lone \r with \n line ends: the line is set aside, the file read.
      result.early.push({ line: lineNumber, stage: 'parse', reason: 'a carriage return (\\r) inside the line: a line break within a value?', raw: bytes.toString('utf8', start, end).replaceAll('\r', '\\r') });
      return;
    }
    if (format === 'csv' && quotes % 2 === 1) {
      result.early.push({ line: lineNumber, stage: 'parse', reason: 'unbalanced quote: the row never closes a quoted value', raw: bytes.toString('utf8', start, end) });
      return;
    }
    writer.line(`${lineNumber}${separator}`, bytes, start, end);
  };

  /** Every line of a block of whole lines (the block holds no final newline: n newlines, n + 1 lines). */
  const eachLine = (bytes: Buffer, visit: (start: number, end: number) => void): void => {
    let start = 0;
    for (;;) {
      const end = bytes.indexOf(NEWLINE, start);
      if (end === -1) {
        visit(start, bytes.length);
        return;
      }
      visit(start, end);
      start = end + 1;
    }
  };

  /** Set while a block holds a \r that does not end a line: its lines are then checked one by one. */
  let loneCarriageReturns = false;

  /** Lines of valid UTF-8, their quotes counted from one scan of the whole block. */
  const handleUtf8Lines = (utf8: Buffer): void => {
    loneCarriageReturns = hasLoneCarriageReturn(utf8);
    // JSON Lines need no quote count (a JSON value never spans lines), and their many quotes make it dear.
    if (format !== 'csv') {
      eachLine(utf8, (start, end) => handleLine(utf8, start, end, true, 0));
      return;
    }
    const quotes: number[] = [];
    for (let at = utf8.indexOf(quoteByte); at !== -1; at = utf8.indexOf(quoteByte, at + 1)) quotes.push(at);
    let next = 0;
    eachLine(utf8, (start, end) => {
      let count = 0;
      while (next < quotes.length && quotes[next]! < end) {
        count++;
        next++;
      }
      handleLine(utf8, start, end, true, count);
    });
  };

  /** A block of whole lines in the source encoding. */
  const handleBlock = (block: Buffer): void => {
    if (sourceIsUtf8) {
      // Valid UTF-8 is staged as it is: checking is enough, no need to build a string of it.
      if (isUtf8(block)) {
        handleUtf8Lines(block);
        return;
      }
    } else {
      const text = decode(block);
      if (text !== null) {
        handleUtf8Lines(Buffer.from(text, 'utf8'));
        return;
      }
    }
    // Some line in this block is undecodable: decode line by line to find it.
    eachLine(block, (start, end) => {
      const lineText = decode(block.subarray(start, end));
      if (lineText === null) handleLine(block, start, end, false, 0);
      else handleUtf8Lines(Buffer.from(lineText, 'utf8'));
    });
  };

  const stream = createReadStream(path, { highWaterMark: options.chunkSize ?? READ_CHUNK });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk);
      result.bytes += chunk.length;
      let data = chunk;
      if (skipping) {
        const newline = chunk.indexOf(NEWLINE);
        const long: { prefix: Buffer; bytes: number } = skipping;
        if (newline === -1) {
          long.bytes += chunk.length;
          continue;
        }
        long.bytes += newline > 0 && chunk[newline - 1] === CARRIAGE_RETURN ? newline - 1 : newline;
        longLine(long.prefix, long.bytes);
        skipping = null;
        data = chunk.subarray(newline + 1);
        if (data.length === 0) continue;
      }
      if (!first && carry.length > 0) {
        // The line split across reads is completed on its own, so the chunk is not copied whole.
        const firstNewline = data.indexOf(NEWLINE);
        if (firstNewline === -1) {
          if (carry.length + data.length > maxLineBytes) startSkipping(carry.length >= LONG_LINE_PREFIX ? carry : Buffer.concat([carry, data]), carry.length + data.length);
          else carry = Buffer.concat([carry, data]);
          continue;
        }
        handleBlock(Buffer.concat([carry, data.subarray(0, firstNewline)]));
        carry = Buffer.alloc(0);
        data = data.subarray(firstNewline + 1);
      } else if (carry.length > 0) {
        data = Buffer.concat([carry, chunk]);
      }
      if (first) {
        if (data.length < 3) {
          carry = Buffer.from(data); // too short to tell whether it starts with a byte-order mark
          continue;
        }
        first = false;
        if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3);
        const firstLine = data.subarray(0, Math.max(0, data.indexOf(NEWLINE)));
        if (!options.encoding.startsWith('utf-8') && firstLine.some((b) => b >= 0x80)) result.encodingHint = encodingHint(firstLine, options.encoding);
      }
      const lastNewline = data.lastIndexOf(NEWLINE);
      if (lastNewline === -1) {
        if (data.length > maxLineBytes) startSkipping(data, data.length);
        else carry = Buffer.from(data);
        continue;
      }
      handleBlock(data.subarray(0, lastNewline));
      const rest = data.subarray(lastNewline + 1);
      if (rest.length > maxLineBytes) startSkipping(rest, rest.length);
      else carry = Buffer.from(rest);
      await writer.flush();
    }
    if (skipping) longLine((skipping as { prefix: Buffer }).prefix, (skipping as { bytes: number }).bytes);
    // The last block is followed by a newline only if the file ends with one.
    if (first && carry[0] === 0xef && carry[1] === 0xbb && carry[2] === 0xbf) carry = carry.subarray(3);
    if (carry.length > 0) handleBlock(carry);
  } catch (error) {
    stream.destroy();
    writer.destroy();
    throw error;
  }
  await writer.close();
  result.sha256 = hash.digest('hex');
  if (result.bytes === 0) throw new SourceFileError(displayName, 'the file is empty (0 bytes); expected at least a header line');
  if (format === 'csv' && result.headerLine === undefined) throw new SourceFileError(displayName, 'the file has no header line (only blank lines)');
  return result;
}

/** Whether a block of lines holds a \r not followed by its line's \n (one native search per \r). */
function hasLoneCarriageReturn(block: Buffer): boolean {
  for (let at = block.indexOf(CARRIAGE_RETURN); at !== -1; at = block.indexOf(CARRIAGE_RETURN, at + 1)) {
    if (at + 1 < block.length && block[at + 1] !== NEWLINE) return true;
  }
  return false;
}

/** A guess at the real encoding, for an error message a department can act on. */
function encodingHint(bytes: Buffer, declared: Encoding): string {
  if (declared.startsWith('utf-8')) {
    const asGb = iconv.decode(bytes, 'gb18030');
    return asGb.includes('\uFFFD') ? '' : ` (it reads as GB18030: "${asGb.slice(0, 40)}"; is source.encoding wrong?)`;
  }
  return isUtf8(bytes) ? ` (it reads as UTF-8: "${bytes.toString('utf8').slice(0, 40)}"; is source.encoding wrong?)` : '';
}
