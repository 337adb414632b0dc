/**
 * The monthly cycle: collect at the start of the month, check and reconcile, (govern, share).
 * One implementation of each step; the CLI runs them in-process.
 */
import type { ConnectorSet } from '../connectors/manifest.js';
import { collectPeriod, type CollectOutcome } from '../collect/collectPeriod.js';
import { checkPeriod } from '../check/runChecks.js';
import { governPeriod, type GovernResult } from '../govern/runGovern.js';
import { publishPeriod, PublishRefusedError, type Publication } from '../govern/publish.js';
import type { Warehouse } from '../store/warehouse.js';

export const CYCLE_STEPS = ['collect', 'check', 'govern', 'publish'] as const;
export type CycleStep = (typeof CYCLE_STEPS)[number];

export interface CycleOptions {
  period: string;
  source: string;
  until?: CycleStep;
  /** Told when a step starts and ends, for progress output. */
  onStep?: (step: CycleStep, phase: 'start' | 'end', detail?: string) => void;
}

export interface CycleResult {
  period: string;
  steps: CycleStep[];
  collect: CollectOutcome;
  govern?: GovernResult;
  /** Set when the publish step ran: the publication, or why it was refused. */
  publication?: Publication | { refused: string[] };
}

/** Every connector id, the broken manifests' too. */
export function connectorIdsOf(set: ConnectorSet): string[] {
  return [...set.connectors.map((c) => c.id), ...set.broken.map((b) => b.id)];
}

export async function runCycle(warehouse: Warehouse, set: ConnectorSet, options: CycleOptions): Promise<CycleResult> {
  const last = CYCLE_STEPS.indexOf(options.until ?? CYCLE_STEPS[CYCLE_STEPS.length - 1]!);
  const steps = CYCLE_STEPS.slice(0, last + 1);
  options.onStep?.('collect', 'start');
  const collect = await collectPeriod(warehouse, set, options.period, options.source);
  const loaded = collect.attempts.filter((a) => a.status === 'loaded').length;
  options.onStep?.('collect', 'end', `${loaded} of ${collect.attempts.length} batches loaded`);
  const result: CycleResult = { period: options.period, steps, collect };
  if (steps.includes('check')) {
    options.onStep?.('check', 'start');
    await checkPeriod(warehouse, set.connectors, options.period);
    options.onStep?.('check', 'end');
  }
  if (steps.includes('govern')) {
    options.onStep?.('govern', 'start');
    result.govern = await governPeriod(warehouse, options.period);
    options.onStep?.('govern', 'end', `${result.govern.persons} persons, ${result.govern.entities} entities`);
  }
  if (steps.includes('publish')) {
    options.onStep?.('publish', 'start');
    try {
      result.publication = await publishPeriod(warehouse, connectorIdsOf(set), { period: options.period, publishedBy: 'cycle' });
      options.onStep?.('publish', 'end', 'published');
    } catch (error) {
      if (!(error instanceof PublishRefusedError)) throw error;
      result.publication = { refused: error.blocking };
      options.onStep?.('publish', 'end', `not published: ${error.blocking.length} blocking finding(s); a steward may publish with dx publish --override-reason`);
    }
  }
  return result;
}
