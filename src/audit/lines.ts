/** Reading JSON Lines logs that may be large: streamed, never read whole into memory. */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

export interface Line {
  number: number;        // 1-based
  text: string;          // without the newline
  terminated: boolean;   // false for a last line the writer never finished
}

/**
 * The lines of a file, one at a time, from byte `start` (a line's start; numbers count from there).
 * A final line without its newline is still given, marked unterminated.
 */
export async function* readLines(file: string, start = 0): AsyncGenerator<Line> {
  let rest = '';
  let number = 0;
  // The stream decodes UTF-8 itself, so a character split across two chunks is not garbled.
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20, start })) {
    const parts = (rest + (chunk as string)).split('\n');
    rest = parts.pop()!;
    for (const text of parts) yield { number: ++number, text, terminated: true };
  }
  if (rest !== '') yield { number: ++number, text: rest, terminated: false };
}

export interface LastLine {
  text: string;
  terminated: boolean;
  /** Bytes before the last line, i.e. where it starts. */
  offset: number;
}

/**
 * The last line of a file, found by reading backwards from its end, so opening a large log does not
 * read all of it. Only the bytes the file's size covers are read (a device such as /dev/full has
 * size 0 and reads as empty). Null for an empty file.
 */
export async function readLastLine(file: string): Promise<LastLine | null> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    if (size === 0) return null;
    const step = 64 * 1024;
    let tail = Buffer.alloc(0);
    let position = size;
    for (;;) {
      const length = Math.min(step, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, position);
      tail = Buffer.concat([chunk, tail]);
      const terminated = tail[tail.length - 1] === 0x0a;
      const body = terminated ? tail.subarray(0, tail.length - 1) : tail;
      const start = body.lastIndexOf(0x0a);
      if (start >= 0 || position === 0) {
        return { text: body.subarray(start + 1).toString('utf8'), terminated, offset: position + start + 1 };
      }
    }
  } finally {
    await handle.close();
  }
}

/** How many newline bytes come before `offset`: the 0-based line number there. Used to name a bad line. */
export async function linesBefore(file: string, offset: number): Promise<number> {
  if (offset === 0) return 0;
  let count = 0;
  for await (const chunk of createReadStream(file, { start: 0, end: offset - 1, highWaterMark: 1 << 20 })) {
    const bytes = chunk as Buffer;
    for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) count++;
  }
  return count;
}
