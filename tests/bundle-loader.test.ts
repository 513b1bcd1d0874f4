// The CLI bundle's V8 code cache (src/bundle-loader.ts): made by a quick run, taken by the next
// ones, made again when stale or damaged, never from a run under other V8 flags, and never
// changing what a scan prints.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCacheName } from '../src/bundle-loader.js';
import { ROOT, rxfix, tempDir } from './helpers/cli.js';

const versions = { node: 'v20.20.2', v8: '11.3.244.8-node.33', arch: 'x64' };
const FILE = path.join(ROOT, 'fixtures/rules/useless-format/invalid.rs');

function codeCaches(cacheDir: string): string[] {
  try {
    return readdirSync(path.join(cacheDir, 'code')).sort();
  } catch {
    return [];
  }
}

describe('code cache file name', () => {
  it('is stable for one build and Node, and differs with either', () => {
    const name = codeCacheName(1000, 123.5, versions);
    expect(name).toMatch(/^rxfix-[0-9a-f]{16}\.bin$/);
    expect(codeCacheName(1000, 123.5, versions)).toBe(name);
    expect(codeCacheName(1001, 123.5, versions)).not.toBe(name);
    expect(codeCacheName(1000, 124.5, versions)).not.toBe(name);
    expect(codeCacheName(1000, 123.5, { ...versions, node: 'v22.0.0' })).not.toBe(name);
    expect(codeCacheName(1000, 123.5, { ...versions, v8: '12.4' })).not.toBe(name);
  });
});

describe('code cache of the bundle', () => {
  const scan = (cacheDir: string, extra: NodeJS.ProcessEnv = {}) => rxfix(['scan', FILE, '--no-cache', '--no-config', '--format', 'json', '--fail-on', 'never'], { env: { RXFIX_CACHE_DIR: cacheDir, ...extra } });

  it('is written by the first quick run, then taken as it is; output unchanged', () => {
    const dir = tempDir('rxfix-code-');
    const first = scan(dir);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).findings.length).toBeGreaterThan(0);
    const [name, ...more] = codeCaches(dir);
    expect(name).toBeDefined();
    expect(more).toEqual([]);
    const file = path.join(dir, 'code', name!);
    const made = statSync(file).mtimeMs;
    const second = scan(dir);
    expect(second.stdout).toBe(first.stdout);
    expect(statSync(file).mtimeMs).toBe(made); // accepted: not written again
  });

  it('is written anew when damaged, with the same output', () => {
    const dir = tempDir('rxfix-code-');
    const first = scan(dir);
    const file = path.join(dir, 'code', codeCaches(dir)[0]!);
    writeFileSync(file, 'not V8 cached data');
    const again = scan(dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    // written again (its size varies a little: it holds what this run compiled)
    expect(statSync(file).size).toBeGreaterThan(100_000);
    expect(readFileSync(file).subarray(0, 18).toString()).not.toBe('not V8 cached data');
  });

  it('is neither read nor written with RXFIX_CODE_CACHE=0', () => {
    const dir = tempDir('rxfix-code-');
    const r = scan(dir, { RXFIX_CODE_CACHE: '0' });
    expect(r.code).toBe(0);
    expect(codeCaches(dir)).toEqual([]);
  });

  it('is not written by a run that compiled the WASM for speed (other V8 flags)', () => {
    const dir = tempDir('rxfix-code-');
    // two worker threads: a run that is not a quick start clears the quick-start flag
    const r = rxfix(['scan', path.join(ROOT, 'fixtures/rules'), '--no-cache', '--no-config', '--format', 'json', '--fail-on', 'never', '--jobs', '2', '--stats'], { env: { RXFIX_CACHE_DIR: dir } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('workers=2');
    expect(codeCaches(dir)).toEqual([]);
  });

  it('is not written where it cannot be: the scan still succeeds', () => {
    const dir = tempDir('rxfix-code-');
    writeFileSync(path.join(dir, 'code'), 'a file where the folder would be');
    const r = scan(dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(0);
    expect(r.stderr).toBe('');
  });
});
