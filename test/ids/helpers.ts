// Shared generators for the identifier tests (not a test file itself: tap runs *.test.ts).
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { PROVINCE_CODES } from '../../src/ids/provinces.js';
import { residentIdCheckCharacter } from '../../src/ids/residentId.js';
import { USCC_ALPHABET, usccCheckCharacter } from '../../src/ids/uscc.js';

/** The public vectors, copied into the repository with their source and licence (test/vectors/ids/SOURCES.md). */
const TESTDATA = new URL('../vectors/ids/', import.meta.url);

export function vectorLines(file: string): string[] {
  return readFileSync(new URL(file, TESTDATA), 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const yyyymmdd = (d: Date) => `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}`;

export const province = fc.constantFrom(...PROVINCE_CODES.keys());
const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));

export function birthDate(from = '1900-01-01', to = '2025-12-31') {
  return fc.date({ min: new Date(`${from}T00:00:00Z`), max: new Date(`${to}T00:00:00Z`), noInvalidDate: true }).map(yyyymmdd);
}

/** A valid 18-character resident ID number born in [from, to]. */
export function validResidentId(from?: string, to?: string) {
  return fc.tuple(province, digits(4), birthDate(from, to), digits(3)).map(([p, area, birth, seq]) => {
    const first17 = p + area + birth + seq;
    return first17 + residentIdCheckCharacter(first17);
  });
}

/** A valid 18-character USCC. */
export const validUscc = fc
  .array(fc.constantFrom(...USCC_ALPHABET), { minLength: 17, maxLength: 17 })
  .map((chars) => chars.join(''))
  .map((first17) => first17 + usccCheckCharacter(first17));

/** ASCII (U+0021-U+007E) to its full-width form. */
export const toFullWidth = (s: string) =>
  [...s].map((ch) => (ch >= '!' && ch <= '~' ? String.fromCodePoint(ch.codePointAt(0)! + 0xfee0) : ch)).join('');

export const SPACES = [' ', '\u3000', '\u00a0', '\t'] as const;

/** Inserts spaces (of the four kinds cleanIdentifier removes) at random places. */
export function withSpaces(s: string) {
  return fc
    .array(fc.tuple(fc.nat({ max: s.length }), fc.constantFrom(...SPACES)), { maxLength: 4 })
    .map((inserts) => {
      let out = s;
      for (const [at, space] of inserts) out = out.slice(0, Math.min(at, out.length)) + space + out.slice(Math.min(at, out.length));
      return out;
    });
}
