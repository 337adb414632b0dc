// Property tests for normalisation and the check characters.
import t from 'tap';
import fc from 'fast-check';
import {
  cleanIdentifier, normaliseResidentId, residentIdCheckCharacter, residentIdProblem, upgradeFifteenDigit,
  residentIdFacts, maskResidentId,
} from '../../src/ids/residentId.js';
import { USCC_ALPHABET, normaliseUscc, usccCheckCharacter, usccProblem } from '../../src/ids/uscc.js';
import { disabilityCertificateNumber, disabilityCertificateProblem } from '../../src/ids/disabilityCertificate.js';
import { toFullWidth, validResidentId, validUscc, withSpaces } from './helpers.js';

const check = (property: fc.IProperty<any> | fc.IAsyncProperty<any>) => fc.assert(property as fc.IProperty<any>);

t.test('generated valid IDs are valid', async () => {
  check(fc.property(validResidentId(), (id) => residentIdProblem(id) === null));
});

t.test('15 digits to 18: upgrading the 15-digit form of a 19xx-born number gives it back', async () => {
  check(
    fc.property(validResidentId('1900-01-01', '1999-12-31'), (id) => {
      const fifteen = id.slice(0, 6) + id.slice(8, 17);
      return upgradeFifteenDigit(fifteen) === id && normaliseResidentId(fifteen) === id;
    }),
  );
});

t.test('full-width digits and X normalise to ASCII', async () => {
  check(fc.property(validResidentId(), (id) => normaliseResidentId(toFullWidth(id)) === id));
  check(fc.property(validUscc, (code) => normaliseUscc(toFullWidth(code)) === code));
  check(fc.property(validUscc, (code) => normaliseUscc(toFullWidth(code.toLowerCase())) === code));
});

t.test('a number already in normal form is taken as it is, and agrees with cleaning it', async () => {
  const cleanedThenUpgraded = (raw: string): string => {
    const cleaned = cleanIdentifier(raw);
    return /^[0-9]{15}$/.test(cleaned) ? upgradeFifteenDigit(cleaned) : cleaned;
  };
  const idLike = fc.array(fc.constantFrom('0', '1', '7', '9', 'X', 'x', ' ', '\u3000', '\uff11', 'a', '-'), { minLength: 14, maxLength: 20 }).map((cs) => cs.join(''));
  check(fc.property(fc.oneof(validResidentId(), idLike, fc.string()), (raw) => normaliseResidentId(raw) === cleanedThenUpgraded(raw)));
});

t.test('a birth date is impossible exactly when the calendar has no such day (from 1850)', async () => {
  const calendar = (y: number, m: number, d: number): boolean => {
    const date = new Date(Date.UTC(y, m - 1, d));
    return y >= 1850 && m >= 1 && m <= 12 && d >= 1 && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  };
  // Century and leap years, February and month ends are where calendars go wrong.
  const year = fc.oneof(fc.integer({ min: 1000, max: 9999 }), fc.constantFrom(1849, 1850, 1900, 2000, 2023, 2024, 2100, 2400));
  const month = fc.oneof(fc.integer({ min: 0, max: 99 }), fc.constantFrom(2, 4, 12, 13));
  const day = fc.oneof(fc.integer({ min: 0, max: 99 }), fc.constantFrom(28, 29, 30, 31, 32));
  check(fc.property(year, month, day, (y, m, d) => {
    const first17 = `110102${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}007`;
    const id = first17 + residentIdCheckCharacter(first17);
    return (residentIdProblem(id) === 'impossible birth date') === !calendar(y, m, d);
  }));
  check(fc.property(fc.date({ min: new Date('1850-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }), (date) => {
    const ymd = date.toISOString().slice(0, 10).replaceAll('-', '');
    const first17 = `110102${ymd}007`;
    return residentIdProblem(first17 + residentIdCheckCharacter(first17)) === null;
  }));
});

t.test('lowercase x', async () => {
  check(fc.property(validResidentId(), (id) => normaliseResidentId(id.toLowerCase()) === id));
  t.equal(normaliseResidentId('44011320141005001x'), '44011320141005001X');
});

t.test('inserted spaces (ASCII, ideographic, no-break, tab) are removed', async () => {
  check(fc.property(validResidentId().chain((id) => fc.tuple(fc.constant(id), withSpaces(id))), ([id, spaced]) => normaliseResidentId(spaced) === id));
  check(fc.property(validUscc.chain((c) => fc.tuple(fc.constant(c), withSpaces(c))), ([code, spaced]) => normaliseUscc(spaced) === code));
});

t.test('normalisation is idempotent, on any string', async () => {
  const anyString = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom(...'0123456789Xx１２３ｘＸ \u3000\u00a0\t'.split('')) }));
  check(fc.property(anyString, (s) => cleanIdentifier(cleanIdentifier(s)) === cleanIdentifier(s)));
  check(fc.property(anyString, (s) => normaliseResidentId(normaliseResidentId(s)) === normaliseResidentId(s)));
});

t.test('only ASCII letters are upper-cased', async () => {
  t.equal(cleanIdentifier('ß'), 'ß', 'not SS');
  t.equal(cleanIdentifier('ﬀ'), 'ﬀ', 'not FF');
  t.equal(cleanIdentifier('ａｂｚ'), 'ABZ');
});

// GB 11643's check is ISO 7064 MOD 11-2: sum(w_i d_i) + c == 1 (mod 11), with weights
// w_i = 2^(18-i) mod 11, all non-zero, and 11 prime. So:
//  - a single substitution d -> d' at position i changes the sum by w_i (d' - d), which is never
//    0 mod 11 (0 < |d' - d| <= 10 for digits and X = 10): every single substitution is detected;
//  - swapping adjacent distinct characters a, b at positions i, i+1 changes the sum by
//    (w_i - w_{i+1})(b - a). It is detected exactly when w_i != w_{i+1} (mod 11); here
//    w_i = 2 w_{i+1}, so the weights of neighbours always differ and every adjacent
//    transposition of distinct characters is detected (the last pair included: the check
//    character has weight 1, position 17 has weight 2; an X moved into position 17 also
//    makes the number "not digits").
// The tests below try every substitution and every adjacent transposition of each number.
const CHECK_CHARS = '0123456789X';
const checkHolds = (id: string) => /^[0-9]{17}[0-9X]$/.test(id) && residentIdCheckCharacter(id) === id[17];

t.test('MOD 11-2: every single substitution is detected', async () => {
  check(
    fc.property(validResidentId(), (id) => {
      for (let i = 0; i < 18; i++) {
        for (const ch of i < 17 ? '0123456789' : CHECK_CHARS) {
          if (ch === id[i]) continue;
          const mutated = id.slice(0, i) + ch + id.slice(i + 1);
          if (checkHolds(mutated) || residentIdProblem(mutated) === null) return false;
        }
      }
      return true;
    }),
  );
});

t.test('MOD 11-2: every adjacent transposition of distinct characters is detected', async () => {
  check(
    fc.property(validResidentId(), (id) => {
      for (let i = 0; i < 17; i++) {
        if (id[i] === id[i + 1]) continue;
        const swapped = id.slice(0, i) + id[i + 1] + id[i] + id.slice(i + 2);
        if (checkHolds(swapped) || residentIdProblem(swapped) === null) return false;
      }
      return true;
    }),
  );
});

t.test('USCC: random valid codes pass and every single-character substitution fails', async () => {
  // Weights 3^(i-1) mod 31 are non-zero and 31 is prime: a substitution changes the sum by
  // w_i (v' - v) with 0 < |v' - v| <= 30, never 0 mod 31.
  check(
    fc.property(validUscc, (code) => {
      if (usccProblem(code) !== null) return false;
      for (let i = 0; i < 18; i++) {
        for (const ch of USCC_ALPHABET) {
          if (ch === code[i]) continue;
          if (usccProblem(code.slice(0, i) + ch + code.slice(i + 1)) !== 'bad check character') return false;
        }
      }
      return true;
    }),
  );
});

t.test('check-character functions refuse what they cannot compute', async (t) => {
  t.throws(() => residentIdCheckCharacter('1234'), RangeError);
  t.throws(() => residentIdCheckCharacter('1101021991010100X'), RangeError);
  t.throws(() => upgradeFifteenDigit('11010291010100'), RangeError);
  t.throws(() => usccCheckCharacter('9111000060003IOZS'), RangeError);
  t.equal(residentIdCheckCharacter('110102199101010078'), '8', 'reads the first 17 of a whole number');
});

t.test('problems in order of precedence', async (t) => {
  t.equal(residentIdProblem('11010219910101007'), 'wrong length');
  t.equal(residentIdProblem('11010219910101007\u{1F600}'), 'not digits', '18 code points, one astral');
  t.equal(residentIdProblem('1101021991010100\u{1F600}'), 'wrong length', '17 code points, 18 UTF-16 units');
  t.equal(residentIdProblem('110102X99101010078'), 'not digits');
  t.equal(residentIdProblem('990102199101010078'), 'unknown province');
  t.equal(residentIdProblem('110102190002290078'), 'impossible birth date', '1900 was not a leap year');
  t.equal(residentIdProblem('110102184901010078'), 'impossible birth date', 'before 1850');
  t.equal(residentIdProblem('110102199101010078', '19901231'), 'impossible birth date', 'after as-of');
  t.equal(residentIdProblem('110102199101010079'), 'bad check character');
  t.equal(usccProblem('\u{1F600}1110000600037341'), 'wrong length');
});

t.test('facts, masking and disability certificates', async (t) => {
  t.same(residentIdFacts('110102199101010078'), { birthDate: '1991-01-01', sex: 'M' });
  t.equal(maskResidentId('110102199101010078'), '110102********0078');
  t.equal(maskResidentId('123'), '***');
  const cert = disabilityCertificateNumber('110102199101010078', 4, 2);
  t.equal(cert, '11010219910101007842');
  t.equal(disabilityCertificateProblem(cert), null);
  t.equal(disabilityCertificateProblem(` ${toFullWidth(cert)}`), null);
  t.equal(disabilityCertificateProblem('11010219910101007882'), 'not an ID number followed by a category (1-7) and a grade (1-4)');
  t.equal(disabilityCertificateProblem('11010219910101007945'), 'not an ID number followed by a category (1-7) and a grade (1-4)');
  t.equal(disabilityCertificateProblem('11010219910101007942'), 'holder ID: bad check character');
});
