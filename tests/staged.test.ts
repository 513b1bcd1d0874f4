// `rxfix scan --staged` reads the index, not the work tree; `--diff REV` keeps only findings on
// changed lines; thousands of file names on one command line run in one process.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseUnifiedDiff } from '../src/workspace/git.js';
import { rxfix, tempDir } from './helpers/cli.js';

const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_NOSYSTEM: '1' };
const WITH = 'pub fn name(id: u32) -> String {\n    format!("{}", id)\n}\n';
const WITHOUT = 'pub fn name(id: u32) -> String {\n    id.to_string()\n}\n';

function repo(): { dir: string; git: (...a: string[]) => string } {
  const dir = tempDir('rxfix-git-');
  const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' });
  git('init', '-q');
  git('config', 'commit.gpgsign', 'false');
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'Cargo.toml'), '[package]\nname = "g"\nversion = "0.1.0"\nedition = "2021"\n');
  return { dir, git };
}

const ids = (stdout: string) => JSON.parse(stdout).findings.map((f: { path: string; line: number; ruleId: string }) => `${f.path}:${f.line} ${f.ruleId}`);

describe('rxfix scan --staged', () => {
  it('follows the staged version, not the working file', () => {
    const { dir, git } = repo();
    const lib = path.join(dir, 'src/lib.rs');
    writeFileSync(lib, WITH);
    git('add', 'src/lib.rs');
    writeFileSync(lib, WITHOUT); // fixed in the work tree, not staged
    const a = rxfix(['scan', '--staged', '--format', 'json', '--no-cache'], { cwd: dir });
    expect(a.code).toBe(1);
    expect(ids(a.stdout)).toEqual(['src/lib.rs:2 useless-format']);
    expect(rxfix(['scan', '--format', 'json', '--no-cache'], { cwd: dir }).code).toBe(0); // the work tree is clean

    git('add', 'src/lib.rs'); // stage the fix
    writeFileSync(lib, WITH); // and break the work tree again
    const b = rxfix(['scan', '--staged', '--format', 'json', '--no-cache'], { cwd: dir });
    expect(b.code).toBe(0);
    expect(ids(b.stdout)).toEqual([]);
  });

  it('scans only staged Rust files, limited to the paths given, from a subfolder too', () => {
    const { dir, git } = repo();
    mkdirSync(path.join(dir, 'src/sub'));
    writeFileSync(path.join(dir, 'src/lib.rs'), WITH);
    writeFileSync(path.join(dir, 'src/sub/m.rs'), WITH);
    writeFileSync(path.join(dir, 'src/unstaged.rs'), WITH);
    git('add', 'src/lib.rs', 'src/sub/m.rs');
    const all = rxfix(['scan', '--staged', '--format', 'json', '--no-cache'], { cwd: dir });
    expect(ids(all.stdout)).toEqual(['src/lib.rs:2 useless-format', 'src/sub/m.rs:2 useless-format']);
    const one = rxfix(['scan', '--staged', '--format', 'json', '--no-cache', 'src/sub'], { cwd: dir });
    expect(ids(one.stdout)).toEqual(['src/sub/m.rs:2 useless-format']);
    const sub = rxfix(['scan', '--staged', '--format', 'json', '--no-cache'], { cwd: path.join(dir, 'src/sub') });
    expect(ids(sub.stdout)).toEqual(['../lib.rs:2 useless-format', 'm.rs:2 useless-format']);
  });

  it('says so when nothing is staged, and fails outside a repository', () => {
    const { dir } = repo();
    const r = rxfix(['scan', '--staged'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no staged Rust files');
    const out = rxfix(['scan', '--staged'], { cwd: tempDir() });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('not inside a git work tree');
  });
});

describe('rxfix scan --diff', () => {
  function committed() {
    const { dir, git } = repo();
    writeFileSync(path.join(dir, 'src/lib.rs'), WITH);
    writeFileSync(path.join(dir, 'src/old.rs'), WITH);
    git('add', '.');
    git('commit', '-q', '-m', 'one');
    // a new finding at line 5, the old one at line 2 untouched; old.rs unchanged
    writeFileSync(path.join(dir, 'src/lib.rs'), WITH + '\npub fn other(n: u64) -> String {\n    format!("{}", n)\n}\n');
    writeFileSync(path.join(dir, 'src/new.rs'), WITH); // untracked: every line is new
    return { dir, git };
  }

  it('reports only findings on lines changed since REV, untracked files whole', () => {
    const { dir } = committed();
    const r = rxfix(['scan', '--diff', 'HEAD', '--format', 'json', '--no-cache'], { cwd: dir });
    expect(ids(r.stdout)).toEqual(['src/lib.rs:6 useless-format', 'src/new.rs:2 useless-format']);
    expect(r.code).toBe(1);
    const full = rxfix(['scan', '--format', 'json', '--no-cache'], { cwd: dir });
    expect(ids(full.stdout)).toHaveLength(4);
  });

  it('with --staged compares REV with the index', () => {
    const { dir, git } = committed();
    const none = rxfix(['scan', '--staged', '--diff', 'HEAD', '--format', 'json', '--no-cache'], { cwd: dir });
    expect(none.code).toBe(0);
    expect(none.stderr).toContain('no staged Rust files since HEAD');
    git('add', 'src/lib.rs');
    expect(ids(rxfix(['scan', '--staged', '--diff', 'HEAD', '--format', 'json', '--no-cache'], { cwd: dir }).stdout)).toEqual(['src/lib.rs:6 useless-format']);
  });

  it('rejects an unknown revision with exit 2', () => {
    const { dir } = committed();
    const r = rxfix(['scan', '--diff', 'no-such-rev'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--diff no-such-rev: not a revision');
  });

  it('parses git hunks, including pure deletions and quoted names', () => {
    const diff = [
      'diff --git a/src/a.rs b/src/a.rs',
      '--- a/src/a.rs',
      '+++ b/src/a.rs',
      '@@ -3 +3 @@ x',
      '@@ -10,2 +11,3 @@',
      '@@ -20,4 +22,0 @@',
      '--- a/gone.rs',
      '+++ /dev/null',
      '@@ -1,3 +0,0 @@',
      '--- "a/caf\\303\\251.rs"',
      '+++ "b/caf\\303\\251.rs"',
      '@@ -0,0 +1 @@',
    ].join('\n');
    const m = parseUnifiedDiff(diff);
    expect([...m.get('src/a.rs')!]).toEqual([3, 11, 12, 13]);
    expect(m.has('gone.rs')).toBe(false);
    expect([...m.get('café.rs')!]).toEqual([1]);
  });
});

describe('many file names on one command line', () => {
  it('scans 3000 files named on the command line in one process', () => {
    const dir = tempDir();
    const names: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const n = `f${i}.rs`;
      writeFileSync(path.join(dir, n), i % 1000 === 0 ? WITH : WITHOUT);
      names.push(n);
    }
    const r = rxfix(['scan', '--format', 'json', '--no-cache', '--no-config', '--stats', ...names], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).summary).toEqual({ files: 3000, findings: 3, byRule: { 'useless-format': 3 } });
    expect(r.stderr).toContain('files=3000');
  });
});
