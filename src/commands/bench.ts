// `rxfix bench [PATH] [--baseline REV|DIR] [--candidate REV|DIR]`: compare two states of a crate with
// its own benchmarks. Git revisions are checked out as worktrees in a scratch area.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_FORMATS, formatBench, type BenchFormat } from '../bench/format.js';
import { runProcess, which } from '../bench/exec.js';
import { measure, MIN_ROUNDS, parseMetrics, requireValgrind, type Side } from '../bench/run.js';
import { DEFAULT_THRESHOLD_PCT } from '../bench/stats.js';
import type { BenchResult } from '../bench/types.js';
import { EXIT, RxfixError } from '../errors.js';
import type { BenchGate } from '../verify/gate.js';
import type { CommandResult } from './scan.js';

export interface BenchOptions {
  path?: string;
  baseline?: string;
  candidate?: string;
  metric?: string;
  rounds?: number | string;
  threshold?: number | string;
  benchTimeout?: number | string;
  format?: string;
  /** Scratch area (worktrees, target dirs); default: <tmp>/rxfix-bench/<hash of the crate path>. */
  scratch?: string;
  env: NodeJS.ProcessEnv;
  progress?: (msg: string) => void;
}

export const DEFAULT_ROUNDS = MIN_ROUNDS;
export const DEFAULT_BENCH_TIMEOUT_S = 300;

function num(flag: string, v: number | string | undefined, dflt: number, ok: (n: number) => boolean, want: string): number {
  if (v === undefined) return dflt;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n) || !ok(n)) throw new RxfixError(`error: ${flag} ${v}: expected ${want}`);
  return n;
}

export function scratchFor(crateDir: string): string {
  const h = createHash('sha256').update(crateDir).digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), 'rxfix-bench', h);
}

async function git(args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  return runProcess('git', args, { cwd, env, timeoutMs: 120_000 });
}

/** A side's crate folder: an existing folder as is, or a git revision checked out as a worktree. */
export async function resolveSide(spec: string, flag: string, crateDir: string, scratch: string, env: NodeJS.ProcessEnv): Promise<string> {
  const asDir = path.resolve(spec);
  if (existsSync(asDir) && statSync(asDir).isDirectory()) return asDir;
  const top = await git(['rev-parse', '--show-toplevel'], crateDir, env);
  if (top.code !== 0) throw new RxfixError(`error: ${flag} ${spec}: not a folder, and ${crateDir} is not in a git repository`);
  const root = top.stdout.trim();
  const rev = await git(['rev-parse', '--verify', '--quiet', `${spec}^{commit}`], crateDir, env);
  if (rev.code !== 0) throw new RxfixError(`error: ${flag} ${spec}: neither a folder nor a git revision of ${root}`);
  const sha = rev.stdout.trim();
  const wt = path.join(scratch, 'worktrees', sha.slice(0, 12));
  if (!existsSync(path.join(wt, '.git'))) {
    mkdirSync(path.dirname(wt), { recursive: true });
    await git(['worktree', 'prune'], root, env);
    const add = await git(['worktree', 'add', '--detach', '--force', wt, sha], root, env);
    if (add.code !== 0) throw new RxfixError(`error: ${flag} ${spec}: git worktree add failed: ${add.stderr.trim().split('\n').pop()}`);
  }
  return path.join(wt, path.relative(root, crateDir));
}

export interface BenchRun {
  result: BenchResult;
  output: CommandResult;
}

export async function runBench(opts: BenchOptions): Promise<CommandResult> {
  return (await benchDetailed(opts)).output;
}

export async function benchDetailed(opts: BenchOptions): Promise<BenchRun> {
  const format = (opts.format ?? 'table') as BenchFormat;
  if (!BENCH_FORMATS.includes(format)) throw new RxfixError(`error: unknown format \`${opts.format}\`; use one of ${BENCH_FORMATS.join(', ')}`);
  const metrics = parseMetrics(opts.metric, which('valgrind', opts.env['PATH']) !== null);
  const rounds = num('--rounds', opts.rounds, DEFAULT_ROUNDS, (n) => Number.isInteger(n) && n >= MIN_ROUNDS, `an integer ≥ ${MIN_ROUNDS}`);
  const thresholdPct = num('--threshold', opts.threshold, DEFAULT_THRESHOLD_PCT, (n) => n >= 0 && n < 100, 'a percentage in [0, 100)');
  const timeoutS = num('--bench-timeout', opts.benchTimeout, DEFAULT_BENCH_TIMEOUT_S, (n) => n > 0, 'seconds > 0');
  const crateDir = path.resolve(opts.path ?? '.');
  if (!existsSync(path.join(crateDir, 'Cargo.toml'))) throw new RxfixError(`error: ${crateDir}: no Cargo.toml here; point rxfix bench at a crate or workspace folder`);
  const scratch = path.resolve(opts.scratch ?? scratchFor(crateDir));
  const baselineDir = await resolveSide(opts.baseline ?? 'HEAD', '--baseline', crateDir, scratch, opts.env);
  const candidateDir = opts.candidate ? await resolveSide(opts.candidate, '--candidate', crateDir, scratch, opts.env) : crateDir;
  const A: Side = { label: 'baseline', dir: baselineDir, targetDir: path.join(scratch, 'target-a') };
  const B: Side = { label: 'candidate', dir: candidateDir, targetDir: path.join(scratch, 'target-b') };
  const result = await measure(A, B, {
    metrics,
    rounds,
    thresholdPct,
    benchTimeoutMs: timeoutS * 1000,
    env: opts.env,
    scratch: path.join(scratch, 'runs'),
    ...(opts.progress ? { progress: opts.progress } : {}),
  });
  const errors = result.rows.filter((r) => r.verdict === 'error');
  const stderr = [...result.notes, ...[...new Set(errors.map((r) => r.note))].map((n) => `error: ${n}`)];
  let exitCode: number = EXIT.ok;
  if (result.rows.some((r) => r.verdict === 'slower')) exitCode = EXIT.findings;
  if (errors.length > 0) exitCode = EXIT.usage;
  return {
    result,
    output: { exitCode, stdout: formatBench(result, format), stderr: stderr.length ? stderr.join('\n') + '\n' : '', files: [] },
  };
}

export interface ApplyBenchFlags {
  verify?: boolean;
  metric?: string;
  rounds?: number | string;
  threshold?: number | string;
  benchTimeout?: number | string;
}

/** The BenchGate for `apply --verify --bench`, from the same flags as `rxfix bench` (validated up front). */
export async function benchGateFromFlags(flags: ApplyBenchFlags, env: NodeJS.ProcessEnv, progress: (s: string) => void): Promise<BenchGate> {
  if (!flags.verify) throw new RxfixError('error: --bench needs --verify (benchmarks gate the fixes cargo has already accepted)');
  const metrics = parseMetrics(flags.metric, which('valgrind', env['PATH']) !== null);
  requireValgrind(metrics, env);
  const rounds = num('--rounds', flags.rounds, DEFAULT_ROUNDS, (n) => Number.isInteger(n) && n >= MIN_ROUNDS, `an integer ≥ ${MIN_ROUNDS}`);
  const thresholdPct = num('--threshold', flags.threshold, DEFAULT_THRESHOLD_PCT, (n) => n >= 0 && n < 100, 'a percentage in [0, 100)');
  const timeoutS = num('--bench-timeout', flags.benchTimeout, DEFAULT_BENCH_TIMEOUT_S, (n) => n > 0, 'seconds > 0');
  const { createBenchGate } = await import('../verify/bench.js');
  return createBenchGate({ metrics, rounds, thresholdPct, benchTimeoutMs: timeoutS * 1000, env, progress: (m) => progress(`rxfix: ${m}\n`), table: (t) => progress(t) });
}
