/** Follow a period's run to its end by reading its status files: what `dx cycle --wait` and `dx status --watch` show. */
import { readCycleStatus, type CycleStatus } from './cycleStatus.js';
import { renderCycleStatus } from './renderStatus.js';

export interface FollowOptions {
  dataDir: string;
  period: string;
  runId?: string;
  intervalMs?: number;
  timeoutMs?: number;
  /** Redraw in place (a terminal) or print only when a step changes state (a log). */
  tty?: boolean;
  write?: (text: string) => void;
}

export async function followRun(options: FollowOptions): Promise<CycleStatus> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : Infinity;
  let shownLines = 0;
  const shown = new Map<string, string>();
  for (;;) {
    const status = readCycleStatus(options.dataDir, options.period);
    if (status && (!options.runId || status.run.runId === options.runId)) {
      if (options.tty) {
        const text = renderCycleStatus(status, { bars: true });
        write(`${shownLines > 0 ? `\x1b[${shownLines}F\x1b[0J` : ''}${text}\n`);
        shownLines = text.split('\n').length;
      } else {
        for (const s of status.steps) {
          if (shown.get(s.step) === s.state || s.state === 'queued') continue;
          shown.set(s.step, s.state);
          write(`${s.step} ${s.state}${s.detail ? `: ${s.detail}` : ''}${s.error ? ` (${s.error})` : ''}\n`);
        }
      }
      if (status.run.state !== 'running') return status;
    }
    if (Date.now() > deadline) throw new Error(`gave up following the ${options.period} cycle after ${options.timeoutMs} ms; it may still be running (dx status --period ${options.period})`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
  }
}
