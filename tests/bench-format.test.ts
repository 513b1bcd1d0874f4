// Rendering of comparisons (table, markdown, JSON) and target discovery, on synthetic inputs.
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adapterFor, benchExecutables, benchTargetsFromMetadata, harnessFlags } from '../src/bench/discover.js';
import { benchEntries, fmtValue, formatJson, formatMarkdown, formatTable } from '../src/bench/format.js';
import { parseMetrics } from '../src/bench/run.js';
import type { BenchResult } from '../src/bench/types.js';

const result: BenchResult = {
  metrics: ['time', 'allocations'],
  rounds: 6,
  thresholdPct: 2,
  notes: [],
  cargoRuns: 0,
  rows: [
    { name: 'parse', metric: 'allocations', unit: 'blocks', before: 7, after: 2, changePct: -71.42857, ci95: null, verdict: 'faster' },
    {
      name: 'parse',
      metric: 'time',
      unit: 'ns',
      before: 1.0e6,
      after: 8.1e5,
      changePct: -19,
      ci95: [-21.2, -16.9],
      verdict: 'faster',
      percentiles: { before: { p50: 1e6, p95: 1.2e6, p99: 1.3e6 }, after: { p50: 8.1e5, p95: 9e5, p99: 9.9e5 } },
      pValue: 0.001,
      rounds: 6,
    },
    { name: 'broken', metric: 'time', unit: 'ns', before: null, after: null, changePct: null, ci95: null, verdict: 'error', note: 'bench b (candidate) panicked: boom' },
  ],
};

describe('bench output formats', () => {
  it('scales time units', () => {
    expect(fmtValue(512, 'ns')).toBe('512 ns');
    expect(fmtValue(1500, 'ns')).toBe('1.50 µs');
    expect(fmtValue(8.1e5, 'ns')).toBe('810 µs');
    expect(fmtValue(2.5e9, 'ns')).toBe('2.50 s');
    expect(fmtValue(12345, 'blocks')).toBe('12,345');
    expect(fmtValue(null, 'ns')).toBe('-');
  });

  it('table: one row per benchmark and metric, time first, percentiles for time', () => {
    const t = formatTable(result);
    const lines = t.split('\n').filter((l) => l.includes('│ parse') || l.includes('│ broken'));
    expect(lines[0]).toMatch(/broken.*time.*error: bench b \(candidate\) panicked: boom/);
    expect(lines[1]).toMatch(/parse.*time.*1\.00 ms.*810 µs.*-19\.00 %.*\[-21\.20 %, -16\.90 %\].*faster.*1\.00 ms \/ 1\.20 ms \/ 1\.30 ms → 810 µs \/ 900 µs \/ 990 µs/);
    expect(lines[2]).toMatch(/parse.*allocations \(blocks\).*7.*2.*-71\.43 %.*exact.*faster/);
    expect(t).toMatch(/ratio of medians over ≥ 6 paired rounds/);
  });

  it('markdown for pull requests', () => {
    const md = formatMarkdown(result);
    expect(md.split('\n')[0]).toBe('| benchmark | metric | before | after | change | 95 % CI | verdict |');
    expect(md).toContain('| parse | time | 1.00 ms | 810 µs | -19.00 % | [-21.20 %, -16.90 %] | ✅ faster |');
    expect(md).toContain('| parse | allocations (blocks) | 7 | 2 | -71.43 % | exact | ✅ faster |');
  });

  it('JSON keeps the report contract of bench entries and adds metric', () => {
    const doc = JSON.parse(formatJson(result)) as { version: number; bench: Record<string, unknown>[] };
    expect(doc.version).toBe(1);
    const time = doc.bench.find((e) => e['metric'] === 'time' && e['name'] === 'parse')!;
    expect(time).toMatchObject({ name: 'parse', before: 1e6, after: 8.1e5, unit: 'ns', changePct: -19, ci95: [-21.2, -16.9], verdict: 'faster', metric: 'time', rounds: 6 });
    expect(benchEntries(result)[0]).toMatchObject({ metric: 'allocations', unit: 'blocks', ci95: null, changePct: -71.4286 });
  });

  it('nothing to print for an empty comparison', () => {
    expect(formatTable({ ...result, rows: [] })).toBe('');
  });
});

describe('metrics and discovery', () => {
  it('parses metric lists; default instructions with valgrind, else time', () => {
    expect(parseMetrics('time, allocations,time', true)).toEqual(['time', 'allocations']);
    expect(parseMetrics(undefined, true)).toEqual(['instructions']);
    expect(parseMetrics(undefined, false)).toEqual(['time']);
    expect(() => parseMetrics('cycles', true)).toThrow('error: unknown metric `cycles`; valid metrics: time, instructions, allocations, peak-heap, cache-misses');
  });

  it('chooses the adapter from harness and source', () => {
    expect(adapterFor(true, '#[bench] fn b() {}')).toBe('libtest');
    expect(adapterFor(false, 'criterion_group!(g, f); criterion_main!(g);')).toBe('criterion');
    expect(adapterFor(false, 'fn main() { divan::main(); }')).toBe('divan');
    expect(adapterFor(false, 'fn main() { println!("rxfix-bench: a 1 ns"); }')).toBe('plain');
    expect(harnessFlags('[[bench]]\nname = "a"\nharness = false\n[[bench]]\nname = "b"\n')).toEqual(new Map([['a', false], ['b', true]]));
  });

  it('reads bench targets from cargo metadata and executables from cargo messages', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rxfix-meta-'));
    mkdirSync(path.join(dir, 'benches'));
    writeFileSync(path.join(dir, 'Cargo.toml'), '[package]\nname = "x"\n[[bench]]\nname = "c"\nharness = false\n');
    writeFileSync(path.join(dir, 'benches/c.rs'), 'criterion_main!(g);');
    const meta = {
      workspace_root: dir,
      packages: [
        {
          name: 'x',
          manifest_path: path.join(dir, 'Cargo.toml'),
          targets: [
            { name: 'x', kind: ['lib'], src_path: path.join(dir, 'src/lib.rs') },
            { name: 'c', kind: ['bench'], src_path: path.join(dir, 'benches/c.rs') },
          ],
        },
      ],
    };
    const t = benchTargetsFromMetadata(JSON.stringify(meta));
    expect(t).toEqual([{ name: 'c', packageName: 'x', manifestPath: path.join(dir, 'Cargo.toml'), srcPath: path.join(dir, 'benches/c.rs'), harness: false, adapter: 'criterion' }]);
    const msgs = [
      JSON.stringify({ reason: 'compiler-artifact', manifest_path: path.join(dir, 'Cargo.toml'), target: { name: 'x', kind: ['lib'] }, executable: '/t/x-1' }),
      JSON.stringify({ reason: 'compiler-artifact', manifest_path: path.join(dir, 'Cargo.toml'), target: { name: 'c', kind: ['bench'] }, executable: '/t/c-1' }),
      'not json',
    ].join('\n');
    expect([...benchExecutables(msgs, dir)]).toEqual([['Cargo.toml#c', '/t/c-1']]);
  });
});
