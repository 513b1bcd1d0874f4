// The worker pool gives byte-identical output to a single-thread scan, in every format.
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { poolSize } from '../src/engine/workers.js';
import { ROOT, rxfix, tempDir } from './helpers/cli.js';

/** A tree of many files: every rule fixture (valid and invalid) copied several times. */
function corpus(): string {
  const dir = path.join(tempDir('rxfix-workers-'), 'tree');
  const rules = path.join(ROOT, 'fixtures/rules');
  for (let copy = 0; copy < 4; copy++) {
    for (const id of readdirSync(rules)) {
      const to = path.join(dir, `c${copy}`, id);
      mkdirSync(to, { recursive: true });
      for (const f of readdirSync(path.join(rules, id))) if (f.endsWith('.rs')) cpSync(path.join(rules, id, f), path.join(to, f));
    }
  }
  writeFileSync(path.join(dir, 'broken.rs'), 'fn f( { let s = format!("{}", x); }\n');
  return dir;
}

describe('worker pool', () => {
  it('prints exactly what a single-thread scan prints (json, sarif, pretty)', () => {
    const dir = corpus();
    const args = (n: number) => ['scan', '.', '--no-cache', '--no-config', '--include-tests', '--format', 'json', '--output', `sarif=../out${n}.sarif`, '--output', `pretty=../out${n}.txt`, '--stats', '--jobs', String(n)];
    const one = rxfix(args(1), { cwd: dir });
    const two = rxfix(args(2), { cwd: dir });
    const three = rxfix(args(3), { cwd: dir });
    for (const ext of ['sarif', 'txt']) {
      const base = readFileSync(path.join(dir, `../out1.${ext}`), 'utf8');
      expect(base.length).toBeGreaterThan(1000);
      expect(readFileSync(path.join(dir, `../out2.${ext}`), 'utf8')).toBe(base);
      expect(readFileSync(path.join(dir, `../out3.${ext}`), 'utf8')).toBe(base);
    }
    expect(one.stderr).toContain('workers=0');
    expect(two.stderr).toContain('workers=2');
    expect(three.stderr).toContain('workers=3');
    expect(JSON.parse(one.stdout).findings.length).toBeGreaterThan(20);
    expect(two.stdout).toBe(one.stdout);
    expect(three.stdout).toBe(one.stdout);
    const strip = (s: string) => s.replace(/workers=\d+/, '');
    expect(strip(two.stderr)).toBe(strip(one.stderr));
    expect(two.code).toBe(one.code);
  });

  it('spawns workers only above the size threshold', () => {
    expect(poolSize(5, 10_000, undefined)).toBe(0);
    expect(poolSize(10_000, 1_000_000, undefined)).toBe(0);
    expect(poolSize(1, 50_000_000, 4)).toBe(0);
    expect(poolSize(100, 1000, 2)).toBe(2);
    expect(poolSize(100, 1000, 1)).toBe(1);
  });
});
