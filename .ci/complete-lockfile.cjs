// The registry mirror this project is built against lacks native packages for other platforms
// (DuckDB's bindings, msgpackr's extractor), so `npm install` leaves them out of
// package-lock.json and `npm ci` then refuses the lock. Run this after any `npm install` that
// rewrites the lock: it records every missing platform-specific optional dependency as an
// optional package for its own platform (never fetched here).
const fs = require('node:fs');
const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8'));
const PLATFORM = /-(darwin|linux|win32|freebsd|android)-(arm64|x64|arm|ia32)(?:-(musl|gnu|msvc))?$/;

for (const [path, pkg] of Object.entries(lock.packages)) {
  for (const [name, spec] of Object.entries(pkg.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    const match = PLATFORM.exec(name);
    if (lock.packages[key] || lock.packages[`${path}/${key}`] || !match) continue;
    const [, os, cpu, libc] = match;
    lock.packages[key] = {
      version: spec.replace(/^[\^~]/, ''),
      os: [os], cpu: [cpu],
      ...(os === 'linux' ? { libc: [libc === 'musl' ? 'musl' : 'glibc'] } : {}),
      optional: true,
    };
  }
}
const keys = Object.keys(lock.packages).sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)));
lock.packages = Object.fromEntries(keys.map((k) => [k, lock.packages[k]]));
fs.writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
