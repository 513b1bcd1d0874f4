// Bad input: each gets a clear one-line message and a documented exit code; nothing is written.
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rxfix, tempDir } from './helpers/cli.js';

function crateIn(dir: string, files: Record<string, string | Buffer>): string {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

const USELESS = 'pub fn f() -> String { format!("x") }\n';

describe('scan: bad input', () => {
  it('a path that does not exist exits 2 naming it', () => {
    const dir = tempDir();
    const r = rxfix(['scan', 'missing/src'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('error: missing/src: no such file or directory; pass an existing file or folder');
    expect(r.stdout).toBe('');
  });

  it('a file that is not UTF-8 is skipped with a warning and the scan goes on', () => {
    const dir = crateIn(tempDir(), { 'src/a.rs': Buffer.from([0x66, 0x6e, 0x20, 0xff, 0xfe, 0x0a]), 'src/b.rs': USELESS });
    const r = rxfix(['scan', '--format', 'short'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('warning: src/a.rs: not valid UTF-8, skipped');
    expect(r.stdout).toContain('src/b.rs:1:24: warning[useless-format]');
  });

  it('a binary file named .rs is skipped with a warning', () => {
    const dir = crateIn(tempDir(), { 'src/blob.rs': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x02, 0x00]), 'src/ok.rs': USELESS });
    const r = rxfix(['scan', '--format', 'short'], { cwd: dir });
    expect(r.stderr).toContain('warning: src/blob.rs: binary file (NUL bytes), skipped');
    expect(r.stdout).toContain('src/ok.rs:1:24');
  });

  it('a file with syntax errors still gets findings where it parses, and no fix next to the error', () => {
    const src = [
      'pub fn good(x: u32) -> String { format!("{}", x) }',
      'pub fn broken() -> String { let a = ; let b = format!("ready"); b }',
      'pub fn also_good() -> String { format!("done") }',
      '',
    ].join('\n');
    const dir = crateIn(tempDir(), { 'src/lib.rs': src });
    const r = rxfix(['scan', '--format', 'json'], { cwd: dir });
    expect(r.stderr).toContain('warning: src/lib.rs: syntax errors; findings reported where it parses');
    const doc = JSON.parse(r.stdout);
    const lines = doc.findings.map((f: { line: number; fix: unknown }) => [f.line, f.fix !== null]);
    expect(lines).toContainEqual([1, true]);
    expect(lines).toContainEqual([3, true]);
    expect(lines).toContainEqual([2, false]);
  });

  it('a 5 MB file finishes', () => {
    const unit = 'pub fn f{N}(x: u32) -> u32 { let v: Vec<u32> = (0..x).collect(); v.iter().sum::<u32>() + {N} }\n';
    let text = '';
    for (let i = 0; text.length < 5_000_000; i++) text += unit.replaceAll('{N}', String(i));
    text += USELESS;
    const dir = crateIn(tempDir(), { 'src/big.rs': text });
    const r = rxfix(['scan', '--format', 'short'], { cwd: dir, timeout: 110_000 });
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  }, 120_000);

  it('a symlink loop is visited once, with a warning', () => {
    const dir = crateIn(tempDir(), { 'src/lib.rs': USELESS });
    symlinkSync('..', path.join(dir, 'src/loop'));
    const r = rxfix(['scan', '--format', 'short'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual(['src/lib.rs:1:24: warning[useless-format]: `format!` of a single value allocates through the formatting machinery']);
    expect(r.stderr).toContain('symlink loop');
  });

  it('a folder with no Rust files says so and exits 0', () => {
    const dir = crateIn(tempDir(), { 'README.md': '# nothing\n' });
    const r = rxfix(['scan'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe('rxfix: no Rust files found under .');
  });

  it('an invalid rxfix.toml exits 2 with file, line and key', () => {
    const dir = crateIn(tempDir(), { 'src/lib.rs': USELESS, 'rxfix.toml': 'ignore = ["a"]\n\n[rules]\nuseless-format = "loud"\n' });
    mkdirSync(path.join(dir, '.git'));
    const r = rxfix(['scan'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('error: rxfix.toml:4: rule `useless-format`: `loud` must be "on", "off", "error", "warning" or "note"');
  });

  it('broken TOML syntax exits 2 with the line', () => {
    const dir = crateIn(tempDir(), { 'src/lib.rs': USELESS, 'rxfix.toml': '[rules\nx = 1\n' });
    mkdirSync(path.join(dir, '.git'));
    const r = rxfix(['scan'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: rxfix\.toml:1: invalid TOML/);
  });

  it('unknown keys and unknown rules in rxfix.toml exit 2', () => {
    const dir = crateIn(tempDir(), { 'src/lib.rs': USELESS, 'rxfix.toml': 'include-tests = false\nfrobnicate = 1\n' });
    mkdirSync(path.join(dir, '.git'));
    expect(rxfix(['scan'], { cwd: dir }).stderr.trim()).toBe('error: rxfix.toml:2: unknown key `frobnicate`; expected one of rules, ignore, rule-files, include-tests, cache-dir');
    writeFileSync(path.join(dir, 'rxfix.toml'), '[rules]\n"no-such" = "off"\n');
    expect(rxfix(['scan'], { cwd: dir }).stderr.trim()).toBe('error: rxfix.toml:2: unknown rule `no-such` in [rules]; run `rxfix rules` for the list');
  });

  it('writes nothing when the input is bad', () => {
    const dir = tempDir();
    const before = readdirSync(dir);
    rxfix(['scan', 'nope', '--output', `json=${path.join(dir, 'out.json')}`], { cwd: dir });
    expect(readdirSync(dir)).toEqual(before);
  });

  it('an unknown command or option exits 2', () => {
    expect(rxfix(['frobnicate']).code).toBe(2);
    expect(rxfix(['scan', '--frobnicate']).code).toBe(2);
  });
});
