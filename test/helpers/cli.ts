/** Run the real `dx` command line in a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a `dx` child: tap records no coverage for it. A child compiles the sources
 * with tsx (minified), differently from the test process, and merging coverage of one file
 * compiled two ways corrupts the whole report; the commands are covered in-process as well.
 */
export function childEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, _TAPJS_PROCESSINFO_COVERAGE_: '0', ...env };
}

export function runDx(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'cli', 'dx.ts'), ...args], {
      cwd: PROJECT_ROOT,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A long-running `dx` (a worker, a server) in a child process; its output is kept for failure messages. */
export function spawnDx(args: string[], env: Record<string, string> = {}): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'cli', 'dx.ts'), ...args], {
    cwd: PROJECT_ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  return Object.assign(child, { output: () => output });
}
