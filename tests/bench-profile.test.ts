// Profile-guided ranking: parsers on recorded perf/callgrind/dhat files, symbol matching, and
// `rxfix scan --profile` end to end on a tiny crate with a hand-written perf script.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectProfile, parseCallgrindProfile, parsePerfScript, rankByProfiles, sameFile, sourceFunctions, symbolKey, type AllocProfile } from '../src/bench/profile.js';
import type { Finding } from '../src/engine/rule.js';
import { main } from '../src/cli.js';

const OUT = path.resolve('fixtures/bench-outputs');
const read = (p: string) => readFileSync(path.join(OUT, p), 'utf8');

describe('profile parsers (recorded files)', () => {
  it('perf script: self and inclusive samples per function', () => {
    const p = parsePerfScript(read('profile/perf-script.plain.txt'));
    expect(p.kind).toBe('perf');
    expect(p.event).toBe('cpu-clock');
    const mainFn = p.functions.get('plain::main')!;
    expect(mainFn.inclusive).toBeGreaterThanOrEqual(mainFn.self);
    expect(mainFn.inclusive / p.total).toBeGreaterThan(0.8);
  });

  it('callgrind: inclusive costs and per-line costs of inlined code', () => {
    const p = parseCallgrindProfile(read('profile/callgrind.plain.out'));
    expect(p.kind).toBe('callgrind');
    expect(p.event).toBe('Ir');
    expect(p.total).toBe(426274);
    const jw = p.functions.get('bench_plain::join_words')!;
    expect(jw.inclusive).toBeGreaterThan(jw.self);
    const lib = [...p.lines.keys()].find((f) => f.endsWith('src/lib.rs'))!;
    // hash_loop is inlined into the bench's main, but its loop line keeps its own cost: one
    // instruction charged to line 12 per iteration of `for i in 0..20_000`.
    expect(p.lines.get(lib)!.get(12)).toBe(20000);
    expect(p.functions.get('plain::main')!.inclusive).toBeGreaterThan(p.total / 4);
  });

  it('detects the format, rejects other files', () => {
    expect(detectProfile(read('profile/callgrind.plain.out'), 'x').kind).toBe('callgrind');
    expect(detectProfile(read('profile/perf-script.plain.txt'), 'x').kind).toBe('perf');
    const d = detectProfile(read('valgrind/dhat.json'), 'x') as AllocProfile;
    expect(d.kind).toBe('dhat');
    expect(d.sites.filter((s) => s.file === 'lib.rs').map((s) => [s.line, s.blocks])).toEqual([
      [21, 1],
      [23, 5],
    ]);
    expect(() => detectProfile('hello', 'notes.txt')).toThrow('error: --profile notes.txt: not a `perf script` output, a callgrind output file or a dhat JSON file');
  });
});

describe('symbols and source functions', () => {
  it('reduces demangled symbols to a name and its qualifiers', () => {
    expect(symbolKey('bench_plain::join_words')).toEqual({ name: 'join_words', owners: ['bench_plain'] });
    expect(symbolKey('<bench_plain::Parser as core::fmt::Display>::fmt')).toEqual({ name: 'fmt', owners: ['bench_plain', 'Parser', 'core', 'fmt', 'Display'] });
    expect(symbolKey('tcrate::Parser::parse::h0123456789abcdef')).toEqual({ name: 'parse', owners: ['tcrate', 'Parser'] });
    expect(symbolKey('tcrate::run::{{closure}}')).toEqual({ name: 'run', owners: ['tcrate'] });
    expect(symbolKey('core::ptr::drop_in_place<alloc::string::String>').name).toBe('drop_in_place');
  });

  it('finds functions with their impl type and line span', async () => {
    const fns = await sourceFunctions('struct P;\nimpl P {\n    fn a(&self) {\n        let x = 1;\n    }\n}\nfn b() {}\n');
    expect(fns).toEqual([
      { name: 'a', implType: 'P', startLine: 3, endLine: 5 },
      { name: 'b', implType: null, startLine: 7, endLine: 7 },
    ]);
  });

  it('matches file names across absolute, relative and basename forms', () => {
    expect(sameFile('/build/src/lib.rs', 'src/lib.rs')).toBe(true);
    expect(sameFile('lib.rs', 'crates/x/src/lib.rs')).toBe(true);
    expect(sameFile('src/main.rs', 'src/lib.rs')).toBe(false);
  });
});

function finding(p: string, line: number, msg = 'm'): Finding {
  return { ruleId: 'r', family: 'alloc', severity: 'warning', path: p, line, column: 1, endLine: line, endColumn: 2, start: 0, end: 1, message: msg, help: '', clippy: null, tier: 'verify', edits: null };
}

describe('ranking', () => {
  const src = ['pub fn hot() {', '    let a = 1;', '}', 'pub fn cold() {', '    let b = 2;', '}', 'pub fn warm() {', '    let c = 3;', '}', ''].join('\n');
  const sources = new Map([['src/lib.rs', src]]);
  const perf = parsePerfScript(
    [
      'x 1 1.0:     300 cycles:u:',
      '\t 10 tcrate::hot+0x1 (/x)',
      '\t 20 main+0x2 (/x)',
      '',
      'x 1 1.1:     100 cycles:u:',
      '\t 11 tcrate::warm+0x1 (/x)',
      '\t 20 main+0x2 (/x)',
      '',
      'x 1 1.2:     100 cycles:u:',
      '\t 12 othercrate::cold+0x1 (/x)',
      '',
    ].join('\n'),
  );

  it('orders by the cost of the enclosing function, cold last and marked', async () => {
    const r = await rankByProfiles([finding('src/lib.rs', 2), finding('src/lib.rs', 5), finding('src/lib.rs', 8)], sources, [perf], () => 'tcrate');
    expect(r.findings.map((f) => f.line)).toEqual([2, 8, 5]);
    expect(r.findings[0]!.message).toBe('m [profile: tcrate::hot 60.0 % of cycles]');
    expect(r.findings[1]!.message).toBe('m [profile: tcrate::warm 20.0 % of cycles]');
    // `othercrate::cold` is another crate's function of the same name: not this one.
    expect(r.findings[2]!.message).toBe('m [cold: not seen in the profile]');
    expect(r.notes).toEqual(['rxfix: profile: 2 of 3 findings in profiled functions, 1 cold (listed last)']);
  });

  it('marks findings on allocation sites with dhat counts', async () => {
    const dhat: AllocProfile = { kind: 'dhat', totalBlocks: 9, sites: [{ file: 'lib.rs', line: 5, fn: 'tcrate::cold', blocks: 7, bytes: 112 }] };
    const r = await rankByProfiles([finding('src/lib.rs', 2), finding('src/lib.rs', 5)], sources, [dhat]);
    expect(r.findings.map((f) => f.message)).toEqual(['m [dhat: 7 allocations, 112 bytes at this line]', 'm']);
  });
});

describe('rxfix scan --profile', () => {
  it('ranks real findings by a perf script and marks allocation sites', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rxfix-profile-'));
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'Cargo.toml'), '[package]\nname = "tcrate"\nversion = "0.1.0"\nedition = "2021"\n');
    const lib = [
      'pub fn cold(x: &str) -> String {',
      '    format!("{}", x)',
      '}',
      '',
      'pub fn hot(words: &[&str]) -> String {',
      '    let mut out = String::new();',
      '    for w in words {',
      '        out.push_str(&format!("{}", w));',
      '    }',
      '    out',
      '}',
      '',
    ].join('\n');
    writeFileSync(path.join(dir, 'src/lib.rs'), lib);
    writeFileSync(path.join(dir, 'perf.txt'), 'b 7 2.5:     900 cycles:u:\n\t 10 tcrate::hot+0x10 (/b)\n\t 20 main+0x1 (/b)\n\n');
    const dhat = { dhatFileVersion: 2, mode: 'heap', pps: [{ tb: 60, tbk: 3, gb: 0, gbk: 0, fs: [1, 2] }], ftbl: ['[root]', '0x1: malloc (in /x/vgpreload_dhat.so)', '0x2: tcrate::hot (lib.rs:8)'] };
    writeFileSync(path.join(dir, 'dhat.json'), JSON.stringify(dhat));
    let stdout = '';
    let stderr = '';
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const code = await main(['scan', 'src', '--only', 'useless-format', '--format', 'json', '--no-config', '--profile', 'perf.txt', '--profile', 'dhat.json'], {
        stdout: (s) => (stdout += s),
        stderr: (s) => (stderr += s),
        isTty: false,
        env: process.env,
      });
      expect(code).toBe(1);
    } finally {
      process.chdir(cwd);
    }
    const doc = JSON.parse(stdout) as { findings: { line: number; message: string }[] };
    expect(doc.findings.map((f) => f.line)).toEqual([8, 2]);
    expect(doc.findings[0]!.message).toMatch(/\[profile: tcrate::hot 100\.0 % of cycles; dhat: 3 allocations, 60 bytes at this line\]$/);
    expect(doc.findings[1]!.message).toMatch(/\[cold: not seen in the profile\]$/);
    expect(stderr).toContain('rxfix: profile: 1 of 2 findings in profiled functions, 1 cold (listed last)');
  });
});
