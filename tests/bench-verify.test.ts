// The bench phase of `apply --verify --bench` (src/verify/bench.ts) against a scratch copy of the
// bench-plain fixture, with hand-made candidates: a regression is found by family, then by file,
// and only its candidates are rejected. Instruction counts make the verdicts deterministic.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Family } from '../src/engine/rule.js';
import { createBenchGate, isRegression, toEntries } from '../src/verify/bench.js';
import type { Candidate } from '../src/verify/candidates.js';
import type { BenchGateContext } from '../src/verify/gate.js';
import type { Scratch } from '../src/verify/scratch.js';

const FIXTURE = path.resolve('fixtures/crates/bench-plain');

interface Change {
  candidate: Candidate;
  from: string;
  to: string;
}

function change(id: number, family: Family, rel: string, from: string, to: string): Change {
  return { candidate: { id, ruleId: `rule-${id}`, family, tier: 'verify', path: rel, rel, line: 1, column: 1, edits: [] }, from, to };
}

function context(changes: Change[], kept: Candidate[]): BenchGateContext {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rxfix-bench-gate-'));
  const src = path.join(dir, 'src');
  const materialize = (set: readonly Candidate[]) => {
    rmSync(src, { recursive: true, force: true });
    cpSync(FIXTURE, src, { recursive: true, filter: (p) => path.basename(p) !== 'target' });
    for (const ch of changes) {
      if (!set.includes(ch.candidate)) continue;
      const file = path.join(src, ch.candidate.rel);
      const text = readFileSync(file, 'utf8');
      if (!text.includes(ch.from)) throw new Error(`test setup: ${ch.from} not in ${ch.candidate.rel}`);
      writeFileSync(file, text.replace(ch.from, ch.to));
    }
  };
  mkdirSync(src, { recursive: true });
  return { kept, scratch: { dir, src, target: path.join(dir, 'target') } as unknown as Scratch, materialize, signal: new AbortController().signal };
}

const gate = createBenchGate({ metrics: ['instructions'], rounds: 6, thresholdPct: 2, benchTimeoutMs: 60_000, env: process.env });

describe('apply --verify --bench gate', () => {
  it('rejects the regressing candidate found by family, then by file; keeps the rest', async () => {
    const slow = change(1, 'alloc', 'src/lib.rs', 'pub const EXTRA_WORK_PCT: u64 = 0;', 'pub const EXTRA_WORK_PCT: u64 = 10;');
    const fewerAllocs = change(2, 'strings', 'src/lib.rs', 'let owned = w.to_string();', 'let owned = *w;');
    const harmless = change(3, 'alloc', 'benches/plain.rs', '// Many short samples', '// Many brief samples');
    const all = [slow, fewerAllocs, harmless];
    const r = await gate(context(all, all.map((c) => c.candidate)));
    expect(r.rejected.map((c) => c.id)).toEqual([1]);
    expect(r.cargoRuns).toBeGreaterThan(0);
    const jw = r.report.find((e) => e.name === 'join_words')!;
    expect(jw).toMatchObject({ metric: 'instructions', unit: 'instructions', verdict: 'faster' });
    expect(jw.ci95).toEqual([jw.changePct, jw.changePct]);
    expect(r.report.find((e) => e.name === 'hash_loop')!.verdict).not.toBe('slower');
  });

  it('a change that makes a bench panic is rejected', async () => {
    const panics = change(4, 'alloc', 'src/lib.rs', 'let mut out = String::with_capacity(64);', 'let mut out = String::with_capacity(64); if words.len() > 1 { panic!("broken by the fix") }');
    const r = await gate(context([panics], [panics.candidate]));
    expect(r.rejected.map((c) => c.id)).toEqual([4]);
    const row = r.report.find((e) => e.name === 'join_words')!;
    expect(row.verdict).toBe('error');
    expect((row as { note?: string }).note).toMatch(/^candidate: panicked under valgrind: broken by the fix/);
  });
});

describe('gate rules', () => {
  it('time slowdowns block; count slowdowns block beyond the threshold; candidate failures block', () => {
    const row = { name: 'b', unit: 'instructions', before: 100, after: 101, ci95: null } as const;
    expect(isRegression({ ...row, metric: 'instructions', changePct: 1, verdict: 'slower' }, 2)).toBe(false);
    expect(isRegression({ ...row, metric: 'instructions', changePct: 3, verdict: 'slower' }, 2)).toBe(true);
    expect(isRegression({ ...row, metric: 'time', unit: 'ns', changePct: 3, verdict: 'slower' }, 2)).toBe(true);
    expect(isRegression({ ...row, metric: 'time', unit: 'ns', changePct: null, verdict: 'error', note: 'bench b (candidate) panicked: x' }, 2)).toBe(true);
    expect(isRegression({ ...row, metric: 'time', unit: 'ns', changePct: null, verdict: 'error', note: 'bench b (baseline) panicked: x' }, 2)).toBe(false);
  });

  it('report entries carry metric, and exact counts a zero-width interval', () => {
    const e = toEntries({
      metrics: ['allocations'],
      rounds: 6,
      thresholdPct: 2,
      notes: [],
      cargoRuns: 0,
      rows: [{ name: 'p', metric: 'allocations', unit: 'blocks', before: 7, after: 2, changePct: -71.4, ci95: null, verdict: 'faster' }],
    });
    expect(e).toEqual([{ name: 'p (blocks)', metric: 'allocations', unit: 'blocks', before: 7, after: 2, changePct: -71.4, ci95: [-71.4, -71.4], verdict: 'faster' }]);
  });
});
