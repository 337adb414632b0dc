/** Property: across generated clients, grants and requests, no client ever receives a field it was not granted. */
import fc from 'fast-check';
import t from 'tap';
import { catalogResource } from '../../src/share/catalog.js';
import { client, exchange, grant, publishedDataDir } from '../helpers/exchange.js';

t.test('no field leaves that was not granted, masked fields leave masked', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const population = catalogResource('population')!;
  const entity = catalogResource('legal-entity')!;
  const clients: Array<{ headers: { authorization: string }; population?: Record<string, 'full' | 'masked'>; entity?: Record<string, 'full' | 'masked'> }> = [];
  const grantArb = (fields: typeof population.fields) => fc.dictionary(fc.constantFrom(...fields.map((f) => f.name)), fc.constantFrom<'full' | 'masked'>('full', 'masked'), { minKeys: 1 })
    .map((g) => Object.fromEntries(Object.entries(g).map(([name, access]) => [name, fields.find((f) => f.name === name)!.mask ? access : 'full'] as const)));
  const plans = fc.sample(fc.record({ population: fc.option(grantArb(population.fields), { nil: undefined }), entity: fc.option(grantArb(entity.fields), { nil: undefined }) }), { numRuns: 8, seed: 42 });
  for (const [i, plan] of plans.entries()) {
    const c = await client(dataDir, `client-${i}`, 'civil-affairs');
    if (plan.population) await grant(dataDir, c.id, 'population', plan.population);
    if (plan.entity) await grant(dataDir, c.id, 'legal-entity', plan.entity);
    clients.push({ headers: c.headers, ...plan });
  }
  const app = await exchange(t, dataDir);
  const snapshot = app.snapshots.current()!;
  const persons = [...snapshot.persons.keys()];
  const entities = [...snapshot.entities.keys()];
  await fc.assert(fc.asyncProperty(
    fc.integer({ min: 0, max: clients.length - 1 }), fc.boolean(), fc.nat(), fc.constantFrom('benefit review', 'other purpose'),
    async (ci, askPerson, pick, purpose) => {
      const c = clients[ci]!;
      const granted = askPerson ? c.population : c.entity;
      const key = askPerson ? persons[pick % persons.length]! : entities[pick % entities.length]!;
      const response = await app.inject({ url: `/v1/${askPerson ? 'persons' : 'entities'}/${key}?purpose=${encodeURIComponent(purpose)}`, headers: c.headers });
      if (!granted || purpose !== 'benefit review') return response.statusCode === 403 && response.json().data === undefined;
      if (response.statusCode !== 200) return false;
      const data = response.json().data as Record<string, unknown>;
      const record = (askPerson ? snapshot.persons : snapshot.entities).get(key)!;
      if (Object.keys(data).sort().join() !== Object.keys(granted).sort().join()) return false;
      // Provenance speaks only of granted fields, and only their sources are given.
      const { provenance, sources } = response.json() as { provenance: Record<string, string>; sources: Record<string, unknown> };
      if (!Object.keys(provenance).every((name) => name in granted)) return false;
      if (Object.keys(sources).sort().join() !== [...new Set(Object.values(provenance))].sort().join()) return false;
      return Object.entries(granted).every(([name, access]) => {
        const full = record[name] ?? null;
        if (access === 'full' || full === null) return JSON.stringify(data[name]) === JSON.stringify(full);
        return data[name] !== full || String(full).length <= 1;
      });
    },
  ), { numRuns: 300, seed: 7 });
});
