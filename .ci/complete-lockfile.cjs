// The registry mirror this project is built against lacks DuckDB's bindings for other
// platforms, so `npm install` leaves them out of package-lock.json and `npm ci` then refuses
// the lock. Run this after any `npm install` that rewrites the lock: it records them as
// optional packages for their own platforms (never fetched here).
const fs = require('node:fs');
const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8'));
const platforms = {
  'darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  'darwin-x64': { os: ['darwin'], cpu: ['x64'] },
  'linux-arm64': { os: ['linux'], cpu: ['arm64'], libc: ['glibc'] },
  'linux-arm64-musl': { os: ['linux'], cpu: ['arm64'], libc: ['musl'] },
  'win32-arm64': { os: ['win32'], cpu: ['arm64'] },
  'win32-x64': { os: ['win32'], cpu: ['x64'] },
};
const { version } = lock.packages['node_modules/@duckdb/node-bindings'];
for (const [platform, constraints] of Object.entries(platforms)) {
  const key = `node_modules/@duckdb/node-bindings-${platform}`;
  lock.packages[key] ??= { version, ...constraints, license: 'MIT', optional: true };
}
const keys = Object.keys(lock.packages).sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)));
lock.packages = Object.fromEntries(keys.map((k) => [k, lock.packages[k]]));
fs.writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
