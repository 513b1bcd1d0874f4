// rxfix.toml (found by walking up to the repository root), user rules, suppressions.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rxfix, tempDir } from './helpers/cli.js';

function repo(files: Record<string, string>): string {
  const dir = tempDir();
  mkdirSync(path.join(dir, '.git'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const LIB = ['pub fn a() -> String { format!("a") }', 'pub fn b(v: Vec<u8>) -> usize { len(&v.clone()) }', 'fn len(v: &Vec<u8>) -> usize { v.len() }', ''].join('\n');
const ONLY = ['--only', 'useless-format,redundant-clone-arg'];
const ids = (stdout: string) => JSON.parse(stdout).findings.map((f: { ruleId: string; line: number; severity: string }) => `${f.line} ${f.ruleId} ${f.severity}`);

describe('rxfix.toml', () => {
  it('is found by walking up from the scanned path and turns rules off or changes severity', () => {
    const dir = repo({ 'rxfix.toml': '[rules]\nuseless-format = "off"\nredundant-clone-arg = { severity = "error" }\n', 'crates/x/src/lib.rs': LIB });
    const found: string[] = ids(rxfix(['scan', 'crates/x', '--format', 'json'], { cwd: dir }).stdout);
    expect(found).toContain('2 redundant-clone-arg error');
    expect(found.filter((f) => f.includes('useless-format'))).toEqual([]);
    expect(rxfix(['scan', 'crates/x', '--fail-on', 'error'], { cwd: dir }).code).toBe(1);
    // an explicit --only wins over the file's "off"
    expect(ids(rxfix(['scan', 'crates/x', '--format', 'json', '--only', 'useless-format'], { cwd: dir }).stdout)).toEqual(['1 useless-format warning']);
  });

  it('stops at the repository root', () => {
    const outer = repo({ 'rxfix.toml': '[rules]\nuseless-format = "off"\n' });
    const inner = path.join(outer, 'inner');
    mkdirSync(path.join(inner, '.git'), { recursive: true });
    mkdirSync(path.join(inner, 'src'));
    writeFileSync(path.join(inner, 'src/lib.rs'), LIB);
    expect(ids(rxfix(['scan', '--format', 'json'], { cwd: inner }).stdout)).toContain('1 useless-format warning');
  });

  it('ignore globs skip files; --no-config ignores the file', () => {
    const dir = repo({ 'rxfix.toml': 'ignore = ["gen/**"]\n', 'gen/a.rs': LIB, 'src/lib.rs': LIB });
    const paths = (out: string) => [...new Set(JSON.parse(out).findings.map((f: { path: string }) => f.path))];
    expect(paths(rxfix(['scan', '--format', 'json'], { cwd: dir }).stdout)).toEqual(['src/lib.rs']);
    expect(paths(rxfix(['scan', '--format', 'json', '--no-config'], { cwd: dir }).stdout)).toEqual(['gen/a.rs', 'src/lib.rs']);
  });

  it('respects .gitignore and skips target/ and hidden folders', () => {
    const dir = repo({ '.gitignore': '/skipped\n', 'skipped/a.rs': LIB, 'target/debug/b.rs': LIB, '.hidden/c.rs': LIB, 'src/lib.rs': LIB });
    const paths = [...new Set(JSON.parse(rxfix(['scan', '--format', 'json'], { cwd: dir }).stdout).findings.map((f: { path: string }) => f.path))];
    expect(paths).toEqual(['src/lib.rs']);
  });

  it('loads user rules from rule-files, with $CAPTURE fix templates', () => {
    const rule = [
      'id: no-unwrap-default',
      'family: alloc',
      'message: use unwrap_or_default',
      'query: |',
      '  (call_expression function: (field_expression value: (_) @recv field: (field_identifier) @m)',
      '    arguments: (arguments (call_expression function: (scoped_identifier) @ctor))',
      '    (#eq? @m "unwrap_or") (#eq? @ctor "String::new")) @match',
      'fix: "$recv.unwrap_or_default()"',
      '',
    ].join('\n');
    const src = 'pub fn f(o: Option<String>) -> String { o.unwrap_or(String::new()) }\n';
    const dir = repo({ 'rxfix.toml': 'rule-files = ["rules.yaml"]\n', 'rules.yaml': rule, 'src/lib.rs': src });
    const doc = JSON.parse(rxfix(['scan', '--format', 'json'], { cwd: dir }).stdout);
    expect(doc.findings).toHaveLength(1);
    expect(doc.findings[0].ruleId).toBe('no-unwrap-default');
    expect(doc.findings[0].fix.edits[0].text).toBe('o.unwrap_or_default()');
    expect(rxfix(['rules', '--format', 'json'], { cwd: dir }).stdout).toContain('no-unwrap-default');
  });

  it('fails closed on a user rule with an unknown predicate or a fix capture the query lacks', () => {
    const base = 'id: bad-rule\nmessage: m\n';
    const pred = repo({ 'rxfix.toml': 'rule-files = ["r.yaml"]\n', 'r.yaml': base + 'query: ((identifier) @x (#frob? @x "a"))\n', 'src/lib.rs': LIB });
    const r1 = rxfix(['scan'], { cwd: pred });
    expect(r1.code).toBe(2);
    expect(r1.stderr.trim()).toBe('error: r.yaml: rule `bad-rule`: unknown query predicate `#frob?`; fix the rule definition or remove it from the configuration');
    const cap = repo({ 'rxfix.toml': 'rule-files = ["r.yaml"]\n', 'r.yaml': base + 'query: ((identifier) @x)\nfix: "$y"\n', 'src/lib.rs': LIB });
    const r2 = rxfix(['scan'], { cwd: cap });
    expect(r2.code).toBe(2);
    expect(r2.stderr.trim()).toBe('error: r.yaml: rule `bad-rule`: fix uses `$y` but the query has no capture `@y`');
    const bad = repo({ 'rxfix.toml': 'rule-files = ["r.yaml"]\n', 'r.yaml': base + 'query: ((no_such_node) @x)\n', 'src/lib.rs': LIB });
    const r3 = rxfix(['scan'], { cwd: bad });
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain('error: r.yaml: rule `bad-rule`: query does not compile');
    // also when nothing is parsed: a file no rule is triggered in, or no Rust file at all
    const quiet = repo({ 'rxfix.toml': 'rule-files = ["r.yaml"]\n', 'r.yaml': base + 'query: ((no_such_node) @x)\n', 'src/lib.rs': 'pub struct S;\n', 'empty/README': '' });
    for (const args of [['scan', '--no-cache', 'src'], ['scan', 'empty']]) {
      const r = rxfix(args, { cwd: quiet });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('error: r.yaml: rule `bad-rule`: query does not compile');
    }
  });
});

describe('suppressions', () => {
  const src = [
    '// rxfix-ignore-file: redundant-clone-arg',
    'pub fn a() -> String {',
    '    // rxfix-ignore: useless-format -- generated text',
    '    format!("a")',
    '}',
    'pub fn b() -> String { format!("b") } // rxfix-ignore: useless-format',
    'pub fn c(v: Vec<u8>) -> usize { len(&v.clone()) }',
    'fn len(v: &Vec<u8>) -> usize { v.len() }',
    '// rxfix-ignore: iter-nth-zero',
    'pub fn d() -> String { format!("d") }',
    'pub fn e() -> &\'static str { "// rxfix-ignore: useless-format" }',
    '',
  ].join('\n');

  it('silence the same or next line, or the whole file; only real comments count', () => {
    const dir = repo({ 'src/lib.rs': src });
    expect(ids(rxfix(['scan', '--format', 'json', ...ONLY], { cwd: dir }).stdout)).toEqual(['10 useless-format warning']);
  });

  it('--report-unused-ignores names the directive that silences nothing', () => {
    const dir = repo({ 'src/lib.rs': src });
    const r = rxfix(['scan', '--format', 'short', '--report-unused-ignores', '--skip', 'useless-format'], { cwd: dir });
    expect(r.stderr).toContain('warning: src/lib.rs:3:5: unused rxfix-ignore for `useless-format`; remove it');
    expect(r.code).toBe(1);
  });
});
