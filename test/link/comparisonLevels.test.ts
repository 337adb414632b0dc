/** Each comparison's levels on pairs chosen to hit them: ID numbers as GB 11643 has them, dates, numbers, text. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import t from 'tap';
import { gammaSql, modelComparisons } from '../../src/link/comparisonLevels.js';
import { addDerivedColumns } from '../../src/link/derivedColumns.js';
import { parseLinkageConfig } from '../../src/link/linkageConfig.js';
import { loadLinkageRecords } from '../../src/link/linkageRecords.js';
import { residentIdCheckCharacter } from '../../src/ids/residentId.js';
import { tempDir } from '../helpers/warehouse.js';

const withCheck = (first17: string) => first17 + residentIdCheckCharacter(first17);
const ID = withCheck('15020319900101123');

t.test('levels of ID numbers, dates, numbers and text', async (t) => {
  const dir = tempDir(t);
  // Each case is a pair of records (2k, 2k+1) and the level expected for each comparison.
  const cases: [string, string[], string[], Record<string, string>][] = [
    ['same number', [ID, '19900101', '12', 'zhang wei'], [` ${ID.toLowerCase()} `, '1990-01-01', '12.0', 'zhang wei'], { id: 'exact', birth: 'exact', n: 'exact', s: 'exact' }],
    ['15-digit form', [ID, '19900101', '12', 'wei zhang'], [`150203900101123`, '19900110', '13', 'zhang wei'], { id: 'same number, one in the legacy 15-digit form', birth: 'one digit mistyped or two transposed', n: 'within 1', s: 'same words in another order' }],
    ['one keystroke', [ID, '19900102', '12', 'martha'], [ID.slice(0, 10) + '9' + ID.slice(11), '19900201', '20', 'marhta'], { id: 'one keystroke apart', birth: 'day and month swapped', n: 'within 10', s: 'Damerau-Levenshtein <= 1' }],
    ['two swapped', [ID, '19900101', '12', 'abcdefgh'], [ID.slice(0, 14) + ID[15] + ID[14] + ID.slice(16), '19900120', '40', 'abcdefxy'], { id: 'two characters transposed', birth: 'within 31 days', n: 'none of the above', s: 'Jaro-Winkler >= 0.9' }],
    ['same area and birth date', [ID, '19900101', '', 'x'], [withCheck('15020319900101998'), '', '12', ''], { id: 'same area and birth date', birth: 'missing', n: 'missing', s: 'missing' }],
  ];
  const rows = cases.flatMap(([, a, b], k) => [[`a${k}`, ...a], [`b${k}`, ...b]]);
  const file = join(dir, 'pairs.csv');
  writeFileSync(file, `id,id_number,birth,n,s\n${rows.map((r) => r.map((v) => `"${v}"`).join(',')).join('\n')}\n`);
  const config = parseLinkageConfig({
    id_column: 'id',
    comparisons: [
      { column: 'id_number', name: 'id', kind: 'resident_id' },
      { column: 'birth', kind: 'date', within_days: [31] },
      { column: 'n', kind: 'number', within: [1, 10] },
      { column: 's', kind: 'text', levels: [{ token_set: true }, { damerau_levenshtein: 1 }, { jaro_winkler: 0.9 }] },
    ],
    blocking_rules: [['id']],
  });
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  t.teardown(() => { connection.closeSync(); instance.closeSync(); });
  await loadLinkageRecords(connection, [file], config);
  await addDerivedColumns(connection, config);
  const comparisons = modelComparisons(config.comparisons);
  const gammas = comparisons.map((c) => gammaSql(c)).join(', ');
  const result = (await connection.runAndReadAll(`SELECT ${gammas} FROM records l JOIN records r ON r.__row = l.__row + 1 WHERE l.__row % 2 = 0 ORDER BY l.__row`)).getRows();
  const label = (k: number, gamma: number) => (gamma === -1 ? 'missing' : gamma === 0 ? 'none of the above' : comparisons[k]!.levels[comparisons[k]!.levels.length - gamma]!.label);
  cases.forEach(([name, , , expected], i) => {
    const got = Object.fromEntries(comparisons.map((c, k) => [c.name, label(k, Number(result[i]![k]))]));
    t.same(got, expected, name);
  });
});
