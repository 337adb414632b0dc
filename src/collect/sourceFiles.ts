/** Which files in a period's drop folder belong to a connector: its glob, with the period filled in. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function expandPeriod(glob: string, period: string): string {
  return glob.replaceAll('{YYYY-MM}', period).replaceAll('{YYYYMM}', period.replace('-', ''));
}

function globToRegExp(glob: string): RegExp {
  let pattern = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') { pattern += '.*'; i++; if (glob[i + 1] === '/') i++; }
    else if (ch === '*') pattern += '[^/]*';
    else if (ch === '?') pattern += '[^/]';
    else pattern += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${pattern}$`);
}

export function walk(dir: string, prefix = ''): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const rel = prefix ? `${prefix}/${name}` : name;
    return statSync(join(dir, name)).isDirectory() ? walk(join(dir, name), rel) : [rel];
  });
}

/** Files (relative to `dropDir`, sorted) matching the glob for the period. */
export function matchSourceFiles(dropDir: string, glob: string, period: string): string[] {
  const re = globToRegExp(expandPeriod(glob, period));
  return walk(dropDir).filter((f) => re.test(f));
}
