// Bad input for `rxfix apply --verify`: each a one-line error with its exit code, nothing written.
import { execa } from 'execa';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, copyCrate, hashTree, ONLY, rxfix, tempDir } from './helpers/crates.js';

afterAll(cleanupTemp);

const oneLine = (s: string) => s.trim().split('\n');

async function git(cwd: string, ...args: string[]) {
  await execa('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd });
}

describe('apply --verify on bad input', () => {
  it('not a cargo project: exit 2', async () => {
    const dir = tempDir('nocargo');
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'src', 'lib.rs'), 'pub fn f() -> String { format!("x") }\n');
    const before = hashTree(dir, []);
    const r = await rxfix(['apply', '--verify'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: .*not a cargo project/);
    expect(hashTree(dir, [])).toEqual(before);
  });

  it('cargo not on PATH: exit 2 and says so', async () => {
    const crate = copyCrate('clean');
    const before = hashTree(crate, []);
    const r = await rxfix(['apply', '--verify'], { cwd: crate, env: { PATH: path.dirname(process.execPath) } });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual(['error: cargo not found on PATH; install Rust from https://rustup.rs or add cargo to PATH']);
    expect(hashTree(crate, [])).toEqual(before);
  });

  it('scratch folder not writable: exit 2, user tree untouched', async () => {
    const crate = copyCrate('clean');
    const blocker = path.join(tempDir('blocker'), 'a-file');
    writeFileSync(blocker, 'not a folder');
    const before = hashTree(crate, []);
    const r = await rxfix(['apply', '--verify', ...ONLY], { cwd: crate, env: { RXFIX_SCRATCH_DIR: path.join(blocker, 'scratch') } });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: scratch folder .* is not writable \(ENOTDIR\); set RXFIX_SCRATCH_DIR/);
    expect(hashTree(crate, [])).toEqual(before);
  });

  it('a dirty git tree is refused unless --allow-dirty; rxfix.out and the --report file do not count as dirty', async () => {
    const crate = copyCrate('clean');
    await git(crate, 'init', '-q');
    await git(crate, 'add', '.');
    await git(crate, 'commit', '-q', '-m', 'init');
    mkdirSync(path.join(crate, 'rxfix.out'));
    writeFileSync(path.join(crate, 'rxfix.out', 'summary.json'), '{}');
    writeFileSync(path.join(crate, 'report.json'), '{}');
    const clean = await rxfix(['apply', ...ONLY, '--dry-run', '--report', 'report.json'], { cwd: crate });
    expect(clean.code).toBe(0);
    const own = await rxfix(['apply', ...ONLY, '--report', 'report.json'], { cwd: crate });
    expect(own.code).toBe(0); // its own --report file does not count as dirty
    await git(crate, 'add', '.');
    await git(crate, 'commit', '-q', '-m', 'fixed');
    writeFileSync(path.join(crate, 'notes.txt'), 'uncommitted\n');
    const before = hashTree(crate, ['.git']);
    for (const args of [['apply', ...ONLY], ['apply', '--verify', ...ONLY]]) {
      const r = await rxfix(args, { cwd: crate });
      expect(r.code).toBe(2);
      expect(oneLine(r.stderr)).toEqual(['error: the working tree has uncommitted changes (notes.txt); commit or stash them first, or pass --allow-dirty']);
    }
    expect(hashTree(crate, ['.git'])).toEqual(before);
    writeFileSync(path.join(crate, 'src/lib.rs'), readFileSync(path.join(crate, 'src/lib.rs'), 'utf8').replace('"hello".to_string()', 'format!("hello")'));
    const forced = await rxfix(['apply', ...ONLY, '--allow-dirty'], { cwd: crate });
    expect(forced.code).toBe(0);
    expect(readFileSync(path.join(crate, 'src/lib.rs'), 'utf8')).toContain('"hello".to_string()');
  });

  it('a bad --timeout is a usage error', async () => {
    const crate = copyCrate('clean');
    const r = await rxfix(['apply', '--verify', '--timeout', 'soon'], { cwd: crate });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--timeout soon: expected a positive number of seconds');
  });
});
