/**
 * The monthly cycle: collect at the start of the month, check and reconcile, (govern, share).
 * One implementation of each step; the CLI runs them in-process.
 */
import type { ConnectorSet } from '../connectors/manifest.js';
import { collectPeriod, type CollectOutcome } from '../collect/collectPeriod.js';
import { checkPeriod } from '../check/runChecks.js';
import type { Warehouse } from '../store/warehouse.js';

export const CYCLE_STEPS = ['collect', 'check'] as const;
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
}

export function isCycleStep(step: string): step is CycleStep {
  return (CYCLE_STEPS as readonly string[]).includes(step);
}

export async function runCycle(warehouse: Warehouse, set: ConnectorSet, options: CycleOptions): Promise<CycleResult> {
  const last = CYCLE_STEPS.indexOf(options.until ?? CYCLE_STEPS[CYCLE_STEPS.length - 1]!);
  const steps = CYCLE_STEPS.slice(0, last + 1);
  options.onStep?.('collect', 'start');
  const collect = await collectPeriod(warehouse, set, options.period, options.source);
  const loaded = collect.attempts.filter((a) => a.status === 'loaded').length;
  options.onStep?.('collect', 'end', `${loaded} of ${collect.attempts.length} batches loaded`);
  if (steps.includes('check')) {
    options.onStep?.('check', 'start');
    await checkPeriod(warehouse, set.connectors, options.period);
    options.onStep?.('check', 'end');
  }
  return { period: options.period, steps, collect };
}
