// The DuckDB macros (pipelines/macros/identifiers.sql) give exactly the TypeScript results.
import t from 'tap';
import fc from 'fast-check';
import { DuckDBInstance, LIST, VARCHAR, listValue, type DuckDBConnection } from '@duckdb/node-api';
import { identifierMacrosSql, installIdentifierMacros } from '../../src/ids/sqlMacros.js';
import {
  cleanIdentifier, normaliseResidentId, residentIdCheckCharacter, residentIdProblem, upgradeFifteenDigit,
} from '../../src/ids/residentId.js';
import { USCC_ALPHABET, usccCheckCharacter, usccProblem } from '../../src/ids/uscc.js';
import { disabilityCertificateProblem } from '../../src/ids/disabilityCertificate.js';
import { birthDate, province, toFullWidth, validResidentId, validUscc, vectorLines, withSpaces } from './helpers.js';

const instance = await DuckDBInstance.create(':memory:');
const connection: DuckDBConnection = await instance.connect();
await installIdentifierMacros(connection);
t.teardown(() => {
  connection.closeSync();
  instance.closeSync();
});

const orNull = (f: () => string) => {
  try {
    return f();
  } catch {
    return null;
  }
};

interface Row {
  input: string | null;
  clean: string | null;
  normalised: string | null;
  ricCheck: string | null;
  ricProblem: string | null;
  usccCheck: string | null;
  usccProblem: string | null;
  disability: string | null;
}

/** Every macro over a batch of strings, in one query with the batch bound as a list. */
async function sqlResults(inputs: (string | null)[], asOf: string | null): Promise<Row[]> {
  const reader = await connection.runAndReadAll(
    `SELECT x AS input, dx_clean_identifier(x) AS clean, dx_normalise_resident_id(x) AS normalised,
            dx_resident_id_check_char(dx_clean_identifier(x)) AS "ricCheck",
            dx_resident_id_problem(dx_normalise_resident_id(x), CAST($2 AS DATE)) AS "ricProblem",
            dx_uscc_check_char(dx_clean_identifier(x)) AS "usccCheck",
            dx_uscc_problem(dx_clean_identifier(x)) AS "usccProblem",
            dx_disability_certificate_problem(x) AS disability
     FROM (SELECT unnest(range(len(l))) AS i, unnest(l) AS x FROM (SELECT $1 AS l)) ORDER BY i`,
    [listValue(inputs), asOf === null ? null : `${asOf.slice(0, 4)}-${asOf.slice(4, 6)}-${asOf.slice(6)}`],
    [LIST(VARCHAR), VARCHAR],
  );
  return reader.getRowObjectsJS() as unknown as Row[];
}

function tsResults(input: string | null, asOf: string | null): Row {
  if (input === null) {
    return { input, clean: null, normalised: null, ricCheck: null, ricProblem: null, usccCheck: null, usccProblem: null, disability: null };
  }
  const clean = cleanIdentifier(input);
  const normalised = normaliseResidentId(input);
  return {
    input,
    clean,
    normalised,
    ricCheck: orNull(() => residentIdCheckCharacter(clean)),
    ricProblem: asOf === null ? residentIdProblem(normalised) : residentIdProblem(normalised, asOf),
    usccCheck: orNull(() => usccCheckCharacter(clean)),
    usccProblem: usccProblem(clean),
    disability: disabilityCertificateProblem(input),
  };
}

// DuckDB strings are UTF-8: a lone UTF-16 surrogate cannot reach it unchanged, so junk strings
// are well-formed (and hold no NUL).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// Inputs: valid and mutated IDs, 15-digit forms, full-width, spaces and lowercase, USCCs,
// disability certificate numbers, ID-shaped strings with random area codes and dates, junk.
const anyChar = fc.constantFrom(...'0123456789Xx ABCIOSVZaz-.;\'\u3000\u00a0\t１９ｘＸａ；'.split(''));
function mutate(s: string) {
  return fc.oneof(
    fc.tuple(fc.nat({ max: s.length - 1 }), anyChar).map(([i, ch]) => s.slice(0, i) + ch + s.slice(i + 1)),
    fc.nat({ max: s.length - 2 }).map((i) => s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2)),
    fc.nat({ max: s.length - 1 }).map((i) => s.slice(0, i) + s.slice(i + 1)),
    fc.tuple(fc.nat({ max: s.length }), anyChar).map(([i, ch]) => s.slice(0, i) + ch + s.slice(i)),
  );
}
const dressed = (s: string) =>
  fc.oneof(fc.constant(s), fc.constant(s.toLowerCase()), fc.constant(toFullWidth(s)), withSpaces(s), mutate(s));
const idShaped = fc
  .tuple(fc.oneof(province, fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'))),
    fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
    fc.oneof(birthDate('1840-01-01', '2200-12-31'), fc.integer({ min: 0, max: 99999999 }).map((n) => String(n).padStart(8, '0'))),
    fc.integer({ min: 0, max: 999 }).map((n) => String(n).padStart(3, '0')),
    fc.constantFrom(...'0123456789X'))
  .map((parts) => parts.join(''));
const input: fc.Arbitrary<string | null> = fc.oneof(
  validResidentId('1850-01-01', '2100-12-31').chain(dressed),
  validResidentId('1900-01-01', '1999-12-31').map((id) => id.slice(0, 6) + id.slice(8, 17)).chain(dressed),
  idShaped.chain(dressed),
  validUscc.chain(dressed),
  fc.array(fc.constantFrom(...USCC_ALPHABET, 'I', 'O', 'S', 'V', 'Z'), { minLength: 16, maxLength: 19 }).map((a) => a.join('')),
  fc.tuple(validResidentId(), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 })).map(([id, c, g]) => `${id}${c}${g}`).chain(dressed),
  fc.string({ unit: fc.constantFrom(...'0123456789X'.split('')), minLength: 14, maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 24 }).filter((s) => !LONE_SURROGATE.test(s) && !s.includes('\0')),
  fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => !s.includes('\0')),
  fc.constant(null),
);
const asOfArb = fc.oneof(fc.constant(null), birthDate('1900-01-01', '2100-12-31'));

t.test('macros agree with TypeScript on random strings', async (t) => {
  let compared = 0;
  const seen = new Set<string>();
  await fc.assert(
    fc.asyncProperty(fc.array(input, { minLength: 10, maxLength: 60 }), asOfArb, async (inputs, asOf) => {
      const fromSql = await sqlResults(inputs, asOf);
      const fromTs = inputs.map((s) => tsResults(s, asOf));
      compared += inputs.length;
      for (const row of fromTs) for (const p of [row.ricProblem, row.usccProblem, row.disability]) seen.add(String(p));
      t.strictSame(fromSql, fromTs);
      return JSON.stringify(fromSql) === JSON.stringify(fromTs);
    }),
    { numRuns: 300 },
  );
  t.ok(compared > 3000, `${compared} strings compared`);
  // The generators reach every outcome, so agreement is not just agreement on the easy cases.
  for (const outcome of ['null', 'wrong length', 'not digits', 'unknown province', 'impossible birth date', 'bad check character',
    'bad characters', 'not an ID number followed by a category (1-7) and a grade (1-4)', 'holder ID: bad check character',
    'holder ID: unknown province']) {
    t.ok(seen.has(outcome), `reached: ${outcome}`);
  }
});

t.test('macros agree on the public vectors and on edge cases', async (t) => {
  const inputs = [
    ...vectorLines('cn_ric_valid.txt'), ...vectorLines('cn_ric_invalid.txt'),
    ...vectorLines('cn_uscc_valid.txt'), ...vectorLines('cn_uscc_invalid.txt'),
    '', ' ', '１１０１０２１９９１０１０１００７８', '110102910101007', '11010219000229007X', '110102200002290078',
    '110102185001010078', '110102184912310078', '91350100M0001TGQXM', 'ß', 'ﬀ', '11010219910101007\u{1F600}',
    '110102199101010078\u0301', 'ａｂｃ；＇', null,
  ];
  for (const asOf of [null, '20240101', '19910101', '19901231']) {
    t.strictSame(await sqlResults(inputs, asOf), inputs.map((s) => tsResults(s, asOf)), `as of ${asOf}`);
  }
});

t.test('15-digit upgrade in SQL', async (t) => {
  await fc.assert(
    fc.asyncProperty(validResidentId('1900-01-01', '1999-12-31'), async (id) => {
      const fifteen = id.slice(0, 6) + id.slice(8, 17);
      const [row] = await sqlResults([fifteen], null);
      return row!.normalised === id && upgradeFifteenDigit(fifteen) === id;
    }),
    { numRuns: 50 },
  );
  t.pass('upgraded');
});

t.test('the statements load the way the project loads them', async (t) => {
  const statements = identifierMacrosSql();
  t.equal(statements.length, 10);
  for (const statement of statements) {
    t.match(statement, /CREATE OR REPLACE MACRO dx_/);
    t.notMatch(statement, /;/, 'no semicolon left inside a statement');
  }
});
