import t from 'tap';
import type { Grant } from '../../src/share/accessStore.js';
import { catalogResource } from '../../src/share/catalog.js';
import type { ColumnView } from '../../src/share/columnView.js';
import { disclosurePlan } from '../../src/share/disclose.js';

// The plan reads only which columns a view has; a view holding just those names (and no rows) stands in here.
const viewWith = (...columns: string[]): ColumnView => ({ column: (name: string) => (columns.includes(name) ? { name } : undefined) }) as unknown as ColumnView;

t.test('a plan is made once per grant and view, and again over a newly published view', async (t) => {
  const population = catalogResource('population')!;
  const grant = { id: 'g1', fields: { id_number: 'full', name: 'masked' } } as unknown as Grant;
  const before = viewWith('id_number', 'name');
  const plan = disclosurePlan(grant, population, before);
  t.equal(disclosurePlan(grant, population, before), plan, 'the same view: the same plan');
  t.same(plan.sources.map((s) => s.column?.name ?? null), [null], 'no provenance column in the first period');
  const after = viewWith('id_number', 'name', 'provenance.identity');
  const next = disclosurePlan(grant, population, after);
  t.not(next, plan, 'a new period: a new plan');
  t.same(next.sources.map((s) => s.column?.name ?? null), ['provenance.identity'], 'the new period\'s provenance is served');
  t.same(next.fields, ['id_number', 'name']);
});
