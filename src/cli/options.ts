/** Options every data command shares. */
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { loadConnectorSet, type ConnectorSet } from '../connectors/manifest.js';
import { CONNECTORS_DIR } from '../paths.js';
import type { Warehouse } from '../store/warehouse.js';
import { openWarehouseWaiting } from '../schedule/warehouseLease.js';
import { reconcilePublication } from '../govern/publish.js';
import { note } from './output.js';

export interface DataOptions {
  data: string;
  connectors?: string;
}

export function withDataOptions(command: Command): Command {
  return command
    .addOption(new Option('--data <dir>', 'where the DuckDB files live').default('./data'))
    .addOption(new Option('--connectors <dir>', 'connector manifests to use').default(undefined, 'the project\'s connectors/'));
}

export function connectorsFrom(options: DataOptions): ConnectorSet {
  return loadConnectorSet(options.connectors ? resolve(options.connectors) : CONNECTORS_DIR);
}

export { connectorIdsOf as connectorIds } from '../cycle/runCycle.js';

export async function withWarehouse<T>(options: DataOptions, work: (warehouse: Warehouse) => Promise<T>): Promise<T> {
  // A worker between two steps holds the file for a moment; a running cycle for longer.
  const warehouse = await openWarehouseWaiting(resolve(options.data), { timeoutMs: 30_000, onWait: note });
  try {
    // A publish killed between its record and the served pointer is finished here, by whoever opens next.
    const repaired = await reconcilePublication(warehouse);
    if (repaired) note(repaired);
    return await work(warehouse);
  } finally {
    warehouse.close();
  }
}

export function periodOption(): Option {
  return new Option('--period <YYYY-MM>', 'the period (month)').makeOptionMandatory();
}
