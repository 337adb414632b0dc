import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { PROJECT_ROOT } from '../../src/paths.js';
import { SERVER_NODE_FLAGS } from '../../src/runtime.js';

const read = (path: string): string => readFileSync(join(PROJECT_ROOT, path), 'utf8');
const flags = SERVER_NODE_FLAGS.join(' ');

t.test('every way of starting the server runs Node with the server\'s flags', async (t) => {
  t.ok(SERVER_NODE_FLAGS.length > 0);
  t.equal(read('src/cli/dx.ts').split('\n')[0], `#!/usr/bin/env -S node ${flags}`, 'the dx command');
  const entrypoint = /^ENTRYPOINT (.+)$/m.exec(read('Dockerfile'))?.[1];
  t.same(JSON.parse(entrypoint ?? 'null'), ['node', ...SERVER_NODE_FLAGS, 'dist/src/cli/dx.js'], 'the container');
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
  t.match(scripts.demo, `node ${flags} dist/src/demo/demo.js`, 'the demo');
  t.match(read('bench/apiThroughput.ts'), '[...SERVER_NODE_FLAGS, DX, \'serve\'', 'the benchmark');
});
