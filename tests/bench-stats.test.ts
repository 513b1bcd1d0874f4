import { describe, expect, it } from 'vitest';
import {
  expansion,
  holmReject,
  judgeCount,
  judgeTime,
  median,
  mulberry32,
  pairedEstimate,
  percentiles,
  quantile,
  seedOf,
} from '../src/bench/stats.js';

// Fixed synthetic rounds: ~1 % jitter around 1000 ns, deterministic.
const base = [1000, 1010, 995, 1005, 990, 1002, 998, 1007];
const jitter = [3, -4, 6, -2, 1, -5, 2, 0];
const same = base.map((v, i) => v + jitter[i]!);
const slow10 = base.map((v, i) => v * 1.1 + jitter[i]!);
const fast20 = base.map((v, i) => v * 0.8 + jitter[i]!);

describe('basic statistics', () => {
  it('median and quantiles interpolate linearly', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantile([10], 0.99)).toBe(10);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  it('p50/p95/p99 of per-iteration samples', () => {
    const xs = Array.from({ length: 101 }, (_, i) => i); // 0..100
    expect(percentiles(xs)).toEqual({ p50: 50, p95: 95, p99: 99 });
    const p = percentiles([5, 1, 9, 3]);
    expect(p.p50).toBe(4);
    expect(p.p95).toBeCloseTo(8.4, 10);
  });

  it('the PRNG is seeded and deterministic', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(xs).toEqual(Array.from({ length: 5 }, () => b()));
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
    expect(seedOf('sum_csv')).toBe(seedOf('sum_csv'));
    expect(seedOf('sum_csv')).not.toBe(seedOf('join_words'));
  });
});

describe('paired ratio of medians with bootstrap CI', () => {
  it('estimates the ratio of medians and is reproducible', () => {
    const e1 = pairedEstimate({ name: 'x', baseline: base, candidate: slow10 });
    const e2 = pairedEstimate({ name: 'x', baseline: base, candidate: slow10 });
    expect(e1).toEqual(e2);
    expect(e1.before).toBe(median(base));
    expect(e1.after).toBe(median(slow10));
    expect(e1.changePct).toBeCloseTo((median(slow10) / median(base) - 1) * 100, 10);
    expect(e1.ci95[0]).toBeLessThanOrEqual(e1.changePct);
    expect(e1.ci95[1]).toBeGreaterThanOrEqual(e1.changePct);
    expect(e1.ci95[0]).toBeGreaterThan(5);
    expect(e1.rounds).toBe(8);
  });

  it('rejects mismatched rounds', () => {
    expect(() => pairedEstimate({ name: 'x', baseline: [1, 2], candidate: [1] })).toThrow(/2 baseline rounds but 1/);
  });

  it('judges slower, faster and no-change against the threshold', () => {
    const v = judgeTime([
      { name: 'same', baseline: base, candidate: same },
      { name: 'slow', baseline: base, candidate: slow10 },
      { name: 'fast', baseline: base, candidate: fast20 },
    ]);
    expect(v.map((x) => x.verdict)).toEqual(['no-change', 'slower', 'faster']);
    expect(v[2]!.changePct).toBeCloseTo(-20, 0);
  });

  it('a change smaller than the threshold is no-change, a lower threshold sees it', () => {
    const plus1 = base.map((v) => v * 1.01);
    expect(judgeTime([{ name: 'a', baseline: base, candidate: plus1 }])[0]!.verdict).toBe('no-change');
    expect(judgeTime([{ name: 'a', baseline: base, candidate: plus1 }], { thresholdPct: 0.5 })[0]!.verdict).toBe('slower');
  });

  it('a noisy benchmark whose interval straddles the threshold is no-change', () => {
    const noisy = [1000, 1300, 900, 1250, 950, 1200];
    const v = judgeTime([{ name: 'n', baseline: [1000, 1000, 1000, 1000, 1000, 1000], candidate: noisy }]);
    expect(v[0]!.verdict).toBe('no-change');
  });
});

describe('Holm correction', () => {
  it('steps down and stops at the first failure', () => {
    expect(holmReject([0.01, 0.04, 0.03], 0.05)).toEqual([true, false, false]);
    expect(holmReject([0.001, 0.02, 0.04], 0.05)).toEqual([true, true, true]);
    expect(holmReject([0.2, 0.001], 0.05)).toEqual([false, true]);
    expect(holmReject([], 0.05)).toEqual([]);
  });

  it('a borderline p-value passes alone and fails among 31 benchmarks', () => {
    // The same 3 % slowdown judged alone and among 30 unrelated benchmarks.
    const b6 = [1000, 1004, 998, 1002, 996, 1001];
    const c6 = [1044, 1029, 1050, 1040, 1027, 1035];
    const alone = judgeTime([{ name: 'a', baseline: b6, candidate: c6 }]);
    expect(alone[0]!.verdict).toBe('slower');
    const many = judgeTime([
      { name: 'a', baseline: b6, candidate: c6 },
      ...Array.from({ length: 30 }, (_, i) => ({ name: `n${i}`, baseline: b6, candidate: b6 })),
    ]);
    expect(alone[0]!.pValue).toBeGreaterThan(0.05 / 31);
    expect(many[0]!.verdict).toBe('no-change');
  });
});

describe('exact verdicts for deterministic counts', () => {
  it('any reduction is a reduction, any increase an increase', () => {
    expect(judgeCount(1000, 999).verdict).toBe('faster');
    expect(judgeCount(1000, 1001).verdict).toBe('slower');
    expect(judgeCount(1000, 1000).verdict).toBe('no-change');
    expect(judgeCount(200, 100).changePct).toBe(-50);
    expect(judgeCount(0, 0).changePct).toBe(0);
  });

  it('a baseline that is not repeatable sets the noise floor', () => {
    const v = judgeCount(1000, 1003, 1004);
    expect(v.deterministic).toBe(false);
    expect(v.verdict).toBe('no-change');
    expect(judgeCount(1000, 1010, 1004).verdict).toBe('slower');
    expect(judgeCount(1000, 1000, 1000).deterministic).toBe(true);
  });
});

describe('small-sample widening', () => {
  it('widens 6-round intervals by about 1.44 and fades with more rounds', () => {
    expect(expansion(6)).toBeCloseTo(1.437, 3);
    expect(expansion(30)).toBeLessThan(1.1);
    expect(expansion(1)).toBe(1);
  });
});
