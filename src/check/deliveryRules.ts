/**
 * Rules on a delivery as a whole: it holds data rows (unless its manifest allows an empty one),
 * its declared control totals (校核) match what arrived, and its row filter keeps something.
 */
import type { Connector } from '../connectors/manifest.js';
import { describeFilter } from '../connectors/rowFilter.js';
import type { Warehouse } from '../store/warehouse.js';

interface Batch {
  batch_id: string;
  rows_read: number;
  rows_filtered: number;
}

export interface DeliveryMeasure {
  checked: number;
  failed: number;
  ratio: number;
  message: string | null;
  skipped?: boolean;
}

export function measureDelivery(batch: Batch): DeliveryMeasure {
  const empty = batch.rows_read === 0;
  return { checked: 1, failed: empty ? 1 : 0, ratio: empty ? 1 : 0, message: empty ? 'no data rows were delivered (the file holds a header at most); set delivery.allowEmpty if that can be right' : null };
}

export async function measureControlTotals(warehouse: Warehouse, batchId: string): Promise<DeliveryMeasure> {
  const rows = await warehouse.all<{ problem: string | null }>(`SELECT problem FROM batch_controls WHERE batch_id = ? ORDER BY file, measure`, [batchId]);
  if (rows.length === 0) return { checked: 0, failed: 0, ratio: 0, skipped: true, message: 'no control totals were compared' };
  const problems = rows.flatMap((r) => (r.problem ? [r.problem] : []));
  return { checked: rows.length, failed: problems.length, ratio: problems.length > 0 ? 1 : 0, message: problems.length > 0 ? problems.join('; ') : `${rows.length} declared total(s) match` };
}

export function measureFilter(connector: Connector, batch: Batch): DeliveryMeasure {
  const ratio = batch.rows_read === 0 ? 0 : batch.rows_filtered / batch.rows_read;
  const all = batch.rows_read > 0 && batch.rows_filtered === batch.rows_read;
  return {
    checked: batch.rows_read, failed: batch.rows_filtered, ratio,
    message: `${batch.rows_filtered} of ${batch.rows_read} rows left out: the filter ${connector.filter ? describeFilter(connector.filter) : ''}${all ? ' (every row: is the filter right?)' : ''}`,
  };
}
