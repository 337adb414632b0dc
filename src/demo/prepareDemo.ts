/**
 * The demo's data, made ready to serve: a synthetic city for each period, its monthly cycle,
 * the latest period published over its planted faults (with the reason recorded), each period's
 * steward report exported for the console, and the demo's clients and console users. `npm run
 * demo` runs it and then serves; the console's browser tests run it on a smaller city.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConnectorSet } from '../connectors/manifest.js';
import { connectorIdsOf, runCycle, type CycleResult } from '../cycle/runCycle.js';
import { generateCity } from '../fixtures/city.js';
import { publishPeriod } from '../govern/publish.js';
import { exportStewardReport } from '../report/stewardReport.js';
import { readPointer } from '../share/publishedSnapshot.js';
import { Warehouse } from '../store/warehouse.js';
import { ensureDemoAccess } from './demoAccess.js';

export interface DemoOptions {
  /** Where the drop folders, data and keys go. */
  root: string;
  persons: number;
  periods: string[];
  seed: number;
  memoryLimit?: string;
  say?: (text: string) => void;
  /** Told after each period's cycle, with its result and how long it took. */
  onCycle?: (result: CycleResult, ms: number) => void;
}

export function demoDataDir(root: string): string {
  return join(root, 'data');
}

/** Run the demo's cycles into `root`; returns the data directory. Later runs reuse the generated files. */
export async function prepareDemo(options: DemoOptions): Promise<string> {
  const dataDir = demoDataDir(options.root);
  const set = loadConnectorSet();
  const ids = connectorIdsOf(set);
  const warehouse = await Warehouse.open(dataDir, options.memoryLimit ? { memoryLimit: options.memoryLimit } : {});
  try {
    for (const period of options.periods) {
      const drop = join(options.root, 'drop', period);
      if (!existsSync(join(drop, 'truth.json'))) {
        options.say?.(`Generating a city of ${options.persons.toLocaleString('en-US')} persons for ${period} …`);
        await generateCity({ persons: options.persons, seed: options.seed, period, out: drop });
      }
      const started = Date.now();
      const result = await runCycle(warehouse, set, { period, source: drop });
      options.onCycle?.(result, Date.now() - started); // the cycle's publish step exported the period's report
    }
    const latest = options.periods[options.periods.length - 1]!;
    if (readPointer(dataDir)?.period !== latest) {
      // The demo city carries planted faults on purpose: the steward publishes over them, with the reason recorded.
      await publishPeriod(warehouse, ids, { period: latest, publishedBy: 'demo-steward', overrideReason: 'demo data: faults planted on purpose' });
      await exportStewardReport(warehouse, latest, dataDir, ids);
    }
  } finally {
    warehouse.close();
  }
  await ensureDemoAccess(options.root, dataDir);
  return dataDir;
}
