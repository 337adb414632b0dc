/** The console's chart axes step by 1, 2 or 5 × 10^n, whole numbers for counts, and reach the largest value. */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import fc from 'fast-check';
import { PROJECT_ROOT } from '../../src/paths.js';

const { niceTicks } = (await import(pathToFileURL(join(PROJECT_ROOT, 'console', 'lib', 'chart.js')).href)) as { niceTicks: (max: number, count?: number, integer?: boolean) => number[] };

t.test('ticks for counts', async (t) => {
  t.same(niceTicks(150), [0, 50, 100, 150], 'not 37.5');
  t.same(niceTicks(3), [0, 1, 2, 3], 'a small count steps by one');
  t.same(niceTicks(0), [0, 1], 'an all-zero series still has an axis');
  fc.assert(fc.property(fc.integer({ min: 1, max: 10_000_000 }), (max) => {
    const ticks = niceTicks(max);
    const step = ticks[1]! - ticks[0]!;
    const mantissa = step / 10 ** Math.floor(Math.log10(step));
    return ticks.every((v) => Number.isInteger(v)) && ticks[ticks.length - 1]! >= max && ticks[ticks.length - 2]! < max
      && [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9) && ticks.length <= 7;
  }));
});
