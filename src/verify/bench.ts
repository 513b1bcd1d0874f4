// The bench phase of `apply --verify --bench` (the BenchGate hook of gate.ts): measure the kept set
// against the baseline with the crate's own benchmarks (src/bench/), and when something regresses,
// find the culprits by rule family, then by file, and reject them with reason `bench`.
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { formatTable } from '../bench/format.js';
import { measure, BenchInterrupted, type Side } from '../bench/run.js';
import type { BenchResult, BenchRow, Metric } from '../bench/types.js';
import { EXIT, RxfixError } from '../errors.js';
import type { Candidate } from './candidates.js';
import type { BenchEntry, BenchGate, BenchGateContext } from './gate.js';

export interface BenchGateOptions {
  metrics: Metric[];
  rounds: number;
  thresholdPct: number;
  benchTimeoutMs: number;
  env: NodeJS.ProcessEnv;
  /** One-line progress messages (without prefix or newline). */
  progress?: (msg: string) => void;
  /** The comparison table of the final measurement (cli-table3 text), for the terminal. */
  table?: (text: string) => void;
}

/** A report row: the contract's fields plus `metric` (issue 8; readers treat absent as time). */
export type MetricBenchEntry = BenchEntry & { metric: Metric; note?: string };

/**
 * Does this row block a change set? Time rows are already judged against the threshold with their
 * interval; counts are reported exactly, but block only beyond the same threshold, so a few
 * instructions of code-layout drift in an untouched benchmark do not reject an unrelated fix.
 * A bench that fails on the candidate side (panic, timeout) blocks.
 */
export function isRegression(r: BenchRow, thresholdPct: number): boolean {
  if (r.verdict === 'error') return /\(candidate\)|^candidate:/.test(r.note ?? '');
  if (r.verdict !== 'slower') return false;
  return r.metric === 'time' || (r.changePct ?? 0) > thresholdPct;
}

export function toEntries(res: BenchResult): MetricBenchEntry[] {
  return res.rows
    .filter((r) => r.verdict !== 'skipped')
    .map((r) => {
      const exact = r.ci95 === null && r.changePct !== null;
      return {
        name: r.metric === 'time' || r.unit === r.metric ? r.name : `${r.name} (${r.unit})`,
        metric: r.metric,
        before: r.before ?? 0,
        after: r.after ?? 0,
        unit: r.unit,
        changePct: r.changePct ?? 0,
        // Exact counts have no uncertainty: the interval is the value itself.
        ci95: r.ci95 ?? (exact ? [r.changePct!, r.changePct!] : [0, 0]),
        verdict: r.verdict,
        ...(r.note ? { note: r.note } : {}),
      };
    });
}

const groupBy = <K>(set: readonly Candidate[], key: (c: Candidate) => K): Map<K, Candidate[]> => {
  const m = new Map<K, Candidate[]>();
  for (const c of set) m.set(key(c), [...(m.get(key(c)) ?? []), c]);
  return m;
};

export function createBenchGate(o: BenchGateOptions): BenchGate {
  return async (ctx: BenchGateContext) => {
    const progress = o.progress ?? (() => {});
    const root = path.join(ctx.scratch.dir, 'bench');
    mkdirSync(root, { recursive: true });
    let cargoRuns = 0;
    // Snapshot a materialized set of the scratch sources into its own folder (the scratch copy is
    // rewritten for every set; measure() copies the snapshot again into its equal-length run folders).
    const snapshot = (set: readonly Candidate[], name: string): string => {
      ctx.materialize(set);
      const dst = path.join(root, name);
      rmSync(dst, { recursive: true, force: true });
      cpSync(ctx.scratch.src, dst, { recursive: true, filter: (p) => path.basename(p) !== 'target' });
      return dst;
    };
    const baseDir = snapshot([], 'baseline-src');
    const A: Side = { label: 'baseline', dir: baseDir, targetDir: path.join(root, 'target-a') };
    const evaluate = async (set: readonly Candidate[], what: string): Promise<BenchResult> => {
      progress(`bench: measuring ${what}`);
      const dir = snapshot(set, 'candidate-src');
      const B: Side = { label: 'candidate', dir, targetDir: path.join(root, 'target-b') };
      try {
        const r = await measure({ ...A }, B, {
          metrics: o.metrics,
          rounds: o.rounds,
          thresholdPct: o.thresholdPct,
          benchTimeoutMs: o.benchTimeoutMs,
          env: o.env,
          scratch: path.join(root, 'runs'),
          signal: ctx.signal,
          progress: (m) => progress(`bench: ${m}`),
        });
        cargoRuns += r.cargoRuns;
        return r;
      } catch (e) {
        if (e instanceof BenchInterrupted) throw new RxfixError('rxfix: interrupted; your files are untouched', EXIT.interrupted);
        throw e;
      }
    };
    const regresses = (r: BenchResult) => r.rows.some((row) => isRegression(row, o.thresholdPct));

    const first = await evaluate(ctx.kept, `${ctx.kept.length} kept fixes`);
    if (first.rows.length === 0) {
      progress(first.notes[0] ?? 'bench: no benches; gating on tests only');
      return { rejected: [], report: [], cargoRuns };
    }
    const baselineBroken = first.rows.filter((r) => r.verdict === 'error' && !isRegression(r, o.thresholdPct));
    for (const r of baselineBroken) progress(`bench: warning: ${r.note}; that bench cannot gate`);
    if (!regresses(first)) {
      o.table?.(formatTable(first));
      return { rejected: [], report: toEntries(first), cargoRuns };
    }

    // Bisect: families that regress on their own, then within each, the files that do.
    const rejected: Candidate[] = [];
    const families = groupBy(ctx.kept, (c) => c.family);
    for (const [family, inFamily] of families) {
      if (families.size > 1 && !regresses(await evaluate(inFamily, `family ${family}`))) continue;
      const files = groupBy(inFamily, (c) => c.rel);
      for (const [file, inFile] of files) {
        if (files.size > 1 && !regresses(await evaluate(inFile, `family ${family}, ${file}`))) continue;
        rejected.push(...inFile);
      }
    }
    let rest = ctx.kept.filter((c) => !rejected.includes(c));
    let final = rest.length > 0 ? await evaluate(rest, `${rest.length} remaining fixes`) : null;
    // Interactions the split did not reveal: keep nothing rather than a set that is slower.
    if (final && regresses(final)) {
      rejected.push(...rest);
      rest = [];
      final = null;
    }
    const report = final ? toEntries(final) : toEntries(first);
    o.table?.(formatTable(final ?? first));
    return { rejected, report, cargoRuns };
  };
}
