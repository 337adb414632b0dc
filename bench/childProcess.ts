/** Run a node script as a child process and measure its wall time, peak memory and CPU time. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  seconds: number;
  maxRssMb: number;
  cpuSeconds: number;
  stdout: string;
}

export async function measureNode(script: string, args: string[], env: Record<string, string> = {}): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'dx-bench-'));
  const rusageFile = join(dir, 'rusage.json');
  const started = process.hrtime.bigint();
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env, DX_RUSAGE_FILE: rusageFile }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${script} ${args.join(' ')} exited with ${code}\n${out.slice(-2000)}`))));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const usage = JSON.parse(readFileSync(rusageFile, 'utf8')) as { maxRssKb: number; userMs: number; systemMs: number };
  rmSync(dir, { recursive: true, force: true });
  return { seconds, maxRssMb: usage.maxRssKb / 1024, cpuSeconds: (usage.userMs + usage.systemMs) / 1000, stdout };
}
