// Guided fixes that need a crate: `cargo add` in the scratch copy, manifests written back only
// when such a fix is kept.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Candidate } from '../src/verify/candidates.js';
import { planDependencies } from '../src/verify/dependencies.js';
import { cleanupTemp, copyCrate, rxfix } from './helpers/crates.js';

afterAll(cleanupTemp);

const cand = (id: number, ruleId: string, rel: string) => ({ id, ruleId, rel }) as Candidate;

describe('planDependencies', () => {
  it('groups the candidates that need crates by workspace member', () => {
    const deps = (id: string) => (id === 'mutex-hashmap' ? ['dashmap@6'] : undefined);
    const plans = planDependencies([cand(0, 'mutex-hashmap', 'crates/a/src/lib.rs'), cand(1, 'useless-format', 'crates/a/src/lib.rs'), cand(2, 'mutex-hashmap', 'src/main.rs'), cand(3, 'mutex-hashmap', 'crates/a/src/x.rs')], deps, ['', 'crates/a']);
    expect(plans).toEqual([
      { memberRel: '', deps: ['dashmap@6'], candidateIds: [2] },
      { memberRel: 'crates/a', deps: ['dashmap@6'], candidateIds: [0, 3] },
    ]);
    expect(planDependencies([cand(0, 'useless-format', 'src/lib.rs')], deps, [''])).toEqual([]);
  });
});

describe('apply --verify --only mutex-hashmap', () => {
  it('adds dashmap with cargo add, keeps the DashMap rewrite cargo accepts, and writes the manifest', async () => {
    const dir = copyCrate('dashmap-optin');
    const r = await rxfix(['apply', '--verify', '--only', 'mutex-hashmap', '--allow-dirty', '--report', 'r.json'], { cwd: dir });
    expect(r.stderr).not.toContain('cargo add');
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8'));
    expect(report.applied).toEqual([{ ruleId: 'mutex-hashmap', path: 'src/lib.rs', line: 7 }]);
    expect(readFileSync(path.join(dir, 'Cargo.toml'), 'utf8')).toMatch(/\[dependencies\]\ndashmap = "6/);
    expect(readFileSync(path.join(dir, 'src/lib.rs'), 'utf8')).toContain('names: Arc<DashMap<u32, String>>');
  }, 300_000);

  it('plain scan without --only reports the map and proposes no fix', async () => {
    const dir = copyCrate('dashmap-optin');
    const r = await rxfix(['scan', '--format', 'json', '--fail-on', 'never'], { cwd: dir });
    const found = JSON.parse(r.stdout).findings.filter((f: { ruleId: string }) => f.ruleId === 'mutex-hashmap');
    expect(found).toHaveLength(1);
    expect(found[0].fix).toBeNull();
    expect(readFileSync(path.join(dir, 'Cargo.toml'), 'utf8')).not.toMatch(/^dashmap\s*=/m);
  });
});
