// The shape query restored from a build-time heap snapshot (query-snapshot.ts) must give the same
// findings as a compiled one, and only be used for the very heap it was made from.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers/cli.js';

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
});
