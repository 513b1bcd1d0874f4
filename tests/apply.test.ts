// Plain `rxfix apply`: safe-tier fixes in-process, fixpoint passes, atomic writes, diff output.
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, copyCrate, hashTree, ONLY, readReport, rxfix, tempDir } from './helpers/crates.js';

afterAll(cleanupTemp);

describe('apply (safe tier)', () => {
  it('writes only safe fixes, with lines of the files before the run, and no cargo run', async () => {
    const crate = copyCrate('demo');
    const r = await rxfix(['apply', ...ONLY, '--report', 'report.json'], { cwd: crate });
    expect(r.code).toBe(0);
    const report = readReport(path.join(crate, 'report.json'));
    expect(report).toEqual({
      version: 1,
      baseline: { check: 'skipped', test: 'skipped' },
      applied: [
        { ruleId: 'useless-format', path: 'src/lib.rs', line: 65 },
        { ruleId: 'useless-format', path: 'src/lib.rs', line: 69 },
        { ruleId: 'useless-format', path: 'src/lib.rs', line: 73 },
        { ruleId: 'useless-format', path: 'src/report.rs', line: 10 },
      ],
      rejected: [],
      bench: [],
      cargoRuns: 0,
    });
    const lib = readFileSync(path.join(crate, 'src/lib.rs'), 'utf8');
    expect(lib).toContain('    "inventory".to_string()\n');
    expect(lib).toContain('    "-- end --".to_string()\n');
    expect(lib).toContain('    String::new()\n');
    // verify-tier findings are left alone without --verify
    expect(lib).toContain('count_tags(&item.tags.clone())');
    expect(lib).toContain('    format!("{}", item.qty)\n');
    expect(readFileSync(path.join(crate, 'src/report.rs'), 'utf8')).toContain('out.push("report".to_string());');
    // atomic writes leave no temp files; plain apply writes no journal unless --out
    expect(readdirSync(path.join(crate, 'src')).sort()).toEqual(['lib.rs', 'report.rs']);
    expect(readdirSync(crate)).not.toContain('rxfix.out');
    expect(r.stdout).toContain('cargo runs: 0');
    // fixing again finds nothing left in the safe tier
    const again = await rxfix(['apply', ...ONLY, '--report', 'report.json'], { cwd: crate });
    expect(again.code).toBe(0);
    expect(readReport(path.join(crate, 'report.json')).applied).toEqual([]);
  });

  it('--dry-run and --diff print a unified diff and write nothing', async () => {
    const crate = copyCrate('demo');
    const before = hashTree(crate, []);
    const dry = await rxfix(['apply', ...ONLY, '--dry-run'], { cwd: crate });
    expect(dry.code).toBe(0);
    const diff = await rxfix(['apply', ...ONLY, '--diff'], { cwd: crate });
    expect(diff.code).toBe(0);
    expect(diff.stdout).toBe(dry.stdout);
    expect(dry.stdout.startsWith('--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ -')).toBe(true);
    expect(dry.stdout).toContain('-    format!("inventory")\n+    "inventory".to_string()\n');
    expect(dry.stdout).toContain('--- a/src/report.rs\n+++ b/src/report.rs\n');
    expect(dry.stderr).toContain('useless-format');
    expect(hashTree(crate, [])).toEqual(before);
  });

  it('--out keeps summary.json and final.patch for a plain run too', async () => {
    const crate = copyCrate('clean');
    const out = path.join(tempDir('out'), 'journal');
    const r = await rxfix(['apply', ...ONLY, '--out', out], { cwd: crate });
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(out, 'final.patch'), 'utf8')).toBe(
      '--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ -4,7 +4,7 @@\n }\n \n pub fn greeting() -> String {\n-    format!("hello")\n+    "hello".to_string()\n }\n \n pub fn size(v: Vec<u32>) -> usize {\n',
    );
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary.applied).toEqual([{ ruleId: 'useless-format', path: 'src/lib.rs', line: 7 }]);
    expect(readFileSync(path.join(out, 'events.jsonl'), 'utf8')).toContain('"type":"write-end"');
  });

  it('applies to one file when given a file path, and leaves the rest', async () => {
    const crate = copyCrate('demo');
    const r = await rxfix(['apply', ...ONLY, 'src/report.rs'], { cwd: crate });
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(crate, 'src/report.rs'), 'utf8')).toContain('"report".to_string()');
    expect(readFileSync(path.join(crate, 'src/lib.rs'), 'utf8')).toContain('format!("inventory")');
  });

  it('keeps the file mode of rewritten files', async () => {
    const crate = copyCrate('clean');
    const lib = path.join(crate, 'src/lib.rs');
    const { chmodSync, statSync } = await import('node:fs');
    chmodSync(lib, 0o640);
    expect((await rxfix(['apply', ...ONLY], { cwd: crate })).code).toBe(0);
    expect(statSync(lib).mode & 0o777).toBe(0o640);
  });

  it('refuses a folder that is not a cargo project (exit 2, one line, nothing written)', async () => {
    const dir = tempDir('nocargo');
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'src', 'lib.rs'), 'pub fn f() -> String { format!("x") }\n');
    const before = hashTree(dir, []);
    const r = await rxfix(['apply'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['error: .: not a cargo project (no Cargo.toml here or in a parent folder)']);
    expect(hashTree(dir, [])).toEqual(before);
  });
});
