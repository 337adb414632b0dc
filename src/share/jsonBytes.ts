/**
 * An answer's JSON written straight as UTF-8 bytes. The served columns hold UTF-8 already (see
 * columnView.ts): decoding each value to a string, escaping it, joining the answer and encoding it
 * again made every lookup allocate its text several times over, in two-byte strings once it held
 * Chinese. Here a value's bytes are copied once, checked for what JSON must escape on the way.
 *
 * One writer serves one answer at a time: an answer is written synchronously from `reset` to `take`.
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Copies shorter than this are a loop; longer ones a native copy. */
const SHORT = 64;

export class JsonBytes {
  private bytes: Buffer;
  private length = 0;

  constructor(capacity = 16 * 1024) {
    this.bytes = Buffer.allocUnsafeSlow(capacity);
  }

  /** Start a new answer. */
  reset(): this {
    this.length = 0;
    return this;
  }

  private room(needed: number): void {
    if (this.length + needed <= this.bytes.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.length + needed));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  /** Text whose characters are all ASCII (JSON punctuation, numbers, `true`): a byte each. */
  ascii(text: string): void {
    this.room(text.length);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
    this.length = at;
  }

  /** Any text, as UTF-8. */
  text(text: string): void {
    this.room(text.length * 3);
    this.length += this.bytes.write(text, this.length, 'utf8');
  }

  /** Bytes that are JSON already: a stored JSON value, or a key prepared as bytes. */
  raw(source: Uint8Array, start = 0, end = source.length): void {
    const n = end - start;
    this.room(n);
    if (n >= SHORT) {
      this.bytes.set(source.subarray(start, end), this.length);
      this.length += n;
      return;
    }
    const bytes = this.bytes;
    let at = this.length;
    for (let i = start; i < end; i++) bytes[at++] = source[i]!;
    this.length = at;
  }

  /**
   * UTF-8 text from `source` as a JSON string, when it holds nothing JSON must escape (a quote, a
   * backslash, a control character). Returns false, having written nothing, when it does. The bytes
   * of a multi-byte character are all 0x80 or above, so a byte-wise check is exact.
   */
  quoted(source: Uint8Array, start: number, end: number): boolean {
    this.room(end - start + 2);
    const bytes = this.bytes;
    let at = this.length;
    bytes[at++] = QUOTE;
    for (let i = start; i < end; i++) {
      const c = source[i]!;
      if (c < 0x20 || c === QUOTE || c === BACKSLASH) return false;
      bytes[at++] = c;
    }
    bytes[at++] = QUOTE;
    this.length = at;
    return true;
  }

  /** The answer written since `reset`, as a buffer of its own (the writer's is reused). */
  take(): Buffer {
    return Buffer.from(this.bytes.subarray(0, this.length));
  }
}
