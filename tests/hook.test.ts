// `rxfix hook install`: writes the pre-commit hook, chains an existing one, refuses to rewrite
// without --force, and the hook really blocks a commit with findings in the staged content.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHAINED_NAME, HOOK_MARKER } from '../src/commands/hook.js';
import { rxfix, tempDir } from './helpers/cli.js';

const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_NOSYSTEM: '1' };
const WITH = 'pub fn name(id: u32) -> String {\n    format!("{}", id)\n}\n';
const WITHOUT = 'pub fn name(id: u32) -> String {\n    id.to_string()\n}\n';

function repo() {
  const dir = tempDir('rxfix-hook-');
  const env = { ...process.env, ...GIT_ENV, RXFIX_CACHE_DIR: path.join(dir, '.git', 'rxfix-cache') };
  const git = (...a: string[]) => spawnSync('git', a, { cwd: dir, env, encoding: 'utf8' });
  git('init', '-q');
  git('config', 'commit.gpgsign', 'false');
  git('config', 'core.hooksPath', '.git/hooks');
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'Cargo.toml'), '[package]\nname = "h"\nversion = "0.1.0"\nedition = "2021"\n');
  const hook = path.join(dir, '.git', 'hooks', 'pre-commit');
  return { dir, git, hook, env };
}

describe('rxfix hook install', () => {
  it('installs an executable hook that blocks commits with findings in the staged content', () => {
    const { dir, git, hook, env } = repo();
    const r = rxfix(['hook', 'install'], { cwd: dir, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('installed');
    expect(readFileSync(hook, 'utf8')).toContain(HOOK_MARKER);
    expect(statSync(hook).mode & 0o111).not.toBe(0);

    writeFileSync(path.join(dir, 'src/lib.rs'), WITH);
    git('add', '.');
    const blocked = git('commit', '-q', '-m', 'bad');
    expect(blocked.status).not.toBe(0);
    expect(blocked.stdout + blocked.stderr).toContain('useless-format');

    writeFileSync(path.join(dir, 'src/lib.rs'), WITHOUT);
    git('add', '.');
    const ok = git('commit', '-q', '-m', 'good');
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
  });

  it('refuses to rewrite its own hook without --force, rewrites it with --force', () => {
    const { dir, hook, env } = repo();
    expect(rxfix(['hook', 'install'], { cwd: dir, env }).code).toBe(0);
    writeFileSync(hook, readFileSync(hook, 'utf8') + '# edited\n');
    const again = rxfix(['hook', 'install'], { cwd: dir, env });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already installed; pass --force');
    expect(readFileSync(hook, 'utf8')).toContain('# edited');
    const forced = rxfix(['hook', 'install', '--force', '--fix'], { cwd: dir, env });
    expect(forced.code).toBe(0);
    expect(readFileSync(hook, 'utf8')).not.toContain('# edited');
    expect(readFileSync(hook, 'utf8')).toContain('rxfix apply');
  });

  it('chains an existing hook: it runs first, and its failure stops the commit', () => {
    const { dir, git, hook, env } = repo();
    mkdirSync(path.dirname(hook), { recursive: true });
    const mark = path.join(dir, 'ran.txt');
    writeFileSync(hook, `#!/bin/sh\necho "$@" >> '${mark}'\n[ -f '${path.join(dir, 'fail')}' ] && exit 7\nexit 0\n`, { mode: 0o755 });
    const r = rxfix(['hook', 'install'], { cwd: dir, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(CHAINED_NAME);
    expect(readFileSync(path.join(path.dirname(hook), CHAINED_NAME), 'utf8')).toContain('ran.txt');

    writeFileSync(path.join(dir, 'src/lib.rs'), WITHOUT);
    git('add', '.');
    expect(git('commit', '-q', '-m', 'one').status).toBe(0);
    expect(existsSync(mark)).toBe(true);

    writeFileSync(path.join(dir, 'fail'), '');
    writeFileSync(path.join(dir, 'src/lib.rs'), WITHOUT + '\n');
    git('add', 'src/lib.rs');
    expect(git('commit', '-q', '-m', 'two').status).not.toBe(0);
    expect(readFileSync(mark, 'utf8').split('\n').filter((l) => l !== '')).toHaveLength(0); // pre-commit gets no arguments, two runs
    expect(readFileSync(mark, 'utf8').split('\n')).toHaveLength(3);

    // a second install keeps the chain: refused without --force, and --force keeps the chained hook
    expect(rxfix(['hook', 'install'], { cwd: dir, env }).code).toBe(2);
    expect(rxfix(['hook', 'install', '--force'], { cwd: dir, env }).code).toBe(0);
    expect(existsSync(path.join(path.dirname(hook), CHAINED_NAME))).toBe(true);
  });

  it('with --fix applies safe fixes to clean staged files, re-stages them, then scans', () => {
    const { dir, git, env } = repo();
    expect(rxfix(['hook', 'install', '--fix'], { cwd: dir, env }).code).toBe(0);
    // single-char-pattern has a safe fix: split("a") → split('a')
    const before = 'pub fn parts(s: &str) -> usize {\n    s.split("a").count()\n}\n';
    const after = "pub fn parts(s: &str) -> usize {\n    s.split('a').count()\n}\n";
    writeFileSync(path.join(dir, 'src/lib.rs'), before);
    git('add', '.');
    const r = git('commit', '-q', '-m', 'fixed on the way');
    expect(r.stderr).not.toContain('warning[');
    expect(r.status).toBe(0);
    expect(git('show', 'HEAD:src/lib.rs').stdout).toBe(after);
    expect(readFileSync(path.join(dir, 'src/lib.rs'), 'utf8')).toBe(after);
  });

  it('fails outside a git repository', () => {
    const r = rxfix(['hook', 'install'], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not inside a git repository');
  });

  it('ships .pre-commit-hooks.yaml with rxfix-scan and rxfix-apply', async () => {
    const { parse } = await import('yaml');
    const hooks = parse(readFileSync(path.resolve(__dirname, '../.pre-commit-hooks.yaml'), 'utf8')) as { id: string; language: string; types: string[]; require_serial?: boolean; entry: string }[];
    const byId = Object.fromEntries(hooks.map((h) => [h.id, h]));
    expect(byId['rxfix-scan']).toMatchObject({ language: 'node', types: ['rust'] });
    expect(byId['rxfix-scan']!.entry).toContain('rxfix scan');
    expect(byId['rxfix-apply']).toMatchObject({ language: 'node', require_serial: true });
    expect(byId['rxfix-apply']!.entry).toContain('rxfix apply');
  });
});

describe('cargo rxfix', () => {
  it('runs the same CLI as `cargo rxfix scan` when cargo-rxfix is on PATH', () => {
    const cargo = spawnSync('cargo', ['--version']);
    if (cargo.error) return; // no cargo on this machine: nothing to check
    const binDir = tempDir('rxfix-bin-');
    const link = path.join(binDir, 'cargo-rxfix');
    execFileSync('ln', ['-s', path.resolve(__dirname, '../bin/cargo-rxfix.js'), link]);
    const crate = tempDir('rxfix-cargo-');
    mkdirSync(path.join(crate, 'src'));
    writeFileSync(path.join(crate, 'Cargo.toml'), '[package]\nname = "c"\nversion = "0.1.0"\nedition = "2021"\n');
    writeFileSync(path.join(crate, 'src/lib.rs'), WITH);
    const env = { ...process.env, PATH: `${binDir}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` };
    const r = spawnSync('cargo', ['rxfix', 'scan', '--format', 'json', '--no-cache'], { cwd: crate, env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { path: string; ruleId: string }) => `${f.path} ${f.ruleId}`)).toEqual(['src/lib.rs useless-format']);
    const v = spawnSync('cargo', ['rxfix', '--version'], { cwd: crate, env, encoding: 'utf8' });
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
