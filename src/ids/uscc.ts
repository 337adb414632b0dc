/**
 * Unified Social Credit Codes (统一社会信用代码, GB 32100-2015): 18 characters over an
 * alphabet without I, O, S, V and Z, the last a MOD 31 check character.
 */
import { cleanIdentifier, codePointLength } from './residentId.js';

export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export type UsccProblem = 'wrong length' | 'bad characters' | 'bad check character';

/**
 * The check character for the first 17 characters, which must be in USCC_ALPHABET (a longer
 * string is read up to its 17th character). Throws a RangeError otherwise (the SQL twin
 * returns NULL).
 */
export function usccCheckCharacter(first17: string): string {
  if (!/^[0-9ABCDEFGHJKLMNPQRTUWXY]{17}/.test(first17)) throw new RangeError('usccCheckCharacter needs 17 characters of the USCC alphabet');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]!) * WEIGHTS[i]!;
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

export function normaliseUscc(raw: string): string {
  return cleanIdentifier(raw);
}

/** Why a normalised code is invalid, or null. A bad check character is a finding, not a drop. */
export function usccProblem(code: string): UsccProblem | null {
  if (codePointLength(code) !== 18) return 'wrong length';
  if (!/^[0-9ABCDEFGHJKLMNPQRTUWXY]{18}$/.test(code)) return 'bad characters';
  if (usccCheckCharacter(code) !== code[17]) return 'bad check character';
  return null;
}

export function isValidUscc(raw: string): boolean {
  return usccProblem(normaliseUscc(raw)) === null;
}
