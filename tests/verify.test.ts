// `rxfix apply --verify` end to end: real cargo runs on the fixture crates (std-only, seconds each).
import { execa } from 'execa';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bound, cleanupTemp, copyCrate, hashTree, ONLY, readReport, rxfix, scratchDirs, tempDir, BIN } from './helpers/crates.js';

const scratchBase = tempDir('scratch');
const env = { RXFIX_SCRATCH_DIR: scratchBase };

afterAll(cleanupTemp);

/** 1-based line of the first line of `file` containing `needle` after the line containing `after`. */
function lineOf(file: string, needle: string, after = ''): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const from = after ? lines.findIndex((l) => l.includes(after)) : 0;
  const i = lines.findIndex((l, j) => j >= from && l.includes(needle));
  if (i < 0) throw new Error(`${needle} not in ${file}`);
  return i + 1;
}

describe('apply --verify', () => {
  it('keeps every fix of a clean crate, in exactly check + test runs, and writes the report of architecture.md', async () => {
    const crate = copyCrate('clean');
    const r = await rxfix(['apply', '--verify', ...ONLY, '--report', 'report.json'], { cwd: crate, env });
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const report = readReport(path.join(crate, 'report.json'));
    expect(Object.keys(report)).toEqual(['version', 'baseline', 'applied', 'rejected', 'bench', 'cargoRuns']);
    expect(report).toEqual({
      version: 1,
      baseline: { check: 'pass', test: 'pass' },
      applied: [
        { ruleId: 'useless-format', path: 'src/lib.rs', line: 7 },
        { ruleId: 'redundant-clone-arg', path: 'src/lib.rs', line: 11 },
        { ruleId: 'useless-format', path: 'src/lib.rs', line: 15 },
      ],
      rejected: [],
      bench: [],
      cargoRuns: 2,
    });
    const lib = readFileSync(path.join(crate, 'src/lib.rs'), 'utf8');
    expect(lib).toContain('    "hello".to_string()\n');
    expect(lib).toContain('    count(&v)\n');
    expect(lib).toContain('    n.to_string()\n');
    // the journal: every cargo run with command, duration, exit and outcome; summary; patch
    const out = path.join(crate, 'rxfix.out');
    const events = readFileSync(path.join(out, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const runs = events.filter((e) => e.type === 'cargo');
    expect(runs.map((e) => `${e.phase}:${e.command.split(' ').slice(0, 2).join(' ')}:${e.outcome}`)).toEqual([
      'baseline-check:cargo check:pass',
      'baseline-test:cargo test:pass',
      'baseline-test:cargo test:pass',
      'check:cargo check:pass',
      'test:cargo test:pass',
      'test:cargo test:pass',
    ]);
    for (const e of runs) expect(typeof e.durationMs).toBe('number');
    expect(readFileSync(path.join(out, 'final.patch'), 'utf8')).toContain('-    format!("hello")\n+    "hello".to_string()\n');
    expect(JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')).tests).toEqual({ before: { passed: 1, failed: 0, ignored: 0 }, after: { passed: 1, failed: 0, ignored: 0 } });
    expect(r.stdout).toMatch(/useless-format\s*│ 2\s*│ 2\s*│ 0/);
    expect(r.stdout).toContain('tests: before 1 passed; after 1 passed');
    expect(r.stdout).toContain('cargo runs: 2 after the baseline');
  });

  it('rejects the demo fix that breaks compilation (attributed by span, and one found by bisection) and the one that breaks a test', async () => {
    const crate = copyCrate('demo');
    const lib = path.join(crate, 'src/lib.rs');
    const before = readFileSync(lib, 'utf8');
    const r = await rxfix(['apply', '--verify', ...ONLY, '--report', 'report.json'], { cwd: crate, env });
    expect(r.code).toBe(0);
    const report = readReport(path.join(crate, 'report.json'));
    const weigh = lineOf(lib, 'total(&name.clone())');
    const borrow = lineOf(lib, 'let view = &name.clone();');
    const temp = lineOf(lib, 'format!("{}", t)');
    expect(report.rejected).toEqual([
      { ruleId: 'redundant-clone-arg', path: 'src/lib.rs', line: weigh, reason: 'compile' },
      { ruleId: 'redundant-clone-arg', path: 'src/lib.rs', line: borrow, reason: 'compile' },
      { ruleId: 'useless-format', path: 'src/lib.rs', line: temp, reason: 'test' },
    ]);
    expect(report.applied.length).toBe(12);
    expect(report.cargoRuns).toBeLessThanOrEqual(bound(15, 3));
    const after = readFileSync(lib, 'utf8');
    expect(after).toContain('total(&name.clone())');
    expect(after).toContain('let view = &name.clone();');
    expect(after).toContain('    format!("{}", t)\n');
    expect(after).toContain('count_tags(&item.tags)');
    expect(after).not.toBe(before);
    // the kept set passes the crate's own tests
    const t = await execa('cargo', ['test', '-q'], { cwd: crate, reject: false, env: { CARGO_TARGET_DIR: path.join(scratchBase, 'demo-check-target') } });
    expect(t.exitCode).toBe(0);
    // how each was found: the E0277 touches its edit; the E0505 is reported on the move, away from the edit
    const events = readFileSync(path.join(crate, 'rxfix.out', 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.some((e) => e.phase === 'bisect-check')).toBe(true);
    expect(events.some((e) => e.phase === 'bisect-test')).toBe(true);
    expect(r.stderr).toContain(`rejected: src/lib.rs:${temp}: useless-format (test)`);
  });

  it('gives a safe fix that waited behind an overlapping verified one its later pass, under its original line', async () => {
    const crate = copyCrate('demo');
    const r = await rxfix(['apply', '--verify', '--only', 'useless-format,vec-init-then-push', '--report', 'report.json', '--diff'], { cwd: crate, env });
    expect(r.code).toBe(0);
    const report = readReport(path.join(crate, 'report.json'));
    expect(report.rejected.filter((x) => x.reason === 'overlap')).toEqual([]);
    expect(report.applied).toContainEqual({ ruleId: 'vec-init-then-push', path: 'src/report.rs', line: 9 });
    expect(report.applied).toContainEqual({ ruleId: 'useless-format', path: 'src/report.rs', line: 10 });
    expect(r.stdout).toContain('+    let mut out = vec!["report".to_string()];\n');
  });

  it('stays within 2 + 2k·⌈log2 N⌉ cargo runs with several breaking edits, and finds exactly them', async () => {
    const crate = copyCrate('many-breaks');
    const lib = path.join(crate, 'src/lib.rs');
    const r = await rxfix(['apply', '--verify', ...ONLY, '--report', 'report.json'], { cwd: crate, env });
    expect(r.code).toBe(0);
    const report = readReport(path.join(crate, 'report.json'));
    expect(report.applied.length + report.rejected.length).toBe(16);
    expect(report.rejected).toEqual([
      { ruleId: 'useless-format', path: 'src/lib.rs', line: lineOf(lib, 'format!', 'pub fn a5('), reason: 'test' },
      { ruleId: 'redundant-clone-arg', path: 'src/lib.rs', line: lineOf(lib, 'let view = &name.clone();'), reason: 'compile' },
      { ruleId: 'useless-format', path: 'src/lib.rs', line: lineOf(lib, 'format!', 'pub fn a13('), reason: 'test' },
    ]);
    expect(report.cargoRuns).toBeLessThanOrEqual(bound(16, 3));
    expect(report.cargoRuns).toBeGreaterThan(2);
    const events = readFileSync(path.join(crate, 'rxfix.out', 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const counted = new Set(events.filter((e) => e.type === 'cargo' && e.n > 0).map((e) => e.n));
    expect(counted.size).toBe(report.cargoRuns);
  });

  it('exits 3 on a crate whose tests fail before any change, shows the failure, and changes nothing', async () => {
    const crate = copyCrate('broken-baseline');
    const before = hashTree(crate, []);
    const r = await rxfix(['apply', '--verify', ...ONLY, '--report', 'report.json'], { cwd: crate, env });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('`cargo test` fails before any change');
    expect(r.stderr).toContain('this crate is broken on purpose');
    expect(hashTree(crate, [])).toEqual(before);
    expect(existsSync(path.join(crate, 'report.json'))).toBe(false);
  });

  it('rejects a fix whose test hangs (timeout) and keeps the others', async () => {
    const crate = copyCrate('hang');
    const lib = path.join(crate, 'src/lib.rs');
    const t0 = Date.now();
    const r = await rxfix(['apply', '--verify', ...ONLY, '--timeout', '4', '--report', 'report.json'], { cwd: crate, env });
    expect(r.code).toBe(0);
    const report = readReport(path.join(crate, 'report.json'));
    expect(report.rejected).toEqual([{ ruleId: 'useless-format', path: 'src/lib.rs', line: lineOf(lib, 'format!("{}", s)'), reason: 'test' }]);
    expect(report.applied.map((a) => a.line)).toEqual([lineOf(lib, '"banner".to_string()'), lineOf(lib, 'n.to_string()')]);
    expect(r.stderr).toMatch(/useless-format \(test, timeout\)/);
    const events = readFileSync(path.join(crate, 'rxfix.out', 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.filter((e) => e.outcome === 'timeout').length).toBe(2);
    expect(Date.now() - t0).toBeLessThan(60_000);
    // the hanging test binaries were killed with their process group
    const ps = await execa('ps', ['-eo', 'args'], { reject: false });
    expect(String(ps.stdout)).not.toMatch(/rxfix_hang-[0-9a-f]+/);
  });

  it('verifies a workspace (members, build.rs, features, a Cargo.toml fix) with --all-features; code no build compiled is unverified unless --keep-unverified', async () => {
    const crate = copyCrate('workspace');
    const core = path.join(crate, 'core/src/lib.rs');
    // release-lto-cgu: an opt-in manifest fix (Cargo.toml) is a candidate like any other
    const r = await rxfix(['apply', '--verify', '--only', 'redundant-clone-arg,useless-format,release-lto-cgu', '--report', 'report.json', '--dry-run'], { cwd: crate, env });
    expect(r.code).toBe(0);
    const report = readReport(path.join(crate, 'report.json'));
    expect(report.applied).toEqual([
      { ruleId: 'release-lto-cgu', path: 'Cargo.toml', line: 1 },
      { ruleId: 'redundant-clone-arg', path: 'app/src/main.rs', line: 7 },
      { ruleId: 'useless-format', path: 'core/src/lib.rs', line: lineOf(core, 'format!("core")') },
      { ruleId: 'useless-format', path: 'core/src/lib.rs', line: lineOf(core, 'format!', 'pub fn extra') },
    ]);
    expect(report.rejected).toEqual([{ ruleId: 'useless-format', path: 'core/src/lib.rs', line: lineOf(core, 'format!', 'pub fn windows_only'), reason: 'unverified' }]);
    expect(r.stderr).toContain('not compiled by this build (under #[cfg(windows)])');
    expect(r.stdout).toContain('+    "core".to_string()');
    expect(r.stdout).toContain('--- a/Cargo.toml\n+++ b/Cargo.toml\n');
    expect(r.stdout).toContain('+lto = "fat"\n');

    // Without the feature, the feature-gated fix is unverified too; --keep-unverified keeps both.
    const r2 = await rxfix(['apply', '--verify', ...ONLY, '--features', 'ws-core/default', '--keep-unverified', '--report', 'report.json'], { cwd: crate, env });
    expect(r2.code).toBe(0);
    const report2 = readReport(path.join(crate, 'report.json'));
    expect(report2.rejected).toEqual([]);
    expect(report2.applied.length).toBe(4);
    expect(r2.stderr).toContain('under #[cfg(feature = "extra")]');
    expect(readFileSync(core, 'utf8')).toContain('pub fn windows_only(n: u32) -> String {\n    n.to_string()\n}');
  });

  it('finds a path dependency outside the workspace from the scratch copy, and leaves no Cargo.lock in the tree', async () => {
    const app = path.join(copyCrate('outside-dep'), 'app');
    const r = await rxfix(['apply', '--verify', ...ONLY, '--report', 'report.json'], { cwd: app, env });
    expect(r.stderr).not.toContain('fails before any change');
    expect(r.code).toBe(0);
    expect(readReport(path.join(app, 'report.json')).applied).toEqual([{ ruleId: 'useless-format', path: 'src/lib.rs', line: 3 }]);
    expect(readFileSync(path.join(app, 'src/lib.rs'), 'utf8')).toContain('    outside_shared::NAME.to_string()\n');
    expect(existsSync(path.join(app, 'Cargo.lock'))).toBe(false);
  });

  it('skips (and warns about) a file edited while the run goes, and writes the others', async () => {
    const crate = copyCrate('demo');
    const report = path.join(crate, 'src/report.rs');
    const child = execa(process.execPath, [BIN, 'apply', '--verify', ...ONLY, '--report', 'r.json'], { cwd: crate, env: { ...env, NO_COLOR: '1' }, reject: false, stdin: 'ignore' });
    let edited = false;
    child.stderr!.on('data', (d: Buffer) => {
      if (!edited && /\[check\] cargo run 1/.test(String(d))) {
        edited = true;
        appendFileSync(report, '// edited by hand during the run\n');
      }
    });
    const r = await child;
    expect(edited).toBe(true);
    expect(r.exitCode).toBe(0);
    expect(String(r.stderr)).toContain('warning: src/report.rs changed since it was scanned; its fixes were not written');
    const text = readFileSync(report, 'utf8');
    expect(text).toContain('out.push(format!("{}", name));');
    expect(text.endsWith('// edited by hand during the run\n')).toBe(true);
    expect(readFileSync(path.join(crate, 'src/lib.rs'), 'utf8')).toContain('count_tags(&item.tags)');
    const rep = readReport(path.join(crate, 'r.json'));
    expect(rep.applied.every((a) => a.path === 'src/lib.rs')).toBe(true);
  });

  it('reuses the scratch copy: a second run copies only the files that changed and builds incrementally', async () => {
    const crate = copyCrate('clean');
    const first = await rxfix(['apply', '--verify', ...ONLY, '--diff'], { cwd: crate, env });
    expect(first.code).toBe(0);
    const second = await rxfix(['apply', '--verify', ...ONLY, '--diff'], { cwd: crate, env });
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const dirs = scratchDirs(scratchBase).filter((d) => path.basename(d).startsWith('clean-'));
    const mine = dirs.find((d) => readFileSync(path.join(d, 'events.jsonl'), 'utf8').includes(JSON.stringify(crate)));
    expect(mine).toBeDefined();
    const events = readFileSync(path.join(mine!, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const sync = events.find((e) => e.type === 'sync');
    // only src/lib.rs (left with the candidate set of the first run) is copied again
    expect(sync.copied).toBe(1);
    const baselineCheck = events.find((e) => e.phase === 'baseline-check');
    expect(baselineCheck.outcome).toBe('pass');
  });
});
