// `rxfix bench` end to end on small std-only fixture crates: real cargo builds, real valgrind runs,
// assertions on exit codes, one-line errors and the JSON rows (not on timings).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';

const FIX = path.resolve('fixtures/crates');
const TMP = mkdtempSync(path.join(os.tmpdir(), 'rxfix-bench-cli-'));

/** Runs the CLI; calls with the same `scratch` share worktrees and target dirs (incremental builds). */
async function rxfix(args: string[], env: NodeJS.ProcessEnv = process.env, scratch = String(Math.random()).slice(2)) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTty: false, env: { ...env, RXFIX_SCRATCH: path.join(TMP, 'scratch', scratch) } });
  return { code, stdout, stderr };
}

function copyCrate(name: string, as: string): string {
  const dst = path.join(TMP, as);
  cpSync(path.join(FIX, name), dst, { recursive: true, filter: (src) => !src.split(path.sep).includes('target') });
  return dst;
}

interface Entry {
  name: string;
  metric: string;
  unit: string;
  before: number;
  after: number;
  verdict: string;
  note?: string;
  ci95: [number, number] | null;
  percentiles?: { before: { p50: number; p95: number; p99: number } };
}

describe('rxfix bench on fixture crates', () => {
  let plain: string;
  let fewer: string;
  beforeAll(() => {
    plain = copyCrate('bench-plain', 'plain');
    // The candidate drops the temporary String per word: 5 fewer heap blocks per join_words call.
    fewer = copyCrate('bench-plain', 'plain-fewer');
    const lib = path.join(fewer, 'src/lib.rs');
    writeFileSync(lib, readFileSync(lib, 'utf8').replace('let owned = w.to_string();', 'let owned = *w;'));
  });

  it('reports the exact number of allocations a change removes', async () => {
    const r = await rxfix(['bench', plain, '--baseline', plain, '--candidate', fewer, '--metric', 'allocations,instructions', '--format', 'json'], process.env, 'fewer');
    expect(r.stderr).toBe('');
    const rows = (JSON.parse(r.stdout) as { bench: Entry[] }).bench;
    expect(r.code).toBe(rows.some((e) => e.verdict === 'slower') ? 1 : 0);
    const blocks = rows.find((e) => e.name === 'join_words' && e.unit === 'blocks')!;
    expect(blocks.before - blocks.after).toBe(5);
    expect(blocks.after).toBe(2); // per call, startup subtracted: the output String and stdout's line
    expect(blocks.verdict).toBe('faster');
    expect(blocks.metric).toBe('allocations');
    expect(rows.find((e) => e.name === 'join_words' && e.metric === 'instructions')!.verdict).toBe('faster');
    // Counts are whole-process (startup included): an untouched bench keeps its allocations, while
    // its instruction count may move by a few loader relocations when the binary changes.
    for (const e of rows.filter((x) => x.name === 'hash_loop' && x.metric === 'allocations')) expect(e.verdict).toBe('no-change');
  });

  it('compares a git revision (worktree) with the working tree, time and percentiles', async () => {
    const repo = copyCrate('bench-plain', 'repo');
    const git = (...a: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...a], { cwd: repo, stdio: 'pipe' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    const r = await rxfix(['bench', repo, '--metric', 'time,peak-heap', '--format', 'json', '--threshold', '50']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { bench: Entry[]; rounds: number; metrics: string[] };
    expect(doc.rounds).toBe(6);
    expect(doc.metrics).toEqual(['time', 'peak-heap']);
    const t = doc.bench.find((e) => e.name === 'hash_loop' && e.metric === 'time')!;
    expect(t.unit).toBe('ns');
    expect(t.ci95![0]).toBeLessThanOrEqual(t.ci95![1]);
    expect(t.percentiles!.before.p50).toBeLessThanOrEqual(t.percentiles!.before.p99);
    expect(t.verdict).toBe('no-change'); // same code, and a 50 % threshold no noise can cross
    expect(doc.bench.find((e) => e.metric === 'peak-heap')!.verdict).toBe('no-change');
  });

  it('prints a table by default', async () => {
    const t = await rxfix(['bench', plain, '--baseline', plain, '--candidate', fewer, '--metric', 'allocations'], process.env, 'fewer');
    expect(t.stdout).toMatch(/benchmark.*metric.*before.*after.*change.*95 % CI.*verdict/);
    expect(t.stdout).toMatch(/join_words.*allocations \(blocks\).*7.*2.*-71\.43 %.*exact.*faster/);
  });
});

describe('rxfix bench: bad input', () => {
  let bad: string;
  beforeAll(() => {
    bad = copyCrate('bench-bad', 'bad');
  });
  const run = (mode: string, extra: string[] = [], env: NodeJS.ProcessEnv = process.env) => rxfix(['bench', bad, '--baseline', bad, '--candidate', bad, ...extra], { ...env, RXFIX_FIXTURE_MODE: mode });

  it('a crate with no benches says so and exits 0', async () => {
    const none = copyCrate('bench-none', 'none');
    const r = await rxfix(['bench', none, '--baseline', none, '--metric', 'time']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^rxfix: no benches in .*; nothing to compare\n$/);
  });

  it('a panicking bench: exit 2, one line naming it and the panic', async () => {
    const r = await run('panic', ['--metric', 'time']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: bench bad \(baseline\) panicked: fixture bench panics on purpose \(at benches\/bad\.rs:\d+:\d+\)\n$/);
  });

  it('a bench past --bench-timeout is killed and reported', async () => {
    const t0 = Date.now();
    const r = await run('hang', ['--metric', 'time', '--bench-timeout', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: bench bad (baseline): killed after 1 s (--bench-timeout)\n');
    expect(Date.now() - t0).toBeLessThan(60_000);
  });

  it('unparseable output: exit 2 naming the bench and the adapter', async () => {
    const r = await run('garbage', ['--metric', 'time']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: cannot parse the output of bench bad \(baseline\) with the plain adapter: line 1: expected `rxfix-bench: <name> <value> <ns\|us\|ms\|s>`, got `rxfix-bench: spin fast-ish`\n$/);
  });

  it('a bench valgrind cannot run: that metric skipped for it, exit 0', async () => {
    const r = await run('no-valgrind', ['--metric', 'instructions', '--format', 'json']);
    expect(r.code).toBe(0);
    const rows = (JSON.parse(r.stdout) as { bench: Entry[] }).bench;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.verdict).toBe('skipped');
    expect(rows[0]!.note).toMatch(/^baseline: valgrind could not run it/);
  });

  it('--metric instructions without valgrind: exit 2, says what to install', async () => {
    const cargoBin = path.dirname(execFileSync('which', ['cargo'], { encoding: 'utf8' }).trim());
    const r = await run('', ['--metric', 'time,instructions'], { ...process.env, PATH: cargoBin });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: --metric instructions needs valgrind, which is not on PATH; install it (e.g. `apt-get install valgrind` or `dnf install valgrind`) or use --metric time\n',
    );
  });

  it('an unknown metric: exit 2 listing the valid ones', async () => {
    const r = await run('', ['--metric', 'time,speed']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: unknown metric `speed`; valid metrics: time, instructions, allocations, peak-heap, cache-misses\n');
  });

  it('too few rounds and a bad threshold are usage errors', async () => {
    expect((await run('', ['--metric', 'time', '--rounds', '3'])).stderr).toBe('error: --rounds 3: expected an integer ≥ 6\n');
    expect((await run('', ['--metric', 'time', '--threshold', 'x'])).code).toBe(2);
  });

  it('a baseline that is neither a folder nor a revision', async () => {
    const r = await rxfix(['bench', bad, '--baseline', 'no-such-rev-or-dir', '--metric', 'time']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --baseline no-such-rev-or-dir: /);
  });
});
