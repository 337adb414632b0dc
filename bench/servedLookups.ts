/**
 * Child process of the serving bench: the cost of one lookup and its disclosure inside the process
 * (no HTTP, no audit), from each format of the same snapshot, alternating, medians of three rounds.
 * Prints one JSON line: microseconds a lookup by format.
 *
 * Usage: node dist/bench/servedLookups.js DATA_DIR LOOKUPS
 */
import { writeFileSync } from 'node:fs';
import { catalogResource } from '../src/share/catalog.js';
import type { Grant } from '../src/share/accessStore.js';
import { disclosurePlan, discloseInto } from '../src/share/disclose.js';
import { JsonBytes } from '../src/share/jsonBytes.js';
import { readPointer } from '../src/share/publishedSnapshot.js';
import { loadSnapshot, type ServingFormat } from '../src/share/servingSnapshot.js';

const [dataDir, count] = [process.argv[2]!, Number(process.argv[3] ?? 100_000)];
const pointer = readPointer(dataDir)!;
const grant = { id: 'bench', fields: { id_number: 'full', name: 'full', address: 'masked', deceased: 'full', marital_status: 'full', pension_status: 'full' } } as unknown as Grant;
const population = catalogResource('population')!;

async function microsPerLookup(format: ServingFormat, keys: string[]): Promise<number> {
  const snapshot = await loadSnapshot(dataDir, pointer, format);
  try {
    const plan = disclosurePlan(grant, population, snapshot.persons);
    const out = new JsonBytes();
    const started = process.hrtime.bigint();
    for (const key of keys) {
      const row = snapshot.persons.row(key);
      if (row === undefined) throw new Error(`${key} is not served`);
      discloseInto(out.reset(), row, plan);
      out.take();
    }
    return Number(process.hrtime.bigint() - started) / 1000 / keys.length;
  } finally {
    snapshot.close();
  }
}

const mapped = await loadSnapshot(dataDir, pointer, 'mapped');
const all = [...mapped.persons.keys()];
mapped.close();
// Spread over the register, in a scattered order (a stride prime to the register's size).
const keys = Array.from({ length: count }, (_, i) => all[(i * 7_919 + 13) % all.length]!);
const rounds: Record<ServingFormat, number[]> = { loaded: [], mapped: [] };
for (let round = 0; round < 3; round++) for (const format of ['loaded', 'mapped'] as const) rounds[format].push(await microsPerLookup(format, keys));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[1]!;
const usageFile = process.env.DX_RUSAGE_FILE;
if (usageFile) {
  const usage = process.resourceUsage();
  writeFileSync(usageFile, JSON.stringify({ maxRssKb: usage.maxRSS, userMs: usage.userCPUTime / 1000, systemMs: usage.systemCPUTime / 1000 }));
}
process.stdout.write(`${JSON.stringify({ loaded: median(rounds.loaded), mapped: median(rounds.mapped) })}\n`);
