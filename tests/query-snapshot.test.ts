// The shape query restored from a build-time heap snapshot (query-snapshot.ts) must give the same
// findings as a compiled one, and only be used for the very heap it was made from.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, rxfix, tempDir } from './helpers/cli.js';

const CHILD = path.join(__dirname, 'helpers/snapshot-child.mjs');
const BUILT = path.join(ROOT, 'dist/query-snapshots');
const FIXTURES = path.join(ROOT, 'fixtures/rules');
const files = readdirSync(FIXTURES)
  .sort()
  .map((id) => path.join(FIXTURES, id, 'invalid.rs'));

function run(opts: object, env: NodeJS.ProcessEnv = {}): { how: string; findings: string[] } {
  const r = spawnSync(process.execPath, [CHILD, JSON.stringify({ files, ...opts })], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`snapshot child failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('query snapshots', () => {
  const compiled = run({}, { RXFIX_QUERY_SNAPSHOTS: '0' });

  it('the build made one for the built-in rules, and a fresh scan restores it with the same findings', () => {
    expect(readdirSync(BUILT).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    expect(compiled.how).toBe('compiled');
    expect(compiled.findings.length).toBeGreaterThan(100);
    const restored = run({});
    expect(restored.how).toBe('restored');
    expect(restored.findings).toEqual(compiled.findings);
  }, 60_000);

  it('is not used when the heap differs from the one it was made from', () => {
    const r = run({ parseFirst: true });
    expect(r.how).toBe('compiled');
    expect(r.findings).toEqual(compiled.findings);
  }, 60_000);

  it('is used whatever lies in heap memory the allocator has not handed out', () => {
    const r = run({ dirtyTail: true });
    expect(r.how).toBe('restored');
    expect(r.findings).toEqual(compiled.findings);
  }, 60_000);

  it('a damaged snapshot is ignored and the query compiled', () => {
    const dir = tempDir();
    const name = readdirSync(BUILT).find((f) => f.endsWith('.bin'))!;
    const data = readFileSync(path.join(BUILT, name));
    writeFileSync(path.join(dir, name), data.subarray(0, data.length - 100)); // truncated
    const r = run({ read: [dir] });
    expect(r.how).toBe('compiled');
    expect(r.findings).toEqual(compiled.findings);
    writeFileSync(path.join(dir, name), Buffer.concat([Buffer.from([255, 255, 0, 0]), data.subarray(4)])); // header length wrong
    expect(run({ read: [dir] }).how).toBe('compiled');
  }, 60_000);

  it('a snapshot saved in one process is restored in the next', () => {
    const dir = tempDir();
    expect(run({ read: [], write: dir }).how).toBe('saved');
    expect(readdirSync(dir)).toHaveLength(1);
    const again = run({ read: [dir] });
    expect(again.how).toBe('restored');
    expect(again.findings).toEqual(compiled.findings);
    // and the one saved is the one the build made (the build takes the same steps)
    expect(readdirSync(BUILT)).toContain(readdirSync(dir)[0]);
  }, 60_000);

  it('a configured rule set is compiled once and saved in the cache folder, then restored', () => {
    const dir = tempDir();
    const cache = path.join(dir, 'cache');
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'rxfix.toml'), '[rules]\nuseless-format = "off"\n');
    const lib = (n: number) => `pub fn f${n}(x: &String) -> String { let s = format!("{}", x); g(&x.clone()); s }\n`;
    const scan = (n: number) => {
      writeFileSync(path.join(dir, 'src/lib.rs'), lib(n)); // new content: a result-cache miss
      const r = rxfix(['scan', '--stats', '--format', 'short', '--fail-on', 'never', '--cache-dir', cache, 'src'], { cwd: dir });
      expect(r.code).toBe(0);
      return r;
    };
    const first = scan(1);
    expect(first.stderr).toContain('query=saved');
    expect(readdirSync(path.join(cache, 'queries')).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    const second = scan(2);
    expect(second.stderr).toContain('query=restored');
    expect(second.stdout.replaceAll('f2', 'f1')).toBe(first.stdout);
    expect(second.stdout).toContain('redundant-clone-arg');
    expect(second.stdout).not.toContain('useless-format');
    // --no-cache leaves the cache folder alone: compiled
    expect(rxfix(['scan', '--stats', '--no-cache', '--fail-on', 'never', 'src'], { cwd: dir }).stderr).toContain('query=compiled');
  }, 60_000);
});
