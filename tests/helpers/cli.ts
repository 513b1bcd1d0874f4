// Runs the built bin (npm test builds first) as a user would.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const BIN = path.join(ROOT, 'bin/rxfix.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let runtimeDir: string | undefined;
/** A socket folder of this test process: no `rxfix server` a developer runs answers the tests' scans. */
function testRuntimeDir(): string {
  return (runtimeDir ??= tempDir('rxfix-rt-'));
}

export function rxfix(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): Run {
  const env = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, RXFIX_RUNTIME_DIR: testRuntimeDir(), ...opts.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env, encoding: 'utf8', timeout: opts.timeout ?? 120_000, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix = 'rxfix-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}
