// The verify gate: which candidate edits does cargo accept?
//
//   S = all candidates (the baseline, S = ∅, passed check and test before this is called)
//   check phase: cargo check S; errors whose primary span touches an edit → drop those edits and
//                check again; errors that touch none → find the first culprit by bisection.
//   test phase:  cargo test S; on failure find the first culprit by bisection, drop it, test again.
//   bench phase: optional hook (see BenchGate); what it rejects is dropped and S is re-verified.
//   confirm:     the last passing test run was on exactly the kept set, and a test run builds
//                every target (`cargo test --no-run --all-targets`, then the tests), so it is the
//                confirmation: no extra run.
//
// Bisection is a binary search for the shortest failing prefix of S: prefix(lo) is known to pass
// (lo = 0: the baseline), S fails, so ⌈log2 |S|⌉ runs find i with prefix(i) passing and
// prefix(i+1) failing; S[i] is a culprit. Dropping it, prefix(i) is still known to pass, so the
// next search starts there. Each breaking edit costs at most ⌈log2 N⌉ runs to find plus one run
// of the remaining set, so with N candidates of which k break, the check and test runs after the
// baseline are at most 2 + k·(⌈log2 N⌉ + 1) ≤ 2 + 2k·⌈log2 N⌉ (N ≥ 2; N = 1 needs no bisection).
// Results are memoised per set, so no set is ever built twice and the empty set is never built.
import type { Candidate } from './candidates.js';
import type { CompilerMessage, TestCounts } from './cargo.js';
import type { Scratch } from './scratch.js';

export type Reason = 'compile' | 'test' | 'bench' | 'overlap' | 'parse' | 'unverified';

export interface RunResult {
  ok: boolean;
  errors: CompilerMessage[];
  timedOut: boolean;
  counts: TestCounts | null;
}

export type Phase = 'check' | 'test' | 'bisect-check' | 'bisect-test' | 'bench' | 'confirm';

/** What the gate needs from cargo; `CargoOracle` (oracle.ts) is the real one. */
export interface Oracle {
  check(set: readonly Candidate[], phase: Phase): Promise<RunResult>;
  test(set: readonly Candidate[], phase: Phase): Promise<RunResult>;
  /** Candidates of `set` whose edits the errors of a failed check of `set` touch. */
  attribute(set: readonly Candidate[], result: RunResult): Set<number>;
  /** Writes `set` into the scratch copy (for the bench hook). */
  materialize(set: readonly Candidate[]): void;
}

/** One row of the report's `bench` array (architecture.md). */
export interface BenchEntry {
  name: string;
  before: number;
  after: number;
  unit: string;
  changePct: number;
  ci95: [number, number];
  verdict: string;
}

export interface BenchGateResult {
  /** Candidates to drop with reason `bench` (a regression beyond the threshold). */
  rejected: Candidate[];
  /** Rows for the report's `bench` array. */
  report: BenchEntry[];
  /** Cargo invocations the hook made, added to the report's `cargoRuns`. */
  cargoRuns: number;
}

export interface BenchGateContext {
  /** The set that passed check and test, already written into `scratch.src`. */
  kept: readonly Candidate[];
  /** Scratch copy: sources in `scratch.src`, CARGO_TARGET_DIR `scratch.target`. */
  scratch: Scratch;
  /** Rewrites the scratch sources to exactly `set` applied (`[]` = the baseline sources). */
  materialize: (set: readonly Candidate[]) => void;
  /** Aborted on Ctrl-C/SIGTERM: stop, kill your cargo process groups, and reject. */
  signal: AbortSignal;
}

/**
 * Hook for `apply --verify --bench` (owned by the benchmark engineer, src/verify/bench*.ts).
 * Called once, after the test phase. It must never touch the user's tree: build baseline and
 * candidate in the scratch copy by calling `materialize([])` / `materialize(kept)` (use
 * `runCargo` from cargo.ts for process groups and timeouts). Candidates it rejects are dropped
 * with reason `bench`, and the rest is verified again by check and test (memoised). Leave the
 * scratch in any state: the gate rewrites it before every later run.
 */
export type BenchGate = (ctx: BenchGateContext) => Promise<BenchGateResult>;

export interface GateProgress {
  phase: Phase;
  runs: number;
  /** Runs still needed if nothing else fails (for an ETA). */
  left: number;
  kept: number;
  rejected: number;
}

export interface GateOptions {
  baselineCounts: TestCounts | null;
  benchGate?: BenchGate;
  scratch?: Scratch;
  signal?: AbortSignal;
  onProgress?: (p: GateProgress) => void;
}

export interface Rejection {
  candidate: Candidate;
  reason: Reason;
  detail?: string;
}

export interface GateResult {
  kept: Candidate[];
  rejected: Rejection[];
  /** cargo check/test runs after the baseline (plus those of the bench hook). */
  cargoRuns: number;
  /** Test counts of the final kept set (the baseline's when nothing is kept). */
  testCounts: TestCounts | null;
  bench: BenchEntry[];
}

const PASS: RunResult = { ok: true, errors: [], timedOut: false, counts: null };

const keyOf = (set: readonly Candidate[]) => set.map((c) => c.id).join(',');

/** The cost bound of the issue: 2 + 2k·⌈log2 N⌉ check/test runs after the baseline. */
export function runBound(n: number, k: number): number {
  return 2 + 2 * k * Math.ceil(Math.log2(Math.max(1, n)));
}

export async function runGate(all: readonly Candidate[], oracle: Oracle, opts: GateOptions): Promise<GateResult> {
  let S = [...all].sort((a, b) => a.id - b.id);
  const rejected: Rejection[] = [];
  const checks = new Map<string, RunResult>();
  const tests = new Map<string, RunResult>();
  let runs = 0;
  let bench: BenchEntry[] = [];
  let benchDone = !opts.benchGate;
  let bisectLeft = 0;
  const left = (phase: Phase) => (phase === 'check' ? 2 : phase === 'test' ? 1 : phase === 'bisect-check' ? bisectLeft + 2 : phase === 'bisect-test' ? bisectLeft + 1 : 0);
  const progress = (phase: Phase) => opts.onProgress?.({ phase, runs, left: left(phase), kept: S.length, rejected: rejected.length });

  const check = async (set: readonly Candidate[], phase: Phase): Promise<RunResult> => {
    if (set.length === 0) return PASS;
    const k = keyOf(set);
    // a passing test run built every target, so it answers for check too
    const hit = checks.get(k) ?? (tests.get(k)?.ok ? tests.get(k) : undefined);
    if (hit) return hit;
    runs++;
    progress(phase);
    const r = await oracle.check(set, phase);
    checks.set(k, r);
    return r;
  };
  const test = async (set: readonly Candidate[], phase: Phase): Promise<RunResult> => {
    if (set.length === 0) return { ...PASS, counts: opts.baselineCounts };
    const k = keyOf(set);
    const hit = tests.get(k);
    if (hit) return hit;
    runs++;
    progress(phase);
    const r = await oracle.test(set, phase);
    tests.set(k, r);
    return r;
  };
  /** Index of the first culprit: prefix(lo) passes and `set` fails. */
  const firstCulprit = async (set: readonly Candidate[], lo: number, failing: RunResult, run: typeof check, phase: Phase) => {
    let hi = set.length;
    let fail = failing;
    while (hi - lo > 1) {
      bisectLeft = Math.ceil(Math.log2(hi - lo));
      const mid = (lo + hi) >> 1;
      const r = await run(set.slice(0, mid), phase);
      if (r.ok) lo = mid;
      else {
        hi = mid;
        fail = r;
      }
    }
    return { index: hi - 1, failing: fail };
  };
  const reject = (c: Candidate, reason: Reason, detail?: string) => rejected.push(detail ? { candidate: c, reason, detail } : { candidate: c, reason });

  for (;;) {
    let lo = 0;
    while (S.length > 0) {
      const r = await check(S, 'check');
      if (r.ok) break;
      const blamed = oracle.attribute(S, r);
      if (blamed.size > 0) {
        for (const c of S) if (blamed.has(c.id)) reject(c, 'compile');
        S = S.filter((c) => !blamed.has(c.id));
        lo = 0;
        continue;
      }
      const { index } = await firstCulprit(S, lo, r, check, 'bisect-check');
      reject(S[index]!, 'compile');
      S = S.filter((_, i) => i !== index);
      lo = index;
    }
    lo = 0;
    while (S.length > 0) {
      const r = await test(S, 'test');
      if (r.ok) break;
      const { index, failing } = await firstCulprit(S, lo, r, test, 'bisect-test');
      const reason: Reason = failing.errors.length > 0 ? 'compile' : 'test';
      reject(S[index]!, reason, failing.timedOut ? 'timeout' : undefined);
      S = S.filter((_, i) => i !== index);
      lo = index;
    }
    if (!benchDone && S.length > 0) {
      benchDone = true;
      progress('bench');
      oracle.materialize(S);
      const b = await opts.benchGate!({ kept: S, scratch: opts.scratch!, materialize: (set) => oracle.materialize(set), signal: opts.signal ?? new AbortController().signal });
      runs += b.cargoRuns;
      bench = b.report;
      const drop = new Set(b.rejected.map((c) => c.id));
      if (drop.size > 0) {
        for (const c of S) if (drop.has(c.id)) reject(c, 'bench');
        S = S.filter((c) => !drop.has(c.id));
        continue;
      }
    }
    break;
  }
  progress('confirm');
  const final = S.length === 0 ? null : tests.get(keyOf(S));
  return { kept: S, rejected, cargoRuns: runs, testCounts: final ? final.counts : opts.baselineCounts, bench };
}
