/** The generator's ground truth (truth.json), typed for the accuracy tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface AtLine { connector: string; file: string; line: number }

export interface Truth {
  seed: number;
  period: string;
  persons: number;
  files: Array<{ connector: string; file: string; encoding: string; format: string; rowsWritten: number }>;
  brokenRows: Array<AtLine & { kind: string; field?: string }>;
  mistypedIds: Array<AtLine & { field: string; written: string; trueId: string; kind: string }>;
  idVariants: Array<AtLine & { field: string; written: string; trueId: string; kind: string }>;
  duplicateRows: Array<AtLine & { duplicateOf: number }>;
  invalidUscc: Array<AtLine & { written: string }>;
  /** Rows of another kind in a mixed file (only when a layout filters). */
  filteredRows?: Array<AtLine & { label: string }>;
  [other: string]: unknown;
}

export function readTruth(dir: string): Truth {
  return JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as Truth;
}
