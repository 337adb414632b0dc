/**
 * The cycle's steps, each one function, called the same way by the in-process run and by the
 * queue's workers. Each step is safe to run again for the same period: collect replaces the
 * connector's batch, check and govern replace the period's results, publish re-exports, and a
 * subscriber told twice gets the same period twice (its delivery id differs, the content not).
 */
import type { ConnectorSet } from '../connectors/manifest.js';
import { collectOneConnector, type CollectAttempt } from '../collect/collectPeriod.js';
import { checkPeriod } from '../check/runChecks.js';
import { governPeriod, type GovernResult } from '../govern/runGovern.js';
import { crossCheckPeriod, type CrossCheckResult } from '../crosscheck/crossCheckPeriod.js';
import { crossCheckRules } from '../crosscheck/crossCheckRules.js';
import type { ProgressReporter } from './trackStep.js';
import { publishPeriod, PublishRefusedError, type Publication } from '../govern/publish.js';
import { loadCatalog } from '../share/catalog.js';
import { exportStewardReport } from '../report/stewardReport.js';
import { listSubscriptions, type Subscription } from '../notify/subscriptions.js';
import { stepRetryPolicy, type RetryPolicy } from '../notify/retryPolicy.js';
import { deliverPublication, type PublishedPeriod } from '../notify/publicationWebhook.js';
import type { Warehouse } from '../store/warehouse.js';
import { formatCount } from '../numberFormat.js';

/** The steps in order; collect runs once per connector. */
export const CYCLE_STEPS = ['collect', 'check', 'govern', 'crosscheck', 'publish', 'notify'] as const;
export type CycleStep = (typeof CYCLE_STEPS)[number];

export interface StepInput {
  dataDir: string;
  set: ConnectorSet;
  period: string;
  source: string;
  runId: string;
}

export type PublishOutcome = { published: PublishedPeriod } | { refused: string[] };

/** Every connector id, the broken manifests' too. */
export function connectorIdsOf(set: ConnectorSet): string[] {
  return [...set.connectors.map((c) => c.id), ...set.broken.map((b) => b.id)];
}

export function collectStepName(connectorId: string): string {
  return `collect:${connectorId}`;
}

/** The step names a run records: one collect step per connector, then the rest. */
export function runStepNames(connectorIds: string[], until: CycleStep = 'notify'): string[] {
  const rest = CYCLE_STEPS.slice(1, CYCLE_STEPS.indexOf(until) + 1);
  return [...connectorIds.map(collectStepName), ...rest];
}

/**
 * A collect step's record: a failed batch is a failed step (the department's data could not be
 * read). A missing file is a step that ran and found nothing: the department is awaited (see
 * readCycleStatus), and says why.
 */
export function describeAttempt(attempt: CollectAttempt): { state: 'completed' | 'failed'; detail: string; error?: string } {
  if (attempt.status === 'loaded') {
    const b = attempt.batch!;
    return { state: 'completed', detail: `${formatCount(b.rowsLoaded)} rows loaded, ${formatCount(b.rowsQuarantined)} quarantined from ${formatCount(attempt.files.length)} file(s)` };
  }
  return attempt.status === 'failed' ? { state: 'failed', detail: 'batch failed', error: attempt.error } : { state: 'completed', detail: 'missing', error: attempt.error };
}

export function collectStep(warehouse: Warehouse, input: StepInput, connectorId: string): Promise<CollectAttempt> {
  return collectOneConnector(warehouse, input.set, connectorId, input.period, input.source, input.runId);
}

export async function checkStep(warehouse: Warehouse, input: StepInput, progress?: ProgressReporter): Promise<string> {
  const results = await checkPeriod(warehouse, input.set.connectors, input.period, 2, (done, total) => progress?.({ done, total, unit: 'batches' }));
  const failing = [...results.values()].flatMap((r) => r ?? []).filter((r) => r.failedRows > 0).length;
  return `${results.size} batches checked, ${failing} rule(s) with failures`;
}

export async function governStep(warehouse: Warehouse, input: StepInput): Promise<GovernResult> {
  return governPeriod(warehouse, input.period, input.set);
}

/** The analysts' cross-checks over the governed period: findings, and cases kept across periods. */
export async function crossCheckStep(warehouse: Warehouse, input: StepInput, progress?: ProgressReporter): Promise<CrossCheckResult> {
  const total = crossCheckRules().length;
  let done = 0;
  return crossCheckPeriod(warehouse, input.period, { onProgress: () => progress?.({ done: ++done, total, unit: 'rules' }) });
}

export function describeCrossCheck(result: CrossCheckResult): string {
  return `${result.findings} findings from ${result.rules.length} rules, ${result.casesOpened} new case(s)`;
}

function sharedResources(): string[] {
  return loadCatalog().filter((r) => r.sharing !== 'not_shared').map((r) => r.id);
}

/**
 * Publish, or hold the period back when blocking findings need a steward's decision (not a
 * failure to retry); either way the stewards' report of the period is exported for the console.
 */
export async function publishStep(warehouse: Warehouse, input: StepInput, connectorIds: string[]): Promise<PublishOutcome> {
  let outcome: PublishOutcome;
  try {
    const publication: Publication = await publishPeriod(warehouse, connectorIds, { period: input.period, publishedBy: 'cycle' });
    outcome = { published: { period: publication.period, publishedAt: publication.snapshot.publishedAt, overridden: publication.overridden, resources: sharedResources() } };
  } catch (error) {
    if (!(error instanceof PublishRefusedError)) throw error;
    outcome = { refused: error.blocking };
  }
  await exportStewardReport(warehouse, input.period, input.dataDir, connectorIds);
  return outcome;
}

export function describePublish(outcome: PublishOutcome): string {
  return 'published' in outcome
    ? 'published'
    : `not published: ${outcome.refused.length} blocking finding(s); a steward may publish with dx publish --override-reason`;
}

/** Subscribers to tell about a publication (none when the period was held back). */
export function subscribersToNotify(input: StepInput, outcome: PublishOutcome | undefined): Subscription[] {
  return outcome && 'published' in outcome ? listSubscriptions(input.dataDir) : [];
}

export function notifySubscriber(input: StepInput, subscription: Subscription, published: PublishedPeriod): Promise<void> {
  return deliverPublication(input.dataDir, subscription, published);
}

/**
 * A step of the cycle that works on the warehouse as a whole: what it runs, the sentence its
 * outcome is recorded as, and how a failed attempt is retried on the queue (in-process, each
 * runs once). The in-process run (runCycle.ts) and the queue's workers (schedule/cycleWorker.ts)
 * both run this table; collect (one job per connector) and notify (one delivery per subscriber)
 * fan out and are run beside it.
 */
export interface WarehouseStep<T = unknown> {
  name: Exclude<CycleStep, 'collect' | 'notify'>;
  run: (warehouse: Warehouse, input: StepInput, progress: ProgressReporter) => Promise<T>;
  describe: (value: T) => string;
  retry: () => RetryPolicy;
}

const warehouseStep = <T>(step: WarehouseStep<T>): WarehouseStep => step as unknown as WarehouseStep;

/** The warehouse steps in the order they run, between collect and notify. */
export const WAREHOUSE_STEPS: readonly WarehouseStep[] = [
  warehouseStep({ name: 'check', run: checkStep, describe: (detail: string) => detail, retry: stepRetryPolicy }),
  warehouseStep({ name: 'govern', run: governStep, describe: (g: GovernResult) => `${g.persons} persons, ${g.entities} entities`, retry: stepRetryPolicy }),
  warehouseStep({ name: 'crosscheck', run: crossCheckStep, describe: describeCrossCheck, retry: stepRetryPolicy }),
  warehouseStep({ name: 'publish', run: (warehouse, input) => publishStep(warehouse, input, connectorIdsOf(input.set)), describe: describePublish, retry: stepRetryPolicy }),
];

/** How a step's job is retried on the queue: the table's policy, the step policy for collect and notify. */
export function retryPolicyOf(step: string): RetryPolicy {
  return WAREHOUSE_STEPS.find((s) => s.name === step)?.retry() ?? stepRetryPolicy();
}
