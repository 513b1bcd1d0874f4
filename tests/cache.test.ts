// Result cache: hit, miss, invalidation by content, options, rule set and rxfix version; a warm
// re-scan parses nothing and prints the same output.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ResultCache, fromCached, toCached } from '../src/cache/results.js';
import { matchSource } from '../src/engine/match.js';
import type { RuleSet } from '../src/engine/registry.js';
import { scanFilesFast } from '../src/engine/scan.js';
import { ruleSetOf } from './helpers/engine.js';
import { rxfix, tempDir } from './helpers/cli.js';

const SRC = 'pub fn name(id: u32) -> String {\n    format!("{}", id)\n}\n';
const CLEAN = 'pub fn name(id: u32) -> String {\n    id.to_string()\n}\n';

let rules: RuleSet;
beforeAll(async () => {
  rules = await ruleSetOf();
});

function scanDir(dir: string, files: Record<string, string>, cache: ResultCache) {
  mkdirSync(dir, { recursive: true });
  for (const [n, t] of Object.entries(files)) writeFileSync(path.join(dir, n), t);
  return scanFilesFast({
    files: Object.keys(files).map((n) => ({ abs: path.join(dir, n), shown: n })),
    rules,
    options: () => ({}),
    cache,
  });
}

describe('ResultCache', () => {
  it('misses, then hits with the same findings, after a save and reload', async () => {
    const dir = tempDir();
    const cacheDir = path.join(dir, 'cache');
    const c1 = new ResultCache(cacheDir, rules.hash, '1.0.0');
    const a = await scanDir(path.join(dir, 'w'), { 'a.rs': SRC, 'b.rs': CLEAN }, c1);
    expect(a.stats).toMatchObject({ files: 2, cacheHits: 0 });
    expect(a.stats.parsed).toBeGreaterThan(0);
    expect(c1.save()).toBeNull();
    expect(readdirSync(cacheDir)).toHaveLength(1);

    const c2 = new ResultCache(cacheDir, rules.hash, '1.0.0');
    const b = await scanDir(path.join(dir, 'w'), { 'a.rs': SRC, 'b.rs': CLEAN }, c2);
    expect(b.stats).toMatchObject({ files: 2, cacheHits: 2, parsed: 0 });
    expect(b.findings).toEqual(a.findings);
    expect(b.findings.map((f) => `${f.path}:${f.line}:${f.column} ${f.ruleId}`)).toEqual(['a.rs:2:5 useless-format']);
    expect(b.skippedByPrefilter).toBe(a.skippedByPrefilter);
  });

  it('misses when the content changes, and for the same content under another name it hits with that name', async () => {
    const dir = tempDir();
    const cacheDir = path.join(dir, 'cache');
    const c1 = new ResultCache(cacheDir, rules.hash, '1.0.0');
    await scanDir(path.join(dir, 'w'), { 'a.rs': SRC }, c1);
    c1.save();
    const c2 = new ResultCache(cacheDir, rules.hash, '1.0.0');
    const r = await scanDir(path.join(dir, 'w'), { 'a.rs': SRC + '\n// changed\n', 'copy.rs': SRC }, c2);
    expect(r.stats).toMatchObject({ cacheHits: 1, parsed: 1 });
    expect(r.findings.map((f) => f.path)).toEqual(['a.rs', 'copy.rs']);
  });

  it('is invalidated by another rule set or another rxfix version', async () => {
    const dir = tempDir();
    const cacheDir = path.join(dir, 'cache');
    const c1 = new ResultCache(cacheDir, rules.hash, '1.0.0');
    await scanDir(path.join(dir, 'w'), { 'a.rs': SRC }, c1);
    c1.save();
    expect(new ResultCache(cacheDir, rules.hash, '1.0.0').get(c1.key(SRC, {}))).toBeDefined();
    expect(new ResultCache(cacheDir, rules.hash, '1.0.1').get(c1.key(SRC, {}))).toBeUndefined();
    const other = await ruleSetOf(['useless-format']);
    expect(other.hash).not.toBe(rules.hash);
    expect(new ResultCache(cacheDir, other.hash, '1.0.0').get(c1.key(SRC, {}))).toBeUndefined();
  });

  it('keys on the options that change findings', () => {
    const c = new ResultCache(tempDir(), 'h', 'v');
    expect(c.key(SRC, {})).toBe(c.key(SRC, {}));
    expect(c.key(SRC, { includeTests: true })).not.toBe(c.key(SRC, {}));
    expect(c.key(SRC, { crate: { noStd: true, edition: null } })).not.toBe(c.key(SRC, { crate: { noStd: false, edition: null } }));
    expect(c.key(SRC, { severity: new Map([['useless-format', 'error']]) })).not.toBe(c.key(SRC, {}));
  });

  it('round-trips a file result, ignore directives included', () => {
    const src = '// rxfix-ignore-file: redundant-clone-arg\n' + SRC;
    const r = matchSource('x.rs', src, rules, {});
    const back = fromCached(JSON.parse(JSON.stringify(toCached(r))), 'x.rs');
    expect(back).toEqual(r);
  });

  it('ignores a corrupt cache file and overwrites it', async () => {
    const dir = tempDir();
    const c0 = new ResultCache(path.join(dir, 'cache'), rules.hash, '1.0.0');
    mkdirSync(path.dirname(c0.file), { recursive: true });
    writeFileSync(c0.file, '{not json');
    const c1 = new ResultCache(path.join(dir, 'cache'), rules.hash, '1.0.0');
    const r = await scanDir(path.join(dir, 'w'), { 'a.rs': SRC }, c1);
    expect(r.findings).toHaveLength(1);
    expect(c1.save()).toBeNull();
    expect(JSON.parse(readFileSync(c1.file, 'utf8')).format).toBe(1);
  });
});

describe('rxfix scan with the cache', () => {
  it('a warm re-scan parses nothing and prints the same bytes; --no-cache parses again', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'Cargo.toml'), '[package]\nname = "c"\nversion = "0.1.0"\nedition = "2021"\n');
    writeFileSync(path.join(dir, 'src/lib.rs'), SRC);
    writeFileSync(path.join(dir, 'src/b.rs'), CLEAN);
    const args = ['scan', '--format', 'json', '--stats', '--cache-dir', path.join(dir, '.c')];
    const cold = rxfix(args, { cwd: dir });
    expect(cold.code).toBe(1);
    expect(cold.stderr).toContain('rxfix stats: files=2, parsed=2, prefilterSkipped=0, cacheHits=0');
    const warm = rxfix(args, { cwd: dir });
    expect(warm.stderr).toContain('rxfix stats: files=2, parsed=0, prefilterSkipped=0, cacheHits=2');
    expect(warm.stdout).toBe(cold.stdout);
    expect(warm.code).toBe(1);
    const none = rxfix([...args, '--no-cache'], { cwd: dir });
    expect(none.stderr).toContain('parsed=2');
    expect(none.stdout).toBe(cold.stdout);
  });

  it('uses cache-dir from rxfix.toml, and the user cache folder otherwise', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'src/lib.rs'), SRC);
    writeFileSync(path.join(dir, 'rxfix.toml'), 'cache-dir = ".rxfix-cache"\n');
    rxfix(['scan', '--format', 'short'], { cwd: dir });
    expect(readdirSync(path.join(dir, '.rxfix-cache')).filter((n) => n.startsWith('scan-'))).toHaveLength(1);
    const user = path.join(dir, 'usercache');
    rxfix(['scan', '--no-config', '--format', 'short'], { cwd: dir, env: { RXFIX_CACHE_DIR: user } });
    expect(readdirSync(user).filter((n) => n.startsWith('scan-'))).toHaveLength(1);
  });
});
