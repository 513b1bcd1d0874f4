// `rxfix bench` on the criterion fixture (criterion from crates.io): the first run builds criterion
// (1.5 to 5 min on 2 busy cores); the scratch area is kept in the OS temp folder so later runs reuse
// it. Only the big time change is asserted (join_words runs about twice as fast without the
// temporary String; a 20 % threshold keeps noisy machines from adding rounds); counts are exact.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';

const BASE = path.join(os.tmpdir(), 'rxfix-test-bench-criterion');

function crate(name: string, edit?: (lib: string) => string): string {
  const dir = path.join(BASE, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(BASE, { recursive: true });
  cpSync(path.resolve('fixtures/crates/bench-criterion'), dir, { recursive: true, filter: (p) => path.basename(p) !== 'target' });
  if (edit) writeFileSync(path.join(dir, 'src/lib.rs'), edit(readFileSync(path.join(dir, 'src/lib.rs'), 'utf8')));
  return dir;
}

// Opt-in (RXFIX_BENCH_CRITERION=1): it needs crates.io and minutes of build on a cold cache; the
// criterion parser itself is covered on recorded files in bench-adapters.test.ts.
describe.runIf(process.env['RXFIX_BENCH_CRITERION'] === '1')('rxfix bench with criterion', () => {
  it('reads sample.json of every benchmark: time with percentiles, and instructions', { timeout: 600_000 }, async () => {
    const a = crate('a');
    // The candidate drops the temporary String per word in join_words.
    const b = crate('b', (lib) => lib.replace('let owned = w.to_string();', 'let owned = *w;'));
    let stdout = '';
    let stderr = '';
    const code = await main(['bench', a, '--baseline', a, '--candidate', b, '--metric', 'time,instructions,allocations', '--format', 'json', '--threshold', '20'], {
      stdout: (s) => (stdout += s),
      stderr: (s) => (stderr += s),
      isTty: false,
      env: { ...process.env, RXFIX_SCRATCH: path.join(BASE, 'scratch') },
    });
    expect(stderr).toBe('');
    expect([0, 1]).toContain(code);
    const rows = (JSON.parse(stdout) as { bench: { name: string; metric: string; unit: string; before: number; after: number; verdict: string; percentiles?: unknown; rounds?: number }[] }).bench;
    expect(rows.filter((r) => r.metric === 'time').map((r) => r.name).sort()).toEqual(['join_words', 'sum_csv']);
    for (const r of rows.filter((x) => x.metric === 'time')) {
      expect(r.rounds).toBeGreaterThanOrEqual(6);
      expect(r.rounds).toBeLessThanOrEqual(18);
      expect(r.percentiles).toBeDefined();
      expect(r.before).toBeGreaterThan(0);
    }
    const blocks = rows.find((r) => r.name === 'join_words' && r.unit === 'blocks')!;
    expect(blocks.before - blocks.after).toBe(5);
    expect(blocks.verdict).toBe('faster');
    expect(rows.find((r) => r.name === 'join_words' && r.metric === 'instructions')!.verdict).toBe('faster');
    expect(rows.find((r) => r.name === 'join_words' && r.metric === 'time')!.verdict).toBe('faster');
    expect(rows.find((r) => r.name === 'sum_csv' && r.unit === 'blocks')!.verdict).toBe('no-change');
    expect(existsSync(path.join(BASE, 'scratch', 'target-a'))).toBe(true);
  });
});
