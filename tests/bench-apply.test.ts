// `rxfix apply --verify --bench` end to end on fixtures/crates/bench-apply: the kept fix removes a
// String allocation per word, and the report's bench entries show the exact count, with `metric`.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'rxfix-bench-apply-'));

async function rxfix(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTty: false, env: { ...process.env, RXFIX_SCRATCH_DIR: path.join(TMP, 'scratch') } });
  return { code, stdout, stderr };
}

describe('apply --verify --bench', () => {
  it('keeps the fix and reports 5 fewer allocations per call', async () => {
    const dir = path.join(TMP, 'crate');
    cpSync(path.resolve('fixtures/crates/bench-apply'), dir, { recursive: true, filter: (p) => path.basename(p) !== 'target' });
    const report = path.join(TMP, 'report.json');
    const r = await rxfix(['apply', dir, '--verify', '--bench', '--metric', 'allocations', '--allow-dirty', '--report', report, '--out', path.join(TMP, 'out')]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(report, 'utf8')) as { applied: { ruleId: string }[]; rejected: unknown[]; bench: { name: string; metric: string; unit: string; before: number; after: number; verdict: string }[] };
    expect(doc.applied.map((a) => a.ruleId)).toEqual(['to-owned-literal']);
    expect(doc.rejected).toEqual([]);
    const blocks = doc.bench.find((b) => b.unit === 'blocks')!;
    expect(blocks).toMatchObject({ name: 'count_beta (blocks)', metric: 'allocations', verdict: 'faster' });
    expect(blocks.before - blocks.after).toBe(5); // one "beta".to_string() per word, 5 words
    expect(readFileSync(path.join(dir, 'src/lib.rs'), 'utf8')).toContain('if w == "beta" {');
  });

  it('--bench without --verify is a usage error', async () => {
    const r = await rxfix(['apply', path.resolve('fixtures/crates/bench-apply'), '--bench']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --bench needs --verify (benchmarks gate the fixes cargo has already accepted)\n');
  });
});
