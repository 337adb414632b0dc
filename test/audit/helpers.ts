/** Shared pieces of the audit tests: a temporary audit directory and plausible entries. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import type { AuditEntry } from '../../src/audit/auditRecord.js';

export function auditTempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'dx-audit-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The i-th entry of a made-up day: every third denied, clients and subjects varying. */
export function entry(i: number): AuditEntry {
  const denied = i % 3 === 2;
  return {
    time: new Date(Date.UTC(2026, 10, 3, 9, 0, 0) + i * 1000).toISOString(),
    requestId: `req-${i}`,
    client: i % 5 === 4 ? null : `client-${i % 4}`,
    department: i % 5 === 4 ? null : 'civil-affairs',
    purpose: denied ? null : 'pension eligibility',
    resource: i % 2 === 0 ? 'population' : 'legal-entity',
    action: 'lookup',
    subjects: [`11010519491231${String(i % 1000).padStart(4, '0')}`],
    fields: denied ? [] : ['name', 'alive'],
    outcome: denied ? 'denied' : 'allowed',
    status: denied ? 403 : 200,
    ...(denied ? { reason: 'purpose not granted' } : {}),
  };
}
