// dx backup while the API serves, then dx restore into a new folder, served again.
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { verifyAuditDir } from '../../src/audit/verifyAudit.js';
import { readPointer } from '../../src/share/publishedSnapshot.js';
import { AccessStore } from '../../src/share/accessStore.js';
import { runDx } from '../helpers/cli.js';
import { client, exchange, publishedDataDir } from '../helpers/exchange.js';
import { tempDir } from '../helpers/warehouse.js';

t.test('a backup taken while serving restores into a folder that serves the same period, with verifying audit chains', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-10']);
  const steward = await client(dataDir, 'backup-steward', 'civil-affairs', ['steward']);
  const serving = await exchange(t, dataDir);
  for (let i = 0; i < 3; i++) await serving.inject({ url: '/v1/persons/110101199003077777?purpose=x', headers: steward.headers });
  // An API process caught mid-append: the chain ends in half a line.
  const chain = readdirSync(join(dataDir, 'audit')).find((f) => f.endsWith('.log'))!;
  appendFileSync(join(dataDir, 'audit', chain), '{"seq":999,"half');
  writeFileSync(join(dataDir, 'published', `2026-10-abc-1.duckdb.partial`), 'half a snapshot');

  const backup = join(tempDir(t, 'dx-backup-'), 'b');
  const taken = await runDx(['backup', '--data', dataDir, '--to', backup]);
  t.equal(taken.code, 0, taken.stderr);
  t.match(taken.stdout, /^Backed up [\d,]+ files \([\d,]+ bytes\)/);
  t.notOk(readFileSync(join(backup, 'audit', chain), 'utf8').includes('"half'), 'the chain is cut at its last whole line');
  t.notOk(existsSync(join(backup, 'published', '2026-10-abc-1.duckdb.partial')), 'no partial file is copied');

  const restored = join(tempDir(t, 'dx-restored-'), 'data');
  const restore = await runDx(['restore', '--from', backup, '--data', restored]);
  t.equal(restore.code, 0, restore.stderr);
  t.same(readPointer(restored), readPointer(dataDir), 'the same snapshot is served');
  const verification = await verifyAuditDir(join(restored, 'audit'));
  t.ok(verification.ok, 'every audit chain verifies', { problems: verification.chains.flatMap((c) => c.problems) });
  t.ok(new AccessStore(join(restored, 'access')).read().clients.some((c) => c.id === 'backup-steward'), 'the access store came along');
  const server = await exchange(t, restored);
  const ready = await server.inject({ url: '/health/ready' });
  t.equal(ready.statusCode, 200);
  t.equal(ready.json().period, '2026-10');
  const lookup = await server.inject({ url: '/v1/persons/110101199003077777?purpose=x', headers: steward.headers });
  t.not(lookup.statusCode, 401, 'the restored access store knows the client\'s key');

  const again = await runDx(['restore', '--from', backup, '--data', restored]);
  t.equal(again.code, 1);
  t.match(again.stderr, /is not empty; give a new folder/);
  writeFileSync(join(backup, 'published', 'CURRENT.json'), '{"period":"1999-01"}\n');
  const damaged = await runDx(['restore', '--from', backup, '--data', join(tempDir(t, 'dx-restored-'), 'data')]);
  t.equal(damaged.code, 1);
  t.match(damaged.stderr, /published\/CURRENT\.json in the backup is missing or damaged/);
});
