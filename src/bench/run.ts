// Measuring two states of a crate: build each side once, run time rounds interleaved (AB, BA, AB…),
// run the valgrind metrics (baseline, candidate, baseline again), judge every benchmark.
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT, RxfixError } from '../errors.js';
import { criterionArgs, readCriterionDir, type CriterionRunOptions } from './adapters/criterion.js';
import { parseDivan } from './adapters/divan.js';
import { parseLibtest } from './adapters/libtest.js';
import { ParseError, parsePlain } from './adapters/plain.js';
import { parseCachegrind, parseCallgrindInstructions, parseDhat, valgrindArgs, type ValgrindTool } from './adapters/valgrind.js';
import { buildBenches, discoverBenches, forgetLocalFingerprints, lastLine, targetKey, type Discovered } from './discover.js';
import { panicLine, runProcess, which, type ProcResult } from './exec.js';
import { judgeCount, judgeTime, median, percentiles, type PairedInput } from './stats.js';
import { METRICS, VALGRIND_METRICS, type BenchResult, type BenchRow, type BenchTarget, type Metric, type TimeSamples } from './types.js';

export interface Side {
  label: 'baseline' | 'candidate';
  /** Folder of the crate (or workspace) on this side. */
  dir: string;
  /** Its own CARGO_TARGET_DIR, kept between runs. */
  targetDir: string;
  /** Where its benches are built and run: a copy of `dir` in the scratch area (set by measure). */
  runDir?: string;
}

export interface MeasureOptions {
  metrics: Metric[];
  rounds: number;
  /** Time: while a benchmark's interval straddles ±threshold, add rounds up to this (default 3 × rounds). */
  maxRounds?: number;
  thresholdPct: number;
  benchTimeoutMs: number;
  buildTimeoutMs?: number;
  env: NodeJS.ProcessEnv;
  /** Where criterion homes and valgrind outputs go. */
  scratch: string;
  criterion?: CriterionRunOptions;
  progress?: (msg: string) => void;
  /** Ctrl-C: running benches are killed and measure rejects with BenchInterrupted. */
  signal?: AbortSignal;
}

export class BenchInterrupted extends Error {
  constructor() {
    super('interrupted');
  }
}

function checkAbort(o: MeasureOptions): void {
  if (o.signal?.aborted) throw new BenchInterrupted();
}

export const MIN_ROUNDS = 6;

export function parseMetrics(spec: string | undefined, valgrindPresent: boolean): Metric[] {
  if (!spec) return [valgrindPresent ? 'instructions' : 'time'];
  const names = spec.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!(METRICS as readonly string[]).includes(n)) throw new RxfixError(`error: unknown metric \`${n}\`; valid metrics: ${METRICS.join(', ')}`);
  }
  if (names.length === 0) throw new RxfixError(`error: --metric needs at least one of: ${METRICS.join(', ')}`);
  return [...new Set(names)] as Metric[];
}

export function requireValgrind(metrics: readonly Metric[], env: NodeJS.ProcessEnv): string | null {
  const needs = metrics.filter((m) => VALGRIND_METRICS.includes(m));
  if (needs.length === 0) return null;
  const vg = which('valgrind', env['PATH']);
  if (!vg) {
    throw new RxfixError(
      `error: --metric ${needs.join(',')} needs valgrind, which is not on PATH; install it (e.g. \`apt-get install valgrind\` or \`dnf install valgrind\`) or use --metric time`,
    );
  }
  return vg;
}

/** A bench target as both sides know it. */
interface Pair {
  key: string;
  target: BenchTarget;
  exe: { baseline: string; candidate: string };
  /** Row-name prefix: empty when the crate has one bench target. */
  prefix: string;
  /** The package folder relative to the side's folder (benches run there, as under cargo bench). */
  packageRel: string;
}

class BenchFailure extends Error {}

export async function measure(baseline: Side, candidate: Side, o: MeasureOptions): Promise<BenchResult> {
  const progress = o.progress ?? (() => {});
  const result: BenchResult = { rows: [], metrics: o.metrics, rounds: o.rounds, thresholdPct: o.thresholdPct, notes: [], cargoRuns: 0 };
  if (o.rounds < MIN_ROUNDS) throw new RxfixError(`error: --rounds ${o.rounds}: at least ${MIN_ROUNDS} rounds are needed for a paired comparison`);
  const valgrind = requireValgrind(o.metrics, o.env);

  const [da, db] = await Promise.all([discoverBenches(baseline.dir, o.env), discoverBenches(candidate.dir, o.env)]);
  result.cargoRuns += 2;
  const ta = da.targets;
  const tb = db.targets;
  if (ta.length === 0 && tb.length === 0) {
    result.notes.push(`rxfix: no benches in ${candidate.dir} (no [[bench]] targets or benches/ files); nothing to compare`);
    return result;
  }
  const buildMs = o.buildTimeoutMs ?? 30 * 60_000;
  mkdirSync(o.scratch, { recursive: true });
  progress(`building baseline benches (${baseline.dir})`);
  const exeA = await prepareSide(baseline, da, o, buildMs);
  result.cargoRuns++;
  // Seed the candidate's target dir with the baseline's: dependencies are reused (the workspace's
  // own packages rebuild when the candidate's sources differ, see prepareSide).
  if (!existsSync(candidate.targetDir) && existsSync(baseline.targetDir)) {
    progress('seeding the candidate target dir from the baseline build');
    cpSync(baseline.targetDir, candidate.targetDir, { recursive: true });
  }
  progress(`building candidate benches (${candidate.dir})`);
  const exeB = await prepareSide(candidate, db, o, buildMs);
  result.cargoRuns++;

  const keysB = new Map(tb.map((t) => [targetKey(candidate.dir, t.manifestPath, t.name), t]));
  const pairs: Pair[] = [];
  for (const t of ta) {
    const key = targetKey(baseline.dir, t.manifestPath, t.name);
    const a = exeA.get(key);
    const b = exeB.get(key);
    if (!keysB.has(key)) {
      result.notes.push(`note: bench target ${t.name} exists only in the baseline; skipped`);
      continue;
    }
    if (!a || !b) {
      result.notes.push(`note: bench target ${t.name}: cargo built no executable; skipped`);
      continue;
    }
    pairs.push({ key, target: t, exe: { baseline: a, candidate: b }, prefix: '', packageRel: path.relative(baseline.dir, path.dirname(t.manifestPath)) });
  }
  for (const t of tb) if (!ta.some((x) => targetKey(baseline.dir, x.manifestPath, x.name) === targetKey(candidate.dir, t.manifestPath, t.name))) result.notes.push(`note: bench target ${t.name} exists only in the candidate; skipped`);
  if (pairs.length > 1) for (const p of pairs) p.prefix = `${p.target.name}/`;

  const names = new Map<string, string[]>(); // pair key → benchmark names
  if (o.metrics.includes('time')) result.rows.push(...(await timeRows(pairs, baseline, candidate, o, names, progress)));
  const counted = o.metrics.filter((m) => m !== 'time');
  if (counted.length > 0 && valgrind) result.rows.push(...(await countRows(pairs, baseline, candidate, o, counted, valgrind, names, progress)));
  return result;
}

/**
 * Copy one side's workspace to scratch/ws-a or scratch/ws-b and build its benches there. Both
 * paths have the same length: binaries embed source paths (debug info, panic locations) and
 * programs see their working folder, and paths of different lengths shift code, data and the
 * initial stack, which moves instruction counts by a few units and times by a few percent.
 * Benches run in the copy of their package folder, as `cargo bench` runs them in theirs.
 */
async function prepareSide(side: Side, d: Discovered, o: MeasureOptions, buildMs: number): Promise<Map<string, string>> {
  const ws = path.join(o.scratch, side.label === 'baseline' ? 'ws-a' : 'ws-b');
  rmSync(ws, { recursive: true, force: true });
  const root = d.workspaceRoot;
  const files: string[] = [];
  cpSync(root, ws, {
    recursive: true,
    preserveTimestamps: true,
    filter: (p) => {
      if (p !== root && SKIP_COPY.has(path.basename(p))) return false;
      files.push(p);
      return true;
    },
  });
  side.runDir = path.join(ws, path.relative(root, side.dir));
  // Cargo decides freshness by mtimes, which a copy of other content can fool: forget the
  // workspace's own fingerprints whenever this target dir was last built from other content.
  const stamp = path.join(side.targetDir, '.rxfix-source-hash');
  const hash = contentHash(root, files);
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== hash) forgetLocalFingerprints(side.targetDir, d.packages);
  checkAbort(o);
  const exes = await buildBenches(side.runDir, side.targetDir, o.env, side.label, buildMs, o.signal);
  checkAbort(o);
  writeFileSync(stamp, hash);
  return exes;
}

function contentHash(root: string, files: string[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort()) {
    let st;
    try {
      st = statSync(f);
    } catch {
      continue;
    }
    if (!st.isFile()) continue;
    h.update(path.relative(root, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  return h.digest('hex');
}

const SKIP_COPY = new Set(['target', '.git', 'node_modules']);

// ---------- time ----------

/**
 * One round's value: the median of its per-iteration samples (libtest and divan give one figure
 * per run). A 10th percentile was tried (bench/gate.js): no better, since on a loaded 2-core machine
 * the spread is between processes (±10 % per process), not between samples of one process.
 */
export function roundSummary(perIter: readonly number[]): number {
  return median(perIter);
}

async function timeRows(pairs: Pair[], A: Side, B: Side, o: MeasureOptions, names: Map<string, string[]>, progress: (m: string) => void): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  // per pair → bench name → side → per-round medians / pooled samples
  const rounds = new Map<string, Map<string, { baseline: number[]; candidate: number[]; poolA: number[]; poolB: number[] }>>();
  const failed = new Map<string, string>();
  const maxRounds = Math.max(o.rounds, o.maxRounds ?? 3 * o.rounds);
  const runRound = async (r: number, total: number) => {
    const order: Side[] = r % 2 === 0 ? [A, B] : [B, A];
    progress(`time round ${r + 1}/${total}`);
    for (const p of pairs) {
      if (failed.has(p.key)) continue;
      for (const side of order) {
        let samples: TimeSamples[];
        try {
          samples = await runTimed(p, side, o, r);
        } catch (e) {
          if (e instanceof BenchFailure) {
            failed.set(p.key, e.message);
            break;
          }
          throw e;
        }
        const byName = rounds.get(p.key) ?? new Map();
        rounds.set(p.key, byName);
        for (const s of samples) {
          const entry = byName.get(s.name) ?? { baseline: [], candidate: [], poolA: [], poolB: [] };
          byName.set(s.name, entry);
          entry[side.label].push(roundSummary(s.perIterNs));
          (side.label === 'baseline' ? entry.poolA : entry.poolB).push(...s.perIterNs);
        }
      }
    }
  };
  const judge = () => {
    const inputs: { name: string; input: PairedInput; poolA: number[]; poolB: number[] }[] = [];
    const incomplete: string[] = [];
    for (const p of pairs) {
      if (failed.has(p.key)) continue;
      for (const [name, e] of rounds.get(p.key) ?? new Map()) {
        if (e.baseline.length !== e.candidate.length || e.baseline.length !== done) incomplete.push(p.prefix + name);
        else inputs.push({ name: p.prefix + name, input: { name: p.prefix + name, baseline: e.baseline, candidate: e.candidate }, poolA: e.poolA, poolB: e.poolB });
      }
    }
    return { inputs, incomplete, verdicts: judgeTime(inputs.map((i) => i.input), { thresholdPct: o.thresholdPct }) };
  };
  let done = 0;
  for (; done < o.rounds; done++) await runRound(done, o.rounds);
  let judged = judge();
  // A benchmark whose interval straddles ±threshold is undecided: two more rounds (AB, BA) at a
  // time, up to maxRounds. Decided ones (interval inside the band, or beyond it) stop the loop.
  const undecided = () => judged.verdicts.some((v) => v.verdict === 'no-change' && (v.ci95[0] < -o.thresholdPct || v.ci95[1] > o.thresholdPct));
  while (undecided() && done + 2 <= maxRounds) {
    await runRound(done, maxRounds);
    await runRound(done + 1, maxRounds);
    done += 2;
    judged = judge();
  }
  for (const p of pairs) {
    const err = failed.get(p.key);
    if (err) rows.push({ name: `${p.prefix || p.target.name + '/'}*`, metric: 'time', unit: 'ns', before: null, after: null, changePct: null, ci95: null, verdict: 'error', note: err });
    else names.set(p.key, [...(rounds.get(p.key) ?? new Map()).keys()]);
  }
  for (const name of judged.incomplete) {
    rows.push({ name, metric: 'time', unit: 'ns', before: null, after: null, changePct: null, ci95: null, verdict: 'skipped', note: `measured on only one side or not in every round` });
  }
  judged.verdicts.forEach((v, k) => {
    const i = judged.inputs[k]!;
    rows.push({
      name: i.name,
      metric: 'time',
      unit: 'ns',
      before: v.before,
      after: v.after,
      changePct: v.changePct,
      ci95: v.ci95,
      verdict: v.verdict,
      percentiles: { before: percentiles(i.poolA), after: percentiles(i.poolB) },
      pValue: v.pValue,
      rounds: v.rounds,
    });
  });
  return rows;
}

function benchFailureMessage(p: Pair, side: Side, r: ProcResult, timeoutMs: number): string | null {
  const what = `bench ${p.target.name} (${side.label})`;
  if (r.spawnError) return `${what}: cannot start ${r.spawnError}`;
  if (r.timedOut) return `${what}: killed after ${Math.round(timeoutMs / 1000)} s (--bench-timeout)`;
  if (r.code !== 0) {
    const panic = panicLine(r.stderr);
    return panic ? `${what} panicked: ${panic}` : `${what} failed with ${r.signal ?? `exit code ${r.code}`}: ${lastLine(r.stderr)}`;
  }
  return null;
}

function packageDir(p: Pair, side: Side): string {
  return path.join(side.runDir ?? side.dir, p.packageRel);
}

async function runTimed(p: Pair, side: Side, o: MeasureOptions, round: number): Promise<TimeSamples[]> {
  const exe = p.exe[side.label];
  const cwd = packageDir(p, side);
  const env: NodeJS.ProcessEnv = { ...sameEnv(o.env), CARGO_MANIFEST_DIR: cwd };
  let args = ['--bench'];
  let critHome: string | undefined;
  if (p.target.adapter === 'criterion') {
    critHome = path.join(o.scratch, 'criterion', side.label, p.target.name, String(round));
    rmSync(critHome, { recursive: true, force: true });
    env['CRITERION_HOME'] = critHome;
    args = criterionArgs(o.criterion);
  }
  checkAbort(o);
  const r = await runProcess(exe, args, { cwd, env, timeoutMs: o.benchTimeoutMs, ...(o.signal ? { signal: o.signal } : {}) });
  checkAbort(o);
  const fail = benchFailureMessage(p, side, r, o.benchTimeoutMs);
  if (fail) throw new BenchFailure(fail);
  try {
    let samples: TimeSamples[];
    switch (p.target.adapter) {
      case 'criterion':
        samples = readCriterionDir(critHome!);
        rmSync(critHome!, { recursive: true, force: true });
        break;
      case 'libtest':
        return parseLibtest(r.stdout); // no #[bench] functions (e.g. stable) is not an error
      case 'divan':
        samples = parseDivan(r.stdout);
        break;
      case 'plain':
        samples = parsePlain(r.stdout);
        break;
    }
    if (samples.length === 0) throw new ParseError(p.target.adapter === 'plain' ? 'no `rxfix-bench: <name> <value> <unit>` lines in its output' : 'no benchmark results in its output');
    return samples;
  } catch (e) {
    if (e instanceof ParseError) {
      throw new RxfixError(`error: cannot parse the output of bench ${p.target.name} (${side.label}) with the ${p.target.adapter} adapter: ${e.message}`, EXIT.usage);
    }
    throw e;
  }
}

// ---------- valgrind counts ----------

const TOOL_OF: Record<Exclude<Metric, 'time'>, ValgrindTool> = {
  instructions: 'callgrind',
  allocations: 'dhat',
  'peak-heap': 'dhat',
  'cache-misses': 'cachegrind',
};

/** The benchmarks of a target, without timing them (once-mode listing). */
async function listNames(p: Pair, o: MeasureOptions): Promise<string[]> {
  const exe = p.exe.baseline;
  switch (p.target.adapter) {
    case 'criterion': {
      const r = await runProcess(exe, ['--list'], { env: o.env, timeoutMs: o.benchTimeoutMs });
      return [...r.stdout.matchAll(/^(.+): benchmark$/gm)].map((m) => m[1]!);
    }
    case 'plain': {
      const r = await runProcess(exe, ['--bench'], { env: { ...o.env, RXFIX_BENCH_ONCE: '1' }, timeoutMs: o.benchTimeoutMs });
      try {
        return parsePlain(r.stdout).map((s) => s.name);
      } catch {
        return [];
      }
    }
    default:
      return ['*'];
  }
}

/**
 * The environment for a bench run, minus what differs between the two sides' folders: PWD's
 * length moves the initial stack, which changes instruction and byte counts by a few units.
 */
function sameEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { PWD: _pwd, OLDPWD: _old, ...rest } = env;
  return rest;
}

/** Arguments and env that run one benchmark once (or the whole target for `*`). */
function onceInvocation(p: Pair, name: string, o: MeasureOptions, home: string): { args: string[]; env: NodeJS.ProcessEnv } {
  switch (p.target.adapter) {
    case 'criterion':
      return { args: ['--exact', name], env: { ...sameEnv(o.env), CRITERION_HOME: home } };
    case 'plain':
      return { args: ['--bench', '--exact', name], env: { ...sameEnv(o.env), RXFIX_BENCH_ONCE: '1' } };
    case 'divan':
      return { args: name === '*' ? ['--test'] : ['--test', '--exact', name], env: sameEnv(o.env) };
    case 'libtest':
      return { args: name === '*' ? [] : ['--exact', name], env: sameEnv(o.env) };
  }
}

type ToolValues = Record<string, number>;

/**
 * One valgrind run. The program must see the same bytes on both sides, or counts differ by a few
 * instructions and bytes: the executable is copied to one fixed path (argv[0]) and every path in
 * its environment has the same length on both sides (tags A0, B0, A1, B1, A2).
 */
async function runUnderTool(valgrind: string, tool: ValgrindTool, p: Pair, name: string, side: Side, o: MeasureOptions, tag: 'A0' | 'B0' | 'A1' | 'B1' | 'A2'): Promise<ToolValues | { error: string }> {
  const base = path.join(o.scratch, 'valgrind', tool, p.target.name, name.replace(/[^A-Za-z0-9_.-]/g, '_'));
  const dir = path.join(base, tag);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const exe = path.join(o.scratch, 'valgrind', 'exe', p.target.name);
  mkdirSync(path.dirname(exe), { recursive: true });
  rmSync(exe, { force: true });
  copyFileSync(p.exe[side.label], exe);
  chmodSync(exe, 0o755);
  const inv = onceInvocation(p, name, o, path.join(dir, 'home'));
  const out = path.join(dir, `${tool}.out.%p`);
  checkAbort(o);
  const r = await runProcess(valgrind, [...valgrindArgs(tool, out), exe, ...inv.args], { cwd: packageDir(p, side), env: inv.env, timeoutMs: o.benchTimeoutMs * 20, ...(o.signal ? { signal: o.signal } : {}) });
  checkAbort(o);
  const files = readdirSync(dir).filter((f) => f.startsWith(`${tool}.out.`));
  if (r.timedOut) return { error: `valgrind ${tool}: killed after ${Math.round((o.benchTimeoutMs * 20) / 1000)} s` };
  if (r.code !== 0 || files.length === 0) {
    const panic = panicLine(r.stderr);
    return { error: panic ? `panicked under valgrind: ${panic}` : `valgrind could not run it: ${lastLine(r.stderr.split('\n').filter((l) => !/^==\d+==\s*$/.test(l)).join('\n'))}` };
  }
  const total: ToolValues = {};
  const add = (k: string, v: number) => (total[k] = (total[k] ?? 0) + v);
  for (const f of files.sort()) {
    const text = readFileSync(path.join(dir, f), 'utf8');
    const where = `${p.target.name}: ${f}`;
    try {
      if (tool === 'callgrind') add('instructions', parseCallgrindInstructions(text, where));
      if (tool === 'cachegrind') {
        const c = parseCachegrind(text, where);
        add('D1 misses', c.d1);
        add('LL misses', c.ll);
      }
      if (tool === 'dhat') {
        const d = parseDhat(text, where);
        add('blocks', d.totalBlocks);
        add('bytes', d.totalBytes);
        total['peak bytes'] = Math.max(total['peak bytes'] ?? 0, d.peakBytes);
      }
    } catch (e) {
      if (e instanceof ParseError) return { error: `cannot parse valgrind output: ${e.message}` };
      throw e;
    }
  }
  return total;
}

const NO_BENCH = 'rxfix-selects-no-benchmark';

/** A run's counts minus its startup counts (peak bytes stay absolute: a peak is not additive). */
function minus(run: ToolValues | { error: string }, startup: ToolValues | { error: string }): ToolValues | { error: string } {
  if ('error' in run) return run;
  if ('error' in startup) return { error: `startup run: ${startup.error}` };
  const out: ToolValues = {};
  for (const [k, v] of Object.entries(run)) out[k] = k === 'peak bytes' ? v : v - (startup[k] ?? 0);
  return out;
}

const UNITS: Record<Exclude<Metric, 'time'>, string[]> = {
  instructions: ['instructions'],
  allocations: ['blocks', 'bytes'],
  'peak-heap': ['peak bytes'],
  'cache-misses': ['D1 misses', 'LL misses'],
};

async function countRows(
  pairs: Pair[],
  A: Side,
  B: Side,
  o: MeasureOptions,
  metrics: Metric[],
  valgrind: string,
  names: Map<string, string[]>,
  progress: (m: string) => void,
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const tools = [...new Set(metrics.map((m) => TOOL_OF[m as Exclude<Metric, 'time'>]))];
  for (const p of pairs) {
    const list = names.get(p.key) ?? (await listNames(p, o));
    // Startup (loader, std runtime, /proc/self/maps parsing) depends on the binary's layout, not on
    // the benchmark: measure a run that selects no benchmark on each side and subtract it.
    const startup = new Map<ValgrindTool, { a: ToolValues | { error: string }; b: ToolValues | { error: string } }>();
    for (const tool of tools) {
      progress(`valgrind ${tool}: ${p.target.name} startup`);
      startup.set(tool, { a: await runUnderTool(valgrind, tool, p, NO_BENCH, A, o, 'A0'), b: await runUnderTool(valgrind, tool, p, NO_BENCH, B, o, 'B0') });
    }
    for (const name of list) {
      const values = new Map<ValgrindTool, { a?: ToolValues; b?: ToolValues; a2?: ToolValues; error?: string; candidateOnly?: boolean }>();
      for (const tool of tools) {
        progress(`valgrind ${tool}: ${p.prefix}${name}`);
        const s0 = startup.get(tool)!;
        const a = minus(await runUnderTool(valgrind, tool, p, name, A, o, 'A1'), s0.a);
        if ('error' in a) {
          values.set(tool, { error: `baseline: ${a.error}` });
          continue;
        }
        const b = minus(await runUnderTool(valgrind, tool, p, name, B, o, 'B1'), s0.b);
        if ('error' in b) {
          // The baseline ran: the candidate broke the bench (an error, not a skipped metric).
          values.set(tool, { error: `candidate: ${b.error}`, candidateOnly: true });
          continue;
        }
        const a2 = minus(await runUnderTool(valgrind, tool, p, name, A, o, 'A2'), s0.a);
        values.set(tool, 'error' in a2 ? { error: `baseline: ${a2.error}` } : { a, b, a2 });
      }
      for (const m of metrics) {
        const v = values.get(TOOL_OF[m as Exclude<Metric, 'time'>])!;
        for (const unit of UNITS[m as Exclude<Metric, 'time'>]) {
          const rowName = p.prefix + (name === '*' ? p.target.name : name);
          if (v.error) {
            rows.push({ name: rowName, metric: m, unit, before: null, after: null, changePct: null, ci95: null, verdict: v.candidateOnly ? 'error' : 'skipped', note: v.error });
            continue;
          }
          const j = judgeCount(v.a![unit]!, v.b![unit]!, v.a2![unit]);
          rows.push({
            name: rowName,
            metric: m,
            unit,
            before: j.before,
            after: j.after,
            changePct: j.changePct,
            ci95: null,
            verdict: j.verdict,
            ...(j.deterministic ? {} : { note: `not deterministic: two baseline runs gave ${v.a![unit]} and ${v.a2![unit]}` }),
          });
        }
      }
    }
  }
  return rows;
}

