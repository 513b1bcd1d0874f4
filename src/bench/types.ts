// Shared shapes of the benchmark gate: metrics, bench targets, measurements, comparison rows.
import type { Percentiles, Verdict } from './stats.js';

export const METRICS = ['time', 'instructions', 'allocations', 'peak-heap', 'cache-misses'] as const;
export type Metric = (typeof METRICS)[number];

/** Metrics measured under valgrind: deterministic counts, one run per side. */
export const VALGRIND_METRICS: readonly Metric[] = ['instructions', 'allocations', 'peak-heap', 'cache-misses'];

export type AdapterKind = 'criterion' | 'libtest' | 'divan' | 'plain';

/** One `[[bench]]` target of a package, as cargo metadata and the manifest describe it. */
export interface BenchTarget {
  /** Target name (`cargo bench --bench NAME`). */
  name: string;
  packageName: string;
  manifestPath: string;
  srcPath: string;
  harness: boolean;
  adapter: AdapterKind;
}

/** Per-benchmark time samples of one run: per-iteration times in nanoseconds. */
export interface TimeSamples {
  name: string;
  perIterNs: number[];
}

/** One row of a comparison: a benchmark and a metric (several rows per benchmark for counts). */
export interface BenchRow {
  /** `target/benchmark`, or just the benchmark when the crate has one bench target. */
  name: string;
  metric: Metric;
  /** Sub-measure for multi-valued metrics (allocations: blocks/bytes, cache-misses: D1/LL). */
  unit: string;
  before: number | null;
  after: number | null;
  changePct: number | null;
  ci95: [number, number] | null;
  verdict: Verdict | 'error' | 'skipped';
  /** Why a row is error/skipped. */
  note?: string;
  percentiles?: { before: Percentiles; after: Percentiles };
  pValue?: number;
  rounds?: number;
}

export interface BenchResult {
  rows: BenchRow[];
  metrics: Metric[];
  rounds: number;
  thresholdPct: number;
  /** Messages for the user (stderr), e.g. "no benches found". */
  notes: string[];
  /** cargo invocations (metadata and builds). */
  cargoRuns: number;
}
