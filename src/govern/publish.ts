/**
 * Publishing a period: its views become what is shared. Refused, each with what to do instead:
 * - while the period has error-level check failures (or failed or missing batches), unless a
 *   steward overrides with a recorded reason (--override-reason);
 * - when a view is empty, or shrank against the served one by more than the declared fraction
 *   (DX_PUBLISH_MAX_SHRINK), unless forced (--force): a wrong --period once published nobody;
 * - when it would move the served period backwards, unless that is the point (--rollback).
 *
 * One order makes it safe to kill at any moment: the snapshot file is written under a partial name
 * and renamed whole; then the warehouse's publication record commits; then the served pointer moves.
 * A process killed between the last two leaves the record ahead of the pointer, and the next
 * warehouse open moves the pointer to the record (reconcilePublication), so the two never disagree
 * for longer than until the next dx command.
 */
import type { Warehouse } from '../store/warehouse.js';
import { checksReport } from '../report/checksReport.js';
import { config } from '../config.js';
import { writePublicationRecord, type PublicationRecord } from '../cycle/cycleStatus.js';
import { formatCount, formatPercent } from '../numberFormat.js';
import { pointTo, readPointer, removePartialSnapshots, snapshotFileFor, writeSnapshotFile, type SnapshotPointer } from '../share/publishedSnapshot.js';

export class PublishRefusedError extends Error {
  constructor(readonly period: string, readonly blocking: string[]) {
    super(`period ${period} cannot be published: ${blocking.length} blocking finding(s):\n${blocking.map((b) => `  - ${b}`).join('\n')}\nA steward may publish anyway with --override-reason "why".`);
  }
}

/** A refusal that no override reason lifts: the flag it names does, deliberately. */
export class PublishGuardError extends Error {
  constructor(readonly period: string, readonly flag: '--force' | '--rollback', message: string) {
    super(`period ${period} is not published: ${message}. If that is really meant, publish with ${flag}.`);
  }
}

export interface PublishOptions {
  period: string;
  publishedBy: string;
  overrideReason?: string;
  /** Publish an empty or shrunken view. */
  force?: boolean;
  /** Move the served period backwards. */
  rollback?: boolean;
}

export interface Publication {
  period: string;
  overridden: boolean;
  blocking: string[];
  snapshot: SnapshotPointer;
  /** An override reason given when nothing blocked: recorded, and said so. */
  reasonNotNeeded: boolean;
  forced: string[];
  rolledBackFrom: string | null;
}

interface Governed {
  persons: number;
  entities: number;
  population_view_sha256: string;
  legal_entity_view_sha256: string;
}

/** Why publishing this view would need --force: empty views, and views that shrank too far. */
async function sizeRefusals(warehouse: Warehouse, period: string, governed: Governed, served: SnapshotPointer | undefined): Promise<string[]> {
  const refusals: string[] = [];
  if (governed.persons === 0) refusals.push('the population view is empty (0 persons)');
  if (governed.entities === 0) refusals.push('the legal-entity view is empty (0 entities)');
  if (!served) return refusals;
  const before = served.persons !== undefined && served.entities !== undefined
    ? { persons: served.persons, entities: served.entities }
    : await warehouse.one<{ persons: number; entities: number }>(`SELECT persons, entities FROM governed_periods WHERE period = ?`, [served.period]);
  if (!before) return refusals;
  const limit = config().DX_PUBLISH_MAX_SHRINK;
  for (const [what, now, was] of [['population', governed.persons, before.persons], ['legal-entity', governed.entities, before.entities]] as const) {
    if (now === 0 || was === 0) continue;
    const shrink = (was - now) / was;
    if (shrink > limit) refusals.push(`the ${what} view shrank by ${formatPercent(shrink)} against the served ${served.period} (${formatCount(was)} → ${formatCount(now)}; DX_PUBLISH_MAX_SHRINK allows ${formatPercent(limit)})`);
  }
  return refusals;
}

export async function publishPeriod(warehouse: Warehouse, connectorIds: string[], options: PublishOptions): Promise<Publication> {
  const { period } = options;
  const governed = await warehouse.one<Governed>(
    `SELECT persons, entities, population_view_sha256, legal_entity_view_sha256 FROM governed_periods WHERE period = ?`, [period]);
  if (!governed) throw new Error(`period ${period} has not been governed; nothing to publish`);
  const { blocking } = await checksReport(warehouse, period, connectorIds);
  const reason = options.overrideReason?.trim() || null;
  if (blocking.length > 0 && !reason) throw new PublishRefusedError(period, blocking);
  const served = readPointer(warehouse.dataDir);
  const rolledBackFrom = served && period < served.period ? served.period : null;
  if (rolledBackFrom && !options.rollback) {
    throw new PublishGuardError(period, '--rollback', `${served!.period} is being served, and publishing ${period} would move the API back to an older month`);
  }
  const forced = await sizeRefusals(warehouse, period, governed, served);
  if (forced.length > 0 && !options.force) throw new PublishGuardError(period, '--force', forced.join('; '));

  const file = await writeSnapshotFile(warehouse, period);
  const publishedAt = new Date().toISOString();
  await warehouse.transaction(async () => {
    await warehouse.run(`DELETE FROM published_periods WHERE period = ?`, [period]);
    await warehouse.run(`INSERT INTO published_periods VALUES (?, ?::TIMESTAMPTZ, ?, ?, ?, ?, ?)`, [
      period, publishedAt, options.publishedBy, reason, JSON.stringify(blocking), governed.population_view_sha256, governed.legal_entity_view_sha256,
    ]);
  });
  const snapshot: SnapshotPointer = {
    period, file, publishedAt, populationViewSha256: governed.population_view_sha256, legalEntityViewSha256: governed.legal_entity_view_sha256,
    persons: governed.persons, entities: governed.entities,
  };
  pointTo(warehouse.dataDir, snapshot);
  const record: PublicationRecord = {
    period, publishedAt, publishedBy: options.publishedBy, overridden: blocking.length > 0, overrideReason: reason, blocking,
    forced: options.force ? forced : [], rolledBackFrom, populationViewSha256: governed.population_view_sha256,
    legalEntityViewSha256: governed.legal_entity_view_sha256, snapshotFile: file,
  };
  writePublicationRecord(warehouse.dataDir, record);
  return { period, overridden: record.overridden, blocking, snapshot, reasonNotNeeded: !!reason && blocking.length === 0, forced: record.forced, rolledBackFrom };
}

/**
 * Make the served pointer agree with the warehouse's latest publication record after a process was
 * killed between the two (the record commits first). Partial snapshot files are removed. Returns
 * what was repaired, for the caller to say.
 */
export async function reconcilePublication(warehouse: Warehouse): Promise<string | undefined> {
  const dataDir = warehouse.dataDir;
  removePartialSnapshots(dataDir);
  const governedOnce = await warehouse.one(`SELECT 1 FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'published_periods'`);
  if (!governedOnce) return undefined; // nothing has been governed here yet, so nothing published
  const latest = await warehouse.one<{ period: string; published_at: string; population_view_sha256: string; legal_entity_view_sha256: string }>(
    `SELECT period, strftime(published_at::TIMESTAMPTZ AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS published_at, population_view_sha256, legal_entity_view_sha256
     FROM published_periods ORDER BY published_at DESC LIMIT 1`);
  if (!latest) return undefined;
  const served = readPointer(dataDir);
  if (served && served.period === latest.period && served.populationViewSha256 === latest.population_view_sha256 && served.legalEntityViewSha256 === latest.legal_entity_view_sha256) return undefined;
  const file = snapshotFileFor(dataDir, latest.period, latest.population_view_sha256);
  if (!file) return `the publication record names ${latest.period}, whose snapshot file is gone; publish it again`;
  const governed = await warehouse.one<{ persons: number; entities: number }>(`SELECT persons, entities FROM governed_periods WHERE period = ?`, [latest.period]);
  pointTo(dataDir, {
    period: latest.period, file, publishedAt: latest.published_at, populationViewSha256: latest.population_view_sha256,
    legalEntityViewSha256: latest.legal_entity_view_sha256, persons: governed?.persons, entities: governed?.entities,
  });
  return `the served snapshot was moved to ${latest.period}, as the publication record says (a publish was interrupted)`;
}
