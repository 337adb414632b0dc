/**
 * Citizen ID numbers (公民身份号码, GB 11643-1999): 6-digit area code, 8-digit birth date,
 * 3-digit sequence (odd = male), and an ISO 7064 MOD 11-2 check character.
 */
import { isKnownProvince } from './provinces.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = '10X98765432';

/** What is wrong with an ID number, in the words a steward reads. */
export type ResidentIdProblem =
  | 'wrong length'
  | 'not digits'
  | 'unknown province'
  | 'impossible birth date'
  | 'bad check character';

/**
 * The check character for the first 17 characters, which must be ASCII digits (a longer
 * string, such as a whole 18-character number, is read up to its 17th character).
 * Throws a RangeError otherwise (the SQL twin returns NULL).
 */
export function residentIdCheckCharacter(first17: string): string {
  if (!/^[0-9]{17}/.test(first17)) throw new RangeError('residentIdCheckCharacter needs 17 ASCII digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK_CHARACTERS[sum % 11]!;
}

/**
 * Full-width ASCII (U+FF01-U+FF5E: digits, letters, punctuation) to ASCII, spaces (ASCII,
 * ideographic U+3000, non-breaking U+00A0) and tabs removed, ASCII letters upper-cased: what
 * clerks and old systems do to ID numbers. Only ASCII letters are upper-cased: a general
 * upper-casing turns "ß" into "SS" and "ﬀ" into "FF", which can change the length of a string
 * or make letters out of non-letters, and SQL engines do not agree with JavaScript on it.
 */
export function cleanIdentifier(raw: string): string {
  let out = '';
  for (const ch of raw) {
    let code = ch.codePointAt(0)!;
    if (code === 0x20 || code === 0x3000 || code === 0xa0 || code === 0x09) continue;
    if (code >= 0xff01 && code <= 0xff5e) code -= 0xfee0;
    if (code >= 0x61 && code <= 0x7a) code -= 0x20;
    out += code < 0x80 ? String.fromCharCode(code) : ch;
  }
  return out;
}

/** Length in Unicode code points (what SQL engines call a string's length), not UTF-16 units. */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Legacy 15-digit number to 18: insert the century "19" after the area code and add the check. */
export function upgradeFifteenDigit(id15: string): string {
  if (!/^[0-9]{15}$/.test(id15)) throw new RangeError('upgradeFifteenDigit needs 15 ASCII digits');
  const first17 = `${id15.slice(0, 6)}19${id15.slice(6)}`;
  return first17 + residentIdCheckCharacter(first17);
}

/** Already in normal form: 17 ASCII digits and a digit or upper-case X (most requests). */
const NORMAL_FORM = /^[0-9]{17}[0-9X]$/;

/** The normal form: cleaned, and legacy 15-digit numbers upgraded. Invalid numbers stay as they are. */
export function normaliseResidentId(raw: string): string {
  if (NORMAL_FORM.test(raw)) return raw;
  const cleaned = cleanIdentifier(raw);
  return /^[0-9]{15}$/.test(cleaned) ? upgradeFifteenDigit(cleaned) : cleaned;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** A calendar date from 1850 on (Gregorian leap years), read from 8 ASCII digits by arithmetic: no Date object per lookup. */
function isRealDate(yyyymmdd: string): boolean {
  const digit = (i: number): number => yyyymmdd.charCodeAt(i) - 48;
  const year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  const month = digit(4) * 10 + digit(5);
  const day = digit(6) * 10 + digit(7);
  if (year < 1850 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/**
 * Why an already-normalised 18-character number is invalid, or null when it is valid.
 * `asOf` (YYYYMMDD) rejects birth dates after it. The area code is checked at province level
 * only (see provinces.ts and docs/identifiers.md).
 */
export function residentIdProblem(id: string, asOf = '99991231'): ResidentIdProblem | null {
  if (codePointLength(id) !== 18) return 'wrong length';
  if (!NORMAL_FORM.test(id)) return 'not digits';
  if (!isKnownProvince(id.slice(0, 2))) return 'unknown province';
  const birth = id.slice(6, 14);
  if (!isRealDate(birth) || birth > asOf) return 'impossible birth date';
  if (residentIdCheckCharacter(id) !== id[17]) return 'bad check character';
  return null;
}

export function isValidResidentId(raw: string, asOf?: string): boolean {
  return residentIdProblem(normaliseResidentId(raw), asOf) === null;
}

/** Birth date (YYYY-MM-DD) and sex encoded in a valid 18-character number. */
export function residentIdFacts(id: string): { birthDate: string; sex: 'M' | 'F' } {
  return {
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    sex: Number(id[16]) % 2 === 1 ? 'M' : 'F',
  };
}

/** An ID with its middle digits hidden, as sharing rules allow: 150203********123X. */
export function maskResidentId(id: string): string {
  return id.length === 18 ? `${id.slice(0, 6)}********${id.slice(14)}` : '*'.repeat(id.length);
}
