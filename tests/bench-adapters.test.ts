// Parsers of every adapter, on output files recorded from real runs (fixtures/bench-outputs/).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCriterionSample, readCriterionDir, criterionArgs } from '../src/bench/adapters/criterion.js';
import { parseDivan } from '../src/bench/adapters/divan.js';
import { looksLikeLibtest, parseLibtest } from '../src/bench/adapters/libtest.js';
import { ParseError, parsePlain } from '../src/bench/adapters/plain.js';
import {
  parseCachegrind,
  parseCallgrindInstructions,
  parseDhat,
  parseDhatFrame,
  parseMassifPeak,
  valgrindArgs,
} from '../src/bench/adapters/valgrind.js';

const OUT = path.resolve('fixtures/bench-outputs');
const read = (p: string) => readFileSync(path.join(OUT, p), 'utf8');

describe('criterion', () => {
  it('reads every benchmark under new/, ignoring base/', () => {
    const r = readCriterionDir(path.join(OUT, 'criterion'));
    expect(r.map((b) => b.name)).toEqual(['join_words', 'sum_csv']);
    const s = JSON.parse(read('criterion/sum_csv/new/sample.json')) as { iters: number[]; times: number[] };
    expect(r[1]!.perIterNs).toHaveLength(s.iters.length);
    expect(r[1]!.perIterNs[0]).toBeCloseTo(s.times[0]! / s.iters[0]!, 9);
  });

  it('rejects a malformed sample.json', () => {
    expect(() => parseCriterionSample('{"iters":[1],"times":[]}')).toThrow(ParseError);
    expect(() => parseCriterionSample('nope')).toThrow(/not JSON/);
  });

  it('passes short-run arguments', () => {
    expect(criterionArgs()).toEqual(['--bench', '--warm-up-time', '0.2', '--measurement-time', '0.5', '--sample-size', '10', '--noplot']);
  });
});

describe('libtest #[bench] (nightly)', () => {
  it('reads ns/iter with thousands separators and fractions', () => {
    const text = read('libtest/libtest.out');
    expect(looksLikeLibtest(text)).toBe(true);
    expect(parseLibtest(text)).toEqual([
      { name: 'benches::bench_parse_small', perIterNs: [312], plusMinusNs: 14 },
      { name: 'benches::bench_parse_large', perIterNs: [41587], plusMinusNs: 2103 },
      { name: 'benches::bench_fractional', perIterNs: [12.34], plusMinusNs: 0.56 },
    ]);
  });
});

describe('divan', () => {
  it('reads the tree, joining nested names', () => {
    const r = parseDivan(read('divan/divan.out'));
    expect(r).toEqual([
      { name: 'sum_n/10', perIterNs: [5.696] },
      { name: 'sum_n/1000', perIterNs: [5.065] },
      { name: 'sum_small', perIterNs: [4.42] },
      { name: 'nested/inner', perIterNs: [3.908] },
    ]);
  });

  it('finds nothing in output that is not divan', () => {
    expect(parseDivan('hello\nworld\n')).toEqual([]);
  });
});

describe('plain rxfix-bench lines', () => {
  it('reads samples per name and converts units', () => {
    const r = parsePlain(read('plain/plain.out'));
    expect(r.map((b) => b.name)).toEqual(['hash_loop', 'join_words']);
    expect(r[0]!.perIterNs).toHaveLength(15);
    expect(parsePlain('rxfix-bench: a 1.5 us\nnoise\nrxfix-bench: a 2 ms\nrxfix-bench: b 1e3 ns\n')).toEqual([
      { name: 'a', perIterNs: [1500, 2e6] },
      { name: 'b', perIterNs: [1000] },
    ]);
  });

  it('a malformed rxfix-bench line is an error naming the line', () => {
    expect(() => parsePlain('ok\nrxfix-bench: fast lots\n')).toThrow(/line 2: expected/);
  });
});

describe('valgrind outputs', () => {
  it('callgrind: total instructions', () => {
    expect(parseCallgrindInstructions(read('valgrind/callgrind.out'))).toBe(304936);
  });

  it('cachegrind: D1 and LL misses as cachegrind sums them', () => {
    expect(parseCachegrind(read('valgrind/cachegrind.out'))).toEqual({ d1: 2249 + 656, ll: 3333 + 596 });
  });

  it('dhat: totals, peak and allocation sites with source lines', () => {
    const d = parseDhat(read('valgrind/dhat.json'));
    expect(d.totalBlocks).toBe(20);
    expect(d.totalBytes).toBe(3835);
    expect(d.peakBytes).toBe(1736);
    expect(d.peakBlocks).toBe(3);
    const inJoin = d.sites.filter((s) => s.frames.some((f) => f.includes('bench_plain::join_words (lib.rs:')));
    expect(inJoin.reduce((n, s) => n + s.blocks, 0)).toBeGreaterThanOrEqual(5);
    expect(parseDhatFrame('0x11EE1E: bench_plain::join_words (lib.rs:21)')).toEqual({ fn: 'bench_plain::join_words', file: 'lib.rs', line: 21 });
    expect(parseDhatFrame('0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_dhat-amd64-linux.so)')).toBeNull();
  });

  it('massif: peak of mem_heap_B over snapshots', () => {
    expect(parseMassifPeak(read('valgrind/massif.out'))).toBe(1736);
  });

  it('rejects files of the wrong kind', () => {
    expect(() => parseCallgrindInstructions('hello')).toThrow(/not a callgrind/);
    expect(() => parseDhat('{}')).toThrow(/not a dhat/);
    expect(() => parseMassifPeak('x')).toThrow(/not a massif/);
    expect(() => parseCachegrind('events: Ir\nsummary: 5\n')).toThrow(/cache-sim/);
  });

  it('builds tool arguments', () => {
    expect(valgrindArgs('cachegrind', '/o')).toEqual(['--tool=cachegrind', '--cache-sim=yes', '--cachegrind-out-file=/o']);
    expect(valgrindArgs('dhat', '/o')).toEqual(['--tool=dhat', '--dhat-out-file=/o']);
  });
});
