// The gate's search, checked exhaustively against a model of cargo (no cargo here; the real runs
// are in verify.test.ts): it must find exactly the breaking candidates within 2 + 2k·⌈log2 N⌉ runs.
// Also the span attribution with multi-byte text, the cfg evaluator and the progress line.
import { describe, expect, it } from 'vitest';
import { attributeErrorsToEdits, materialize, type Candidate, type SourceFile } from '../src/verify/candidates.js';
import type { CompilerMessage } from '../src/verify/cargo.js';
import { evalCfg } from '../src/verify/cfg.js';
import { runBound, runGate, type Oracle, type RunResult } from '../src/verify/gate.js';

function cand(id: number): Candidate {
  return { id, ruleId: 'r', family: 'alloc', tier: 'verify', path: 'src/lib.rs', rel: 'src/lib.rs', line: id + 1, column: 1, start: 0, edits: [] };
}

/** cargo as a model: check fails while a compile breaker is in the set, test while a test breaker is. */
function model(compile: Set<number>, test: Set<number>, attributable: Set<number>) {
  let runs = 0;
  const result = (bad: boolean, errors: boolean): RunResult => ({ ok: !bad, errors: errors ? [{ level: 'error', code: null, message: 'e', rendered: 'e', spans: [] }] : [], timedOut: false, counts: null });
  const oracle: Oracle = {
    async check(set) {
      runs++;
      const bad = set.some((c) => compile.has(c.id));
      return result(bad, bad);
    },
    async test(set) {
      runs++;
      const c = set.some((x) => compile.has(x.id));
      return result(c || set.some((x) => test.has(x.id)), c);
    },
    attribute(set) {
      return new Set(set.filter((c) => compile.has(c.id) && attributable.has(c.id)).map((c) => c.id));
    },
    materialize() {},
  };
  return { oracle, runs: () => runs };
}

/** Deterministic subsets: every k-subset for small N, strided ones for larger N. */
function* culpritSets(n: number, k: number): Generator<number[]> {
  if (k === 0) {
    yield [];
    return;
  }
  const combos = (start: number, left: number): number[][] => (left === 0 ? [[]] : Array.from({ length: n - start }, (_, i) => start + i).flatMap((first) => combos(first + 1, left - 1).map((rest) => [first, ...rest])));
  const all = combos(0, k);
  const step = Math.max(1, Math.floor(all.length / 40));
  for (let i = 0; i < all.length; i += step) yield all[i]!;
}

describe('gate search', () => {
  it('finds exactly the breaking candidates within 2 + 2k·⌈log2 N⌉ runs (N ≤ 24, k ≤ 3, compile/test/attributable mixes)', async () => {
    let cases = 0;
    for (let n = 1; n <= 24; n++) {
      for (let k = 0; k <= Math.min(3, n); k++) {
        for (const bad of culpritSets(n, k)) {
          for (const mix of [0, 1, 2]) {
            const compile = new Set(bad.filter((_, i) => (mix === 0 ? true : mix === 1 ? false : i % 2 === 0)));
            const test = new Set(bad.filter((id) => !compile.has(id)));
            const attributable = new Set([...compile].filter((id) => id % 3 === 0));
            const m = model(compile, test, attributable);
            const all = Array.from({ length: n }, (_, i) => cand(i));
            const r = await runGate(all, m.oracle, { baselineCounts: null });
            expect(r.kept.map((c) => c.id)).toEqual(all.map((c) => c.id).filter((id) => !bad.includes(id)));
            expect(r.rejected.map((x) => `${x.candidate.id}:${x.reason}`).sort()).toEqual(bad.map((id) => `${id}:${compile.has(id) ? 'compile' : 'test'}`).sort());
            expect(r.cargoRuns).toBe(m.runs());
            expect(r.cargoRuns, `N=${n} culprits=${bad} mix=${mix}`).toBeLessThanOrEqual(runBound(n, k));
            cases++;
          }
        }
      }
    }
    expect(cases).toBeGreaterThan(1000);
  });

  it('needs only check + test when nothing breaks, and no run at all for an empty set', async () => {
    const m = model(new Set(), new Set(), new Set());
    expect((await runGate([cand(0), cand(1), cand(2)], m.oracle, { baselineCounts: null })).cargoRuns).toBe(2);
    expect((await runGate([], m.oracle, { baselineCounts: null })).cargoRuns).toBe(0);
  });

  it('calls the bench hook with the kept set, drops what it rejects and verifies the rest again', async () => {
    const m = model(new Set([1]), new Set(), new Set([1]));
    const all = Array.from({ length: 4 }, (_, i) => cand(i));
    const seen: number[][] = [];
    const r = await runGate(all, m.oracle, {
      baselineCounts: null,
      benchGate: async (ctx) => {
        seen.push(ctx.kept.map((c) => c.id));
        return { rejected: [ctx.kept[0]!], report: [{ name: 'b', before: 2, after: 3, unit: 'ns', changePct: 50, ci95: [40, 60], verdict: 'slower' }], cargoRuns: 4 };
      },
    });
    expect(seen).toEqual([[0, 2, 3]]);
    expect(r.kept.map((c) => c.id)).toEqual([2, 3]);
    expect(r.rejected.map((x) => `${x.candidate.id}:${x.reason}`)).toEqual(['1:compile', '0:bench']);
    expect(r.bench).toHaveLength(1);
    expect(r.cargoRuns).toBe(m.runs() + 4);
  });
});

describe('attributing compiler errors to edits', () => {
  it('maps UTF-8 byte spans onto edits placed in the edited text (multi-byte text before them)', () => {
    const original = 'const T: &str = "21°C 🦀";\nfn f(x: &String) { g(&x.clone()); h(&x.clone()); }\n';
    const file: SourceFile = { rel: 'src/lib.rs', abs: '/x/src/lib.rs', path: 'src/lib.rs', original, hash: '' };
    const at = (needle: string, from = 0) => original.indexOf(needle, from);
    const first = at('.clone()');
    const second = at('.clone()', first + 1);
    const c0: Candidate = { ...cand(0), edits: [{ start: first, end: first + 8, text: '' }] };
    const c1: Candidate = { ...cand(1), edits: [{ start: second, end: second + 8, text: '' }] };
    const files = new Map([[file.rel, file]]);
    const m = materialize(files, [c0, c1], [c0, c1]);
    const edited = m.texts.get('src/lib.rs')!;
    expect(edited).toContain('g(&x); h(&x);');
    const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
    const span = (needle: string, from: number) => {
      const i = edited.indexOf(needle, from);
      return { file: 'src/lib.rs', byteStart: bytes(edited.slice(0, i)), byteEnd: bytes(edited.slice(0, i + needle.length)), lineStart: 2, lineEnd: 2, isPrimary: true };
    };
    const err = (s: ReturnType<typeof span>): CompilerMessage => ({ level: 'error', code: 'E0277', message: 'm', rendered: 'm', spans: [s] });
    // the error on the second call's argument `&x` touches only the second edit
    const second2 = edited.indexOf('h(&x)') + 2;
    expect([...attributeErrorsToEdits([err(span('&x', second2))], m, (f) => f).ids]).toEqual([1]);
    // an error on `g` (the callee) touches neither: unattributed
    const a = attributeErrorsToEdits([err(span('g', edited.indexOf('g(&x)')))], m, (f) => f);
    expect([...a.ids]).toEqual([]);
    expect(a.unattributed).toBe(1);
  });
});

describe('cfg evaluation', () => {
  it('evaluates features, platform and combinators; unknown is null', () => {
    const all = 'all' as const;
    expect(evalCfg('feature = "x"', all)).toBe(true);
    expect(evalCfg('feature = "x"', new Set(['y']))).toBe(false);
    expect(evalCfg('all(unix, not(windows))', all)).toBe(process.platform !== 'win32');
    expect(evalCfg('any(windows, target_os = "linux")', all)).toBe(process.platform === 'linux' || process.platform === 'win32');
    expect(evalCfg('test', all)).toBe(true);
    expect(evalCfg('tokio_unstable', all)).toBe(null);
    expect(evalCfg('all(tokio_unstable, windows)', all)).toBe(process.platform === 'win32' ? null : false);
    expect(evalCfg('not(', all)).toBe(null);
  });
});

describe('progress', () => {
  it('keeps one live line on a TTY and prints plain lines otherwise', async () => {
    const { Progress } = await import('../src/verify/progress.js');
    let tty = '';
    const live = new Progress((s) => (tty += s), true);
    live.status('rxfix: [check] cargo run 1');
    live.status('rxfix: [test] cargo run 2');
    live.note('rejected: src/lib.rs:3: r (test)');
    live.clear();
    expect(tty).toBe('\r\x1b[2Krxfix: [check] cargo run 1\r\x1b[2Krxfix: [test] cargo run 2\r\x1b[2Krejected: src/lib.rs:3: r (test)\n');
    expect(tty.split('\n')).toHaveLength(2);
    let log = '';
    const plain = new Progress((s) => (log += s), false);
    plain.status('rxfix: [check] cargo run 1');
    plain.status('rxfix: [check] cargo run 1');
    plain.note('done');
    expect(log).toBe('rxfix: [check] cargo run 1\ndone\n');
  });
});
