// Rendering a comparison: cli-table3 table, JSON (the report contract's `bench` entries), markdown.
import Table from 'cli-table3';
import { VERSION } from '../version.js';
import { METRICS, type BenchResult, type BenchRow } from './types.js';

export const BENCH_FORMATS = ['table', 'json', 'md'] as const;
export type BenchFormat = (typeof BENCH_FORMATS)[number];

function fmtNum(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return v.toLocaleString('en-US');
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

/** A value with its unit; times scale from ns to µs/ms/s. */
export function fmtValue(v: number | null, unit: string): string {
  if (v === null) return '-';
  if (unit === 'ns') {
    const sig = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
    if (v >= 1e9) return `${sig(v / 1e9)} s`;
    if (v >= 1e6) return `${sig(v / 1e6)} ms`;
    if (v >= 1e3) return `${sig(v / 1e3)} µs`;
    return `${fmtNum(v)} ns`;
  }
  return fmtNum(v);
}

const pct = (v: number | null) =>
  v === null ? '-' : !Number.isFinite(v) ? 'new' : `${v >= 0 ? '+' : ''}${v !== 0 && Math.abs(v) < 0.01 ? v.toPrecision(2) : v.toFixed(2)} %`;
const ci = (r: BenchRow) => (r.ci95 ? `[${pct(r.ci95[0])}, ${pct(r.ci95[1])}]` : r.verdict === 'error' || r.verdict === 'skipped' ? '-' : 'exact');
const verdictText = (r: BenchRow) => (r.note && (r.verdict === 'error' || r.verdict === 'skipped') ? `${r.verdict}: ${r.note}` : r.verdict);
const pcts = (r: BenchRow) =>
  r.percentiles
    ? `${fmtValue(r.percentiles.before.p50, 'ns')} / ${fmtValue(r.percentiles.before.p95, 'ns')} / ${fmtValue(r.percentiles.before.p99, 'ns')} → ${fmtValue(r.percentiles.after.p50, 'ns')} / ${fmtValue(r.percentiles.after.p95, 'ns')} / ${fmtValue(r.percentiles.after.p99, 'ns')}`
    : '';

const metricLabel = (r: BenchRow) => (r.metric === 'time' || r.metric === r.unit ? r.metric : `${r.metric} (${r.unit})`);

/** By benchmark, then metric in METRICS order (rows of one benchmark stay together). */
function sortRows(rows: readonly BenchRow[]): BenchRow[] {
  return rows
    .map((r, i) => ({ r, i }))
    .sort((x, y) => x.r.name.localeCompare(y.r.name) || METRICS.indexOf(x.r.metric) - METRICS.indexOf(y.r.metric) || x.i - y.i)
    .map((x) => x.r);
}

function caption(res: BenchResult): string {
  return `${res.metrics.includes('time') ? `time: ratio of medians over ≥ ${res.rounds} paired rounds (up to 3× while undecided), bootstrap 95 % CI, threshold ±${res.thresholdPct} %, Holm-corrected; ` : ''}counts: exact, valgrind, one run per side (baseline repeated), startup subtracted`;
}

export function formatTable(res: BenchResult): string {
  if (res.rows.length === 0) return '';
  const withTime = res.rows.some((r) => r.metric === 'time');
  const head = ['benchmark', 'metric', 'before', 'after', 'change', '95 % CI', 'verdict', ...(withTime ? ['p50 / p95 / p99 (before → after)'] : [])];
  const t = new Table({ head, style: { head: [], border: [] }, wordWrap: true });
  for (const r of sortRows(res.rows)) {
    t.push([r.name, metricLabel(r), fmtValue(r.before, r.unit), fmtValue(r.after, r.unit), pct(r.changePct), ci(r), verdictText(r), ...(withTime ? [pcts(r)] : [])]);
  }
  return `${t.toString()}\n${caption(res)}\n`;
}

export function formatMarkdown(res: BenchResult): string {
  if (res.rows.length === 0) return '';
  const lines = ['| benchmark | metric | before | after | change | 95 % CI | verdict |', '|---|---|---:|---:|---:|---|---|'];
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  for (const r of sortRows(res.rows)) {
    const v = r.verdict === 'faster' ? '✅ faster' : r.verdict === 'slower' ? '❌ slower' : esc(verdictText(r));
    lines.push(`| ${esc(r.name)} | ${metricLabel(r)} | ${fmtValue(r.before, r.unit)} | ${fmtValue(r.after, r.unit)} | ${pct(r.changePct)} | ${ci(r)} | ${v} |`);
  }
  return `${lines.join('\n')}\n\n_${caption(res)}_\n`;
}

/** The report contract's `bench` entries (architecture.md), with `metric` (issue 8). */
export function benchEntries(res: BenchResult): Record<string, unknown>[] {
  const round = (v: number | null) => (v === null || !Number.isFinite(v) ? v : Math.round(v * 1e4) / 1e4);
  return res.rows.map((r) => ({
    name: r.name,
    metric: r.metric,
    unit: r.unit,
    before: round(r.before),
    after: round(r.after),
    changePct: round(r.changePct),
    ci95: r.ci95 ? [round(r.ci95[0]), round(r.ci95[1])] : null,
    verdict: r.verdict,
    ...(r.note ? { note: r.note } : {}),
    ...(r.percentiles
      ? {
          percentiles: {
            before: { p50: round(r.percentiles.before.p50), p95: round(r.percentiles.before.p95), p99: round(r.percentiles.before.p99) },
            after: { p50: round(r.percentiles.after.p50), p95: round(r.percentiles.after.p95), p99: round(r.percentiles.after.p99) },
          },
        }
      : {}),
    ...(r.rounds !== undefined ? { rounds: r.rounds } : {}),
  }));
}

export function formatJson(res: BenchResult): string {
  const doc = {
    version: 1,
    tool: { name: 'rxfix', version: VERSION },
    metrics: res.metrics,
    rounds: res.rounds,
    thresholdPct: res.thresholdPct,
    bench: benchEntries(res),
    notes: res.notes,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

export function formatBench(res: BenchResult, format: BenchFormat): string {
  return format === 'json' ? formatJson(res) : format === 'md' ? formatMarkdown(res) : formatTable(res);
}
