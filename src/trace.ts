/** Phase timings on stderr when DX_TRACE is set: where a cycle spends its time. */
const enabled = Boolean(process.env.DX_TRACE);

export async function traced<T>(label: string, work: () => Promise<T>): Promise<T> {
  if (!enabled) return work();
  const started = performance.now();
  try {
    return await work();
  } finally {
    process.stderr.write(`[trace] ${label}: ${(performance.now() - started).toFixed(0)} ms\n`);
  }
}
