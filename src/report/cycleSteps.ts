/**
 * The cycle's record of its steps for a period, as the cycle writes it: one JSON file per step
 * under DIR/cycles/<period>/ (step, state, startedAt, endedAt, attempts, error, progress,
 * detail). Other JSON files there (late or missing departments, say) are passed on as they are.
 * A period the cycle recorded nothing for has no steps (null): the console then shows the
 * batches and publication from the steward report.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CycleSteps {
  steps: Array<Record<string, unknown>> | null;
  other: Array<Record<string, unknown>>;
}

const STEP_ORDER = ['collect', 'check', 'govern', 'publish', 'share', 'cross-check', 'report'];

function stepRank(step: unknown): number {
  const i = STEP_ORDER.indexOf(String(step));
  return i < 0 ? STEP_ORDER.length : i;
}

export function cyclesDir(dataDir: string, period: string): string {
  return join(dataDir, 'cycles', period);
}

export function readCycleSteps(dataDir: string, period: string): CycleSteps {
  let names: string[];
  try {
    names = readdirSync(cyclesDir(dataDir, period)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return { steps: null, other: [] };
  }
  const steps: Array<Record<string, unknown>> = [];
  const other: Array<Record<string, unknown>> = [];
  for (const name of names) {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(join(cyclesDir(dataDir, period), name), 'utf8'));
    } catch {
      // A file being replaced right now, or damaged: said, not hidden.
      other.push({ file: name, error: 'not readable as JSON' });
      continue;
    }
    if (doc && typeof doc === 'object' && !Array.isArray(doc) && 'step' in doc && 'state' in doc) steps.push(doc as Record<string, unknown>);
    else other.push({ file: name, content: doc });
  }
  steps.sort((a, b) => stepRank(a.step) - stepRank(b.step) || String(a.startedAt ?? '').localeCompare(String(b.startedAt ?? '')));
  return { steps: steps.length > 0 || other.length > 0 ? steps : null, other };
}
