/** A period's cycle status as text: a line per step, with a progress bar where a terminal shows one. */
import type { CycleStatus, StepRecord } from './cycleStatus.js';

const BAR_WIDTH = 20;

function seconds(ms: number | undefined): string {
  return ms === undefined ? '' : `${(ms / 1000).toFixed(1)} s`;
}

export function progressBar(done: number, total: number, width = BAR_WIDTH): string {
  const filled = total > 0 ? Math.round((Math.min(done, total) / total) * width) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

function stepLine(s: StepRecord, now: number): string {
  const elapsed = s.state === 'running' && s.startedAt ? now - Date.parse(s.startedAt) : s.durationMs;
  const tries = s.attempts > 1 || s.state === 'retrying' ? ` try ${s.attempts}/${s.maxAttempts}` : '';
  const bar = s.state === 'running' && s.progress ? `  ${progressBar(s.progress.done, s.progress.total)} ${s.progress.unit}` : '';
  const said = s.error ? `  ${s.detail ? `${s.detail}: ` : ''}${s.error}` : s.detail ? `  ${s.detail}` : '';
  return `  ${s.step.padEnd(50)} ${s.state.padEnd(9)} ${seconds(elapsed).padStart(8)}${tries}${bar}${said}`;
}

export function renderCycleStatus(status: CycleStatus, options: { bars?: boolean; now?: number } = {}): string {
  const now = options.now ?? Date.now();
  const { run } = status;
  const lines = [`Cycle ${run.period}  run ${run.runId} (${run.mode})  ${run.state}${run.outcome ? `: ${run.outcome}` : ''}`];
  lines.push(`  started ${run.startedAt}${run.endedAt ? `, ended ${run.endedAt} (${seconds(Date.parse(run.endedAt) - Date.parse(run.startedAt))})` : ''}`);
  const collects = status.steps.filter((s) => s.step.startsWith('collect:'));
  if (options.bars && collects.length > 0) {
    const done = collects.filter((s) => s.state === 'completed').length;
    lines.push(`  collect ${progressBar(done, collects.length)} connectors`);
  }
  for (const s of status.steps) lines.push(stepLine(s, now));
  if (status.awaited.length > 0) {
    lines.push('', 'Awaited departments:');
    for (const a of status.awaited) {
      const due = a.dueDate ? (a.late ? `LATE, was due ${a.dueDate}` : `due ${a.dueDate}`) : 'no due date';
      lines.push(`  ${a.id.padEnd(50)} ${due}${a.error ? `  (${a.error})` : ''}`);
    }
    lines.push('A steward decides: publish without them (dx publish --override-reason "...") or wait and run the cycle again when they arrive.');
  }
  return lines.join('\n');
}
