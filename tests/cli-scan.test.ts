// End-to-end: the built `rxfix scan` on a small crate, every output format and exit code.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, rxfix, tempDir } from './helpers/cli.js';

const crate = path.join(ROOT, 'fixtures/scan/basic');
// The catalogue grows; exact expectations are pinned to the two rules this crate was written for.
const ONLY = ['--only', 'useless-format,redundant-clone-arg'];

describe('rxfix scan on a crate', () => {
  it('prints the JSON contract with sorted findings and exits 1', () => {
    const r = rxfix(['scan', '--format', 'json', ...ONLY], { cwd: crate });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['version', 'tool', 'findings', 'summary']);
    expect(doc.version).toBe(1);
    expect(doc.tool.name).toBe('rxfix');
    expect(doc.findings.map((f: { path: string; line: number; column: number; ruleId: string }) => `${f.path}:${f.line}:${f.column} ${f.ruleId}`)).toEqual([
      'src/lib.rs:5:5 useless-format',
      'src/lib.rs:9:5 useless-format',
      'src/lib.rs:13:18 redundant-clone-arg',
      'src/names.rs:2:20 useless-format',
    ]);
    const first = doc.findings[1];
    expect(Object.keys(first)).toEqual(['ruleId', 'family', 'severity', 'path', 'line', 'column', 'endLine', 'endColumn', 'message', 'help', 'fix']);
    expect(first.fix).toEqual({ tier: 'safe', edits: [{ line: 9, column: 5, endLine: 9, endColumn: 21, text: '"ready".to_string()' }] });
    expect(doc.summary).toEqual({ files: 2, findings: 4, byRule: { 'redundant-clone-arg': 1, 'useless-format': 3 } });
  });

  it('is byte-for-byte deterministic', () => {
    const a = rxfix(['scan', '--format', 'json', '--format', 'sarif'], { cwd: crate });
    const b = rxfix(['scan', '--format', 'json', '--format', 'sarif'], { cwd: crate });
    expect(a.stdout).toBe(b.stdout);
  });

  it('prints rustc-style diagnostics without colour when not a TTY', () => {
    const r = rxfix(['scan'], { cwd: crate });
    expect(r.stdout).toContain('warning[useless-format]: `format!` of a single value');
    expect(r.stdout).toContain(' --> src/lib.rs:5:5\n');
    expect(r.stdout).toContain('5 |     format!("{}", id)\n  |     ^^^^^^^^^^^^^^^^^\n');
    expect(r.stdout).toContain('= note: same as clippy::useless_format');
    expect(r.stdout).toContain('= help: ');
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('colours with FORCE_COLOR and honours NO_COLOR', () => {
    expect(rxfix(['scan'], { cwd: crate, env: { FORCE_COLOR: '1' } }).stdout).toContain('\u001b[');
    expect(rxfix(['scan'], { cwd: crate, env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout).not.toContain('\u001b[');
  });

  it('prints short and github formats, several at once', () => {
    const r = rxfix(['scan', '--format', 'short', '--format', 'github', ...ONLY], { cwd: crate });
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('src/lib.rs:5:5: warning[useless-format]: `format!` of a single value allocates through the formatting machinery');
    expect(lines).toContain('::warning file=src/lib.rs,line=13,col=18,endLine=13,endColumn=31,title=rxfix redundant-clone-arg::the value is cloned only to be borrowed (help: borrow the original: `&x` instead of `&x.clone()`)');
    expect(lines).toHaveLength(8);
  });

  it('writes --output FORMAT=FILE and keeps stdout for --format', () => {
    const dir = tempDir();
    const out = path.join(dir, 'report.json');
    const r = rxfix(['scan', '--format', 'short', '--output', `json=${out}`, ...ONLY], { cwd: crate });
    expect(r.stdout.split('\n')[0]).toMatch(/^src\/lib\.rs:5:5: /);
    expect(JSON.parse(readFileSync(out, 'utf8')).summary.findings).toBe(4);
  });

  it('--fail-on decides the exit code', () => {
    expect(rxfix(['scan', '--fail-on', 'never'], { cwd: crate }).code).toBe(0);
    expect(rxfix(['scan', '--fail-on', 'error'], { cwd: crate }).code).toBe(0);
    expect(rxfix(['scan', '--fail-on', 'note'], { cwd: crate }).code).toBe(1);
    const bad = rxfix(['scan', '--fail-on', 'sometimes'], { cwd: crate });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--fail-on');
  });

  it('--only and --skip select rules; an unknown id exits 2', () => {
    const only = JSON.parse(rxfix(['scan', '--format', 'json', '--only', 'redundant-clone-arg'], { cwd: crate }).stdout);
    expect(only.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['redundant-clone-arg']);
    const skip = JSON.parse(rxfix(['scan', '--format', 'json', '--only', 'redundant-clone-arg,useless-format', '--skip', 'useless-format'], { cwd: crate }).stdout);
    expect(skip.summary.byRule).toEqual({ 'redundant-clone-arg': 1 });
    const bad = rxfix(['scan', '--only', 'no-such-rule'], { cwd: crate });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('error: unknown rule `no-such-rule` in --only; run `rxfix rules` for the list');
  });

  it('skips tests/ by default and scans it with --include-tests', () => {
    const r = JSON.parse(rxfix(['scan', '--format', 'json', '--include-tests'], { cwd: crate }).stdout);
    expect(r.findings.map((f: { path: string }) => f.path)).toContain('tests/it.rs');
  });

  it('an unknown format exits 2', () => {
    const r = rxfix(['scan', '--format', 'xml'], { cwd: crate });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown format `xml`');
  });
});

describe('rxfix rules and explain', () => {
  it('lists rules as JSON with the documented keys', () => {
    const r = rxfix(['rules', '--format', 'json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(list.length).toBeGreaterThanOrEqual(2);
    for (const item of list) expect(Object.keys(item)).toEqual(['id', 'family', 'severity', 'tier', 'clippy']);
    expect(list.find((x: { id: string }) => x.id === 'useless-format')).toEqual({ id: 'useless-format', family: 'strings', severity: 'warning', tier: 'safe', clippy: 'clippy::useless_format' });
  });

  it('prints a table', () => {
    const r = rxfix(['rules']);
    expect(r.stdout).toMatch(/id\s+│\s+family\s+│\s+tier\s+│\s+clippy equivalent/);
    expect(r.stdout).toContain('useless-format');
  });

  it('explains a rule with its example', () => {
    const r = rxfix(['explain', 'useless-format']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('before:');
    expect(r.stdout).toContain('    let c = name.to_string();');
    const bad = rxfix(['explain', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown rule `nope`');
  });
});
