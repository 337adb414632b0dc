// The container image, read where no Docker daemon runs (docs/operations.md reasons about the rest).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { PROJECT_ROOT } from '../../src/paths.js';

const dockerfile = readFileSync(join(PROJECT_ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
const last = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

t.test('the volume is owned by the user the image runs as, before it is declared a volume', async (t) => {
  const user = /^USER (\S+)$/m.exec(last)?.[1];
  t.equal(user, 'node');
  const chown = last.indexOf(`chown ${user}:${user} /data`);
  t.ok(chown > 0, '/data is chowned to the image\'s user');
  t.ok(chown < last.indexOf('VOLUME ["/data"]'), 'before VOLUME (later changes to a volume path are discarded)');
});

t.test('the HEALTHCHECK asks /health/ready on the port the server listens on', async (t) => {
  const check = /^HEALTHCHECK .*CMD (\[.*\])$/m.exec(last)?.[1];
  t.ok(check);
  const port = /"--port", "(\d+)"/.exec(last)?.[1];
  t.match(check, `http://127.0.0.1:${port}/health/ready`);
  t.match(check, /r\.ok \? 0 : 1/, 'unhealthy (exit 1) on a 503');
});

t.test('one Node version: the image, package.json engines and CI', async (t) => {
  const images = [...dockerfile.matchAll(/^FROM node:(\d+)/gm)].map((m) => Number(m[1]));
  const engines = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
  const minimum = Number(/>=(\d+)/.exec(engines)?.[1]);
  t.same([...new Set(images)], [minimum], 'every stage runs the engines\' Node major');
  t.match(readFileSync(join(PROJECT_ROOT, '.ci/run'), 'utf8'), /older than package\.json engines/, 'CI refuses an older Node');
  t.ok(Number(process.versions.node.split('.')[0]) >= minimum, 'and the tests run on it');
});
