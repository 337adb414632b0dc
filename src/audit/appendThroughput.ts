/**
 * How many appends per second the audit log takes with many concurrent callers, as an API under load
 * gives it: each caller awaits its append before making the next, as a request handler does.
 * Not a test (timings depend on the machine); run it by hand:
 *
 *   node --import tsx src/audit/appendThroughput.ts [callers=200] [appends=100000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AuditLog } from './auditLog.js';
import type { AuditEntry } from './auditRecord.js';
import { verifyAuditDir } from './verifyAudit.js';

function sampleEntry(i: number): AuditEntry {
  return {
    time: new Date().toISOString(),
    requestId: `req-${i}`,
    client: `client-${i % 17}`,
    department: 'civil-affairs',
    purpose: 'pension eligibility',
    resource: 'population',
    action: 'lookup',
    subjects: [`110105194912310${String(i % 1000).padStart(3, '0')}`],
    fields: ['name', 'alive', 'registered_district'],
    outcome: 'allowed',
    status: 200,
  };
}

export interface Throughput {
  appends: number;
  seconds: number;
  perSecond: number;
  writes: number;
  syncs: number;
}

export async function measureAppendThroughput(callers: number, appends: number): Promise<Throughput> {
  const dir = mkdtempSync(join(tmpdir(), 'dx-audit-bench-'));
  try {
    const log = await AuditLog.open(dir, 'bench');
    let next = 0;
    const caller = async () => {
      for (let i = next++; i < appends; i = next++) await log.append(sampleEntry(i));
    };
    const start = process.hrtime.bigint();
    await Promise.all(Array.from({ length: callers }, caller));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const { writes, syncs } = log.stats;
    await log.close();
    const verified = await verifyAuditDir(dir);
    if (!verified.ok || verified.chains[0]?.records !== appends) throw new Error('the benchmark log does not verify');
    return { appends, seconds, perSecond: Math.round(appends / seconds), writes, syncs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const callers = Number(process.argv[2] ?? 200);
  const appends = Number(process.argv[3] ?? 100_000);
  const result = await measureAppendThroughput(callers, appends);
  process.stdout.write(`${callers} concurrent callers: ${result.appends.toLocaleString('en-US')} appends in ${result.seconds.toFixed(2)} s = ${result.perSecond.toLocaleString('en-US')}/s, ${result.writes} writes, ${result.syncs} fdatasyncs\n`);
}
