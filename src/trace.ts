/** Phase timings on stderr when DX_TRACE is set: where a cycle spends its time. */
import { config } from './config.js';

export async function traced<T>(label: string, work: () => Promise<T>): Promise<T> {
  if (!config().DX_TRACE) return work();
  const started = performance.now();
  try {
    return await work();
  } finally {
    process.stderr.write(`[trace] ${label}: ${(performance.now() - started).toFixed(0)} ms\n`);
  }
}
