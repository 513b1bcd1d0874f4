// Paired statistics for the benchmark gate: pure functions, deterministic for the same input.
//
// Design (docs in the module so the numbers in a report can be traced back):
// - Time is measured in rounds run A B A B …; round i gives one value per side (the median of the
//   per-iteration samples of that round). The estimate is median(B) / median(A).
// - Its 95 % interval comes from a paired bootstrap: resample round indices with replacement (a
//   round keeps its A and its B together, so slow phases of a noisy machine cancel), recompute the
//   ratio of medians, take the 2.5th and 97.5th percentiles. The PRNG is seeded from the benchmark
//   name, so the same samples always give the same interval.
// - With 6–10 rounds a plain percentile bootstrap is too narrow (it ignores that the spread itself
//   is estimated from few rounds). The resampled log-ratios are therefore widened around the
//   estimate by sqrt(n/(n−1))·t(n−1, 0.975)/z(0.975) (Hesterberg's expanded percentile interval):
//   ×1.44 for 6 rounds, → 1 as rounds grow. A/A runs on a noisy 2-core machine showed per-process
//   offsets of ±6 % on a 140 ns bench that the narrow interval would have called a change.
// - A benchmark is faster/slower only when the whole interval lies beyond the noise threshold
//   (default 2 %) and, across benchmarks, when its bootstrap p-value survives Holm's step-down
//   correction at α = 0.05. Everything else is no-change.
// - Deterministic counts (instructions, allocations, bytes, peak heap, cache misses) need no
//   statistics: any reduction is a reduction. When the baseline was measured twice and the two
//   counts differ, the count is not deterministic for that bench and the spread becomes its floor.

export type Verdict = 'faster' | 'slower' | 'no-change';

export const DEFAULT_THRESHOLD_PCT = 2;
export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_RESAMPLES = 2000;

/** mulberry32: a small, fast, seedable 32-bit PRNG (uniform in [0, 1)). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string: the bootstrap seed of a benchmark, stable across runs and platforms. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** Linear-interpolation quantile (type 7, as numpy's default); q in [0, 1]. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return quantileSorted(s, q);
}

function quantileSorted(s: readonly number[], q: number): number {
  if (s.length === 1) return s[0]!;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** p50/p95/p99 of per-iteration samples (latency percentiles). */
export function percentiles(samples: readonly number[]): Percentiles {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: quantileSorted(s, 0.5), p95: quantileSorted(s, 0.95), p99: quantileSorted(s, 0.99) };
}

export interface PairedInput {
  name: string;
  /** One value per round, baseline side; same length and order as `candidate`. */
  baseline: readonly number[];
  candidate: readonly number[];
}

export interface PairedEstimate {
  name: string;
  before: number;
  after: number;
  /** (after / before − 1) × 100 */
  changePct: number;
  /** 95 % bootstrap interval of changePct. */
  ci95: [number, number];
  /** Bootstrap p-value of "the change is within ±threshold" (small = a real change). */
  pValue: number;
  direction: 'faster' | 'slower' | 'none';
  rounds: number;
}

export interface PairedOptions {
  thresholdPct?: number;
  resamples?: number;
  seed?: number;
}

/** Ratio of medians over paired rounds with a seeded bootstrap interval (one benchmark, no correction). */
export function pairedEstimate(input: PairedInput, opts: PairedOptions = {}): PairedEstimate {
  const { baseline: a, candidate: b, name } = input;
  if (a.length !== b.length) throw new Error(`${name}: ${a.length} baseline rounds but ${b.length} candidate rounds`);
  if (a.length === 0) throw new Error(`${name}: no rounds`);
  const t = (opts.thresholdPct ?? DEFAULT_THRESHOLD_PCT) / 100;
  const B = opts.resamples ?? DEFAULT_RESAMPLES;
  const before = median(a);
  const after = median(b);
  const ratio = after / before;
  const rand = mulberry32(opts.seed ?? seedOf(name));
  const n = a.length;
  const logRatio = Math.log(ratio);
  const widen = expansion(n);
  const logs = new Float64Array(B);
  const ra = new Array<number>(n);
  const rb = new Array<number>(n);
  let withinOrBelow = 0; // resampled ratios ≤ 1 + t: evidence against "slower"
  let withinOrAbove = 0; // resampled ratios ≥ 1 − t: evidence against "faster"
  for (let k = 0; k < B; k++) {
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rand() * n);
      ra[i] = a[j]!;
      rb[i] = b[j]!;
    }
    const l = logRatio + (Math.log(median(rb) / median(ra)) - logRatio) * widen;
    logs[k] = l;
    if (l <= Math.log(1 + t)) withinOrBelow++;
    if (l >= Math.log(1 - t)) withinOrAbove++;
  }
  const sorted = Array.from(logs).sort((x, y) => x - y);
  const lo = (Math.exp(quantileSorted(sorted, 0.025)) - 1) * 100;
  const hi = (Math.exp(quantileSorted(sorted, 0.975)) - 1) * 100;
  const direction: PairedEstimate['direction'] = ratio > 1 + t ? 'slower' : ratio < 1 - t ? 'faster' : 'none';
  // One-sided bootstrap p-value in the observed direction, doubled for the two possible directions.
  const tail = direction === 'slower' ? withinOrBelow : direction === 'faster' ? withinOrAbove : B;
  const pValue = Math.min(1, (2 * (tail + 1)) / (B + 1));
  return { name, before, after, changePct: (ratio - 1) * 100, ci95: [lo, hi], pValue, direction, rounds: n };
}

// Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom.
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** Small-sample widening of a bootstrap interval: sqrt(n/(n−1)) · t(n−1) / z. */
export function expansion(n: number): number {
  if (n < 2) return 1;
  const t = T975[n - 2] ?? 1.96;
  return Math.sqrt(n / (n - 1)) * (t / 1.96);
}

/** Holm's step-down correction: which hypotheses are rejected at family-wise level alpha. */
export function holmReject(pValues: readonly number[], alpha = DEFAULT_ALPHA): boolean[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p || x.i - y.i);
  const rejected = new Array<boolean>(m).fill(false);
  for (let k = 0; k < m; k++) {
    const { p, i } = order[k]!;
    if (p > alpha / (m - k)) break;
    rejected[i] = true;
  }
  return rejected;
}

export interface TimeVerdict extends PairedEstimate {
  verdict: Verdict;
}

/**
 * Verdicts for a family of benchmarks: a change is real when its interval lies wholly beyond the
 * threshold and its p-value survives Holm's correction across all benchmarks compared together.
 */
export function judgeTime(inputs: readonly PairedInput[], opts: PairedOptions & { alpha?: number } = {}): TimeVerdict[] {
  const t = opts.thresholdPct ?? DEFAULT_THRESHOLD_PCT;
  const est = inputs.map((i) => pairedEstimate(i, opts));
  const rejected = holmReject(
    est.map((e) => e.pValue),
    opts.alpha ?? DEFAULT_ALPHA,
  );
  return est.map((e, k) => {
    let verdict: Verdict = 'no-change';
    if (rejected[k] && e.direction === 'slower' && e.ci95[0] > t) verdict = 'slower';
    if (rejected[k] && e.direction === 'faster' && e.ci95[1] < -t) verdict = 'faster';
    return { ...e, verdict };
  });
}

export interface CountVerdict {
  before: number;
  after: number;
  changePct: number;
  verdict: Verdict;
  /** False when two baseline runs disagreed; the spread between them was then the noise floor. */
  deterministic: boolean;
}

/**
 * Exact verdict for a deterministic count: any reduction is a reduction. `baselineRepeat`, when
 * given, is a second baseline measurement; if it differs, changes within that spread are no-change.
 */
export function judgeCount(before: number, after: number, baselineRepeat?: number): CountVerdict {
  const deterministic = baselineRepeat === undefined || baselineRepeat === before;
  const floor = deterministic ? 0 : Math.abs(baselineRepeat - before);
  const ref = deterministic ? before : Math.max(before, baselineRepeat);
  const refLow = deterministic ? before : Math.min(before, baselineRepeat);
  let verdict: Verdict = 'no-change';
  if (after > ref + (deterministic ? 0 : floor)) verdict = 'slower';
  else if (after < refLow - (deterministic ? 0 : floor)) verdict = 'faster';
  const changePct = before === 0 ? (after === 0 ? 0 : Infinity) : (after / before - 1) * 100;
  return { before, after, changePct, verdict, deterministic };
}
