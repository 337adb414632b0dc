/**
 * Publishing a period: its views become what is shared. Refused while the period has
 * error-level check failures (or failed or missing batches), unless a steward overrides with a
 * recorded reason.
 */
import type { Warehouse } from '../store/warehouse.js';
import { checksReport } from '../report/checksReport.js';
import { exportSnapshot, type SnapshotPointer } from '../share/publishedSnapshot.js';

export class PublishRefusedError extends Error {
  constructor(readonly period: string, readonly blocking: string[]) {
    super(`period ${period} cannot be published: ${blocking.length} blocking finding(s):\n${blocking.map((b) => `  - ${b}`).join('\n')}\nA steward may publish anyway with --override-reason "why".`);
  }
}

export interface PublishOptions {
  period: string;
  publishedBy: string;
  overrideReason?: string;
}

export interface Publication {
  period: string;
  overridden: boolean;
  blocking: string[];
  snapshot: SnapshotPointer;
}

export async function publishPeriod(warehouse: Warehouse, connectorIds: string[], options: PublishOptions): Promise<Publication> {
  const governed = await warehouse.one<{ population_view_sha256: string; legal_entity_view_sha256: string }>(
    `SELECT population_view_sha256, legal_entity_view_sha256 FROM governed_periods WHERE period = ?`, [options.period]);
  if (!governed) throw new Error(`period ${options.period} has not been governed; nothing to publish`);
  const { blocking } = await checksReport(warehouse, options.period, connectorIds);
  const reason = options.overrideReason?.trim();
  if (blocking.length > 0 && !reason) throw new PublishRefusedError(options.period, blocking);
  await warehouse.transaction(async () => {
    await warehouse.run(`DELETE FROM published_periods WHERE period = ?`, [options.period]);
    await warehouse.run(`INSERT INTO published_periods VALUES (?, now(), ?, ?, ?, ?, ?)`, [
      options.period, options.publishedBy, blocking.length > 0 ? reason! : null, JSON.stringify(blocking), governed.population_view_sha256, governed.legal_entity_view_sha256,
    ]);
  });
  // The record first: a snapshot without a publication record is never pointed at.
  const snapshot = await exportSnapshot(warehouse, options.period);
  return { period: options.period, overridden: blocking.length > 0, blocking, snapshot };
}
