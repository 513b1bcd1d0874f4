// Helpers for the end-to-end apply/verify tests: copies of fixture crates, tree hashes, and runs
// of the built CLI (npm run build first; `npm test` does).
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(REPO, 'bin', 'rxfix.js');
/** The rules the fixture crates were written against, so rules added later do not move the numbers. */
export const ONLY = ['--only', 'redundant-clone-arg,useless-format'];

const made: string[] = [];

export function tempDir(label: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), `rxfix-test-${label}-`));
  made.push(d);
  return d;
}

/** A fresh copy of fixtures/crates/<name> (no target/, Cargo.lock or rxfix.out/). */
export function copyCrate(name: string, into = tempDir(name)): string {
  const dest = path.join(into, name);
  cpSync(path.join(REPO, 'fixtures', 'crates', name), dest, { recursive: true, filter: (src) => !/[/\\](target|rxfix\.out|Cargo\.lock)$/.test(src) });
  return dest;
}

export function cleanupTemp(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** sha256 of every file under `dir` by relative path (hidden files included), minus `skip` folders. */
export function hashTree(dir: string, skip: readonly string[] = ['rxfix.out']): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (skip.includes(r)) continue;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.set(r, createHash('sha256').update(readFileSync(path.join(d, e.name))).digest('hex'));
    }
  };
  walk(dir, '');
  return out;
}

export interface CliRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export async function rxfix(args: string[], opts: { cwd: string; env?: Record<string, string>; extendEnv?: boolean }): Promise<CliRun> {
  const r = await execa(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: { NO_COLOR: '1', ...opts.env },
    extendEnv: opts.extendEnv ?? true,
    reject: false,
    stdin: 'ignore',
  });
  return { code: r.exitCode ?? null, signal: r.signal ?? null, stdout: String(r.stdout), stderr: String(r.stderr) };
}

export interface Report {
  version: number;
  baseline: { check: string; test: string };
  applied: { ruleId: string; path: string; line: number }[];
  rejected: { ruleId: string; path: string; line: number; reason: string }[];
  bench: unknown[];
  cargoRuns: number;
}

export function readReport(file: string): Report {
  return JSON.parse(readFileSync(file, 'utf8')) as Report;
}

/** The one scratch folder under a RXFIX_SCRATCH_DIR base (tests give each crate copy its own base or share one). */
export function scratchDirs(base: string): string[] {
  try {
    return readdirSync(base).map((n) => path.join(base, n));
  } catch {
    return [];
  }
}

/** Kills a cargo process group a SIGKILLed rxfix left behind (recorded in the scratch lock). */
export function reapScratch(base: string): void {
  for (const d of scratchDirs(base)) {
    try {
      const lock = JSON.parse(readFileSync(path.join(d, 'lock.json'), 'utf8')) as { cargoPgid?: number | null };
      if (lock.cargoPgid) process.kill(-lock.cargoPgid, 'SIGKILL');
    } catch {
      // no lock or no group
    }
  }
}

/** The `ceil(log2 n)` cost bound of the issue. */
export function bound(n: number, k: number): number {
  return 2 + 2 * k * Math.ceil(Math.log2(Math.max(1, n)));
}
