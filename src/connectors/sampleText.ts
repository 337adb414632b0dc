/**
 * The start of a department's file, read the way a steward would look at it: which encoding
 * it is in, which delimiter splits it, its first lines as text. For drafting a manifest and for
 * showing a sample's header; never for loading (the collect step reads every byte itself).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { splitCsvLine } from '../collect/csvLine.js';
import type { Encoding, SourceFormat } from './manifest.js';

const SAMPLE_BYTES = 1024 * 1024;

export function readStart(path: string, bytes = SAMPLE_BYTES): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const n = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** The encoding the bytes read as: a byte-order mark, valid UTF-8, or GB18030 (which decodes anything GBK does). */
export function sniffEncoding(start: Buffer): Encoding {
  if (start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf) return 'utf-8-bom';
  // The sample may end inside a character: judge the whole lines only.
  const whole = start.subarray(0, Math.max(0, start.lastIndexOf(0x0a)) || start.length);
  if (isUtf8(whole)) return 'utf-8';
  return 'gb18030';
}

export function decodeStart(start: Buffer, encoding: Encoding): string {
  const body = encoding === 'utf-8-bom' && start[0] === 0xef ? start.subarray(3) : start;
  return encoding.startsWith('utf-8') ? body.toString('utf8') : iconv.decode(body, encoding);
}

/** Non-blank whole lines of the decoded start (the last, maybe cut short, left out when more follow). */
export function sampleLines(text: string, max = 200): string[] {
  const lines = text.split('\n');
  if (lines.length > 1) lines.pop();
  return lines.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '').slice(0, max);
}

const DELIMITERS = [',', ';', '\t', '|', '，'];

/** The delimiter that splits the header into the most cells and every sampled line into as many. */
export function sniffDelimiter(lines: string[]): string {
  let best = ',';
  let bestScore = -1;
  for (const d of DELIMITERS) {
    const counts = lines.slice(0, 50).map((l) => splitCsvLine(l, d).length);
    const header = counts[0] ?? 1;
    if (header < 2) continue;
    const agreeing = counts.filter((c) => c === header).length / counts.length;
    const score = agreeing * 1000 + header;
    if (score > bestScore) { best = d; bestScore = score; }
  }
  return best;
}

export function formatOf(path: string): SourceFormat {
  if (/\.(jsonl|ndjson|json)$/i.test(path)) return 'jsonl';
  if (/\.parquet$/i.test(path)) return 'parquet';
  return 'csv';
}

/** The keys of the first JSON objects of a JSON Lines sample, in first-seen order, with their values. */
export function jsonSample(lines: string[]): { header: string[]; rows: string[][] } {
  const objects = lines.slice(0, 200).flatMap((l) => {
    try {
      const v = JSON.parse(l) as unknown;
      return v && typeof v === 'object' && !Array.isArray(v) ? [v as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
  const header = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  return { header, rows: objects.map((o) => header.map((h) => (o[h] === undefined || o[h] === null ? '' : String(o[h])))) };
}
