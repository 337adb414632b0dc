/**
 * A steward's decision on an ID repair reaches the views: a rejected repair stays unlinked,
 * with the steward's reason, when the period is governed again; a later acceptance restores it.
 */
import { join } from 'node:path';
import t from 'tap';
import { loadConnectorSet } from '../../src/connectors/manifest.js';
import { runCycle } from '../../src/cycle/runCycle.js';
import { governPeriod } from '../../src/govern/runGovern.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { RepairDecisionStore, type RepairDecision } from '../../src/report/repairDecisions.js';
import { tempWarehouse } from '../helpers/warehouse.js';

const PERIOD = '2026-11';

t.test('a rejected repair is not applied when the period is governed again', async (t) => {
  const warehouse = await tempWarehouse(t);
  await runCycle(warehouse, loadConnectorSet(), { period: PERIOD, source: join(PROJECT_ROOT, 'fixtures', 'sample-city', PERIOD), until: 'govern' });
  const resolution = async (id: string) => warehouse.one<{ status: string; repaired_id: string | null; evidence: string }>(
    `SELECT status, repaired_id, evidence FROM id_resolutions WHERE period = ? AND substr(sha256(concat_ws('|', period, connector, file, CAST(line AS VARCHAR), field)), 1, 16) = ?`, [PERIOD, id]);
  const repaired = await warehouse.all<{ repair_id: string; original_id: string; repaired_id: string }>(
    `SELECT substr(sha256(concat_ws('|', period, connector, file, CAST(line AS VARCHAR), field)), 1, 16) AS repair_id, original_id, repaired_id
     FROM id_resolutions WHERE period = ? AND status = 'repaired' ORDER BY repair_id`, [PERIOD]);
  t.ok(repaired.length >= 2, 'the sample city has repairs to decide on');
  const [rejected, kept] = repaired as [typeof repaired[0], typeof repaired[0]];
  const store = RepairDecisionStore.of(warehouse.dataDir);
  const decision = (repair: typeof rejected, verdict: RepairDecision['decision'], reason: string): RepairDecision => ({
    period: PERIOD, repair_id: repair.repair_id, decision: verdict, reason, decided_by: 'steward-li', decided_at: new Date().toISOString(),
    original_id: repair.original_id, repaired_id: repair.repaired_id,
  });
  await store.record(decision(rejected, 'rejected', 'the paper form shows another person'));
  await store.record(decision(kept, 'accepted', 'birth register agrees'));

  await governPeriod(warehouse, PERIOD);
  t.match(await resolution(rejected.repair_id), { status: 'rejected', repaired_id: null, evidence: /^rejected by steward-li: the paper form shows another person \(the repair was: / });
  t.match(await resolution(kept.repair_id), { status: 'repaired', repaired_id: kept.repaired_id }, 'an accepted repair stands');
  const others = await warehouse.one<{ n: bigint }>(`SELECT count(*) AS n FROM id_resolutions WHERE period = ? AND status = 'repaired'`, [PERIOD]);
  t.equal(Number(others!.n), repaired.length - 1, 'no other repair changed');

  await store.record(decision(rejected, 'accepted', 'second look: it is the same person'));
  await governPeriod(warehouse, PERIOD);
  t.match(await resolution(rejected.repair_id), { status: 'repaired', repaired_id: rejected.repaired_id }, 'the latest decision stands');
});
