import t from 'tap';
import fc from 'fast-check';
import { isoNow } from '../../src/audit/clock.js';

t.test('the audit clock gives the ISO text of the millisecond asked about, whatever came before', async () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 4_102_444_800_000 }), { minLength: 1, maxLength: 20 }), (times) =>
    times.every((ms) => isoNow(ms) === new Date(ms).toISOString())));
});

t.test('without an argument it tells the current time', async (t) => {
  const before = Date.now();
  const now = Date.parse(isoNow());
  t.ok(now >= before && now <= Date.now());
});
