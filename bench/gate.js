// Honesty checks of the benchmark gate (npm run bench:gate), on fixtures/crates/bench-plain:
//  - A/A: the same code on both sides must be judged no-change for every benchmark in ≥ 19 of 20
//    runs with the time metric and in 20 of 20 with instructions;
//  - an injected 10 % slowdown (EXTRA_WORK_PCT = 10 in a copy of the crate, i.e. 10 % more loop
//    iterations in hash_loop) must be judged slower in ≥ 19 of 20 runs.
// Each run is a full `rxfix bench` comparison (default 6 rounds, 2 % threshold); builds are reused
// between runs (same scratch area), so a run costs its measurements only.
// Env: RXFIX_GATE_RUNS (default 20), RXFIX_GATE_METRICS (default time,instructions).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDetailed } from '../dist/src/commands/bench.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = path.resolve(here, '../fixtures/crates/bench-plain');
const runs = Number(process.env.RXFIX_GATE_RUNS ?? 20);
const metrics = (process.env.RXFIX_GATE_METRICS ?? 'time,instructions').split(',');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rxfix-gate-'));

function copy(name, extraPct) {
  const dst = path.join(tmp, name);
  cpSync(fixture, dst, { recursive: true, filter: (p) => path.basename(p) !== 'target' });
  if (extraPct) {
    const lib = path.join(dst, 'src/lib.rs');
    const text = readFileSync(lib, 'utf8');
    const changed = text.replace('pub const EXTRA_WORK_PCT: u64 = 0;', `pub const EXTRA_WORK_PCT: u64 = ${extraPct};`);
    if (changed === text) throw new Error('bench:gate: the EXTRA_WORK_PCT knob is missing from the fixture');
    writeFileSync(lib, changed);
  }
  return dst;
}

const A = copy('a');
const A2 = copy('a-copy');
const S = copy('slow', 10);

async function compare(candidate, metric, scratch) {
  const { result, output } = await benchDetailed({ path: A, baseline: A, candidate, metric, format: 'json', scratch: path.join(tmp, scratch), env: process.env });
  if (output.exitCode === 2) throw new Error(`bench:gate: rxfix bench failed: ${output.stderr}`);
  return result.rows;
}

const pct = (v) => `${v >= 0 ? '+' : ''}${v.toFixed(2)} %`;
const med = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : NaN;
};

const lines = [];
let failed = false;
const started = Date.now();
for (const metric of metrics) {
  let aaClean = 0;
  const aaFlagged = [];
  for (let i = 0; i < runs; i++) {
    const rows = await compare(A2, metric, `aa-${metric}`);
    const bad = rows.filter((r) => r.verdict !== 'no-change');
    if (bad.length === 0) aaClean++;
    else aaFlagged.push(...bad.map((r) => `${r.name} ${r.unit} ${r.verdict} ${pct(r.changePct ?? NaN)}${r.ci95 ? ` [${pct(r.ci95[0])}, ${pct(r.ci95[1])}]` : ''}${r.note ? ` (${r.note})` : ''}`));
    process.stderr.write(`bench:gate: ${metric} A/A ${i + 1}/${runs}\r`);
  }
  let detected = 0;
  const changes = [];
  const missed = [];
  for (let i = 0; i < runs; i++) {
    const rows = await compare(S, metric, `slow-${metric}`);
    const row = rows.find((r) => r.name === 'hash_loop' && r.metric === metric);
    if (row?.verdict === 'slower') detected++;
    else missed.push(`${row?.verdict} ${pct(row?.changePct ?? NaN)}${row?.ci95 ? ` [${pct(row.ci95[0])}, ${pct(row.ci95[1])}]` : ''}`);
    if (row?.changePct != null) changes.push(row.changePct);
    process.stderr.write(`bench:gate: ${metric} 10 % slowdown ${i + 1}/${runs}\r`);
  }
  const needAA = metric === 'time' ? runs - Math.floor(runs / 20) : runs;
  const needDetect = runs - Math.floor(runs / 20);
  const okAA = aaClean >= needAA;
  const okDetect = detected >= needDetect;
  failed ||= !okAA || !okDetect;
  lines.push(`${metric.padEnd(12)} A/A no-change: ${aaClean}/${runs} (need ≥ ${needAA}) ${okAA ? 'ok' : 'FAIL'}`);
  if (aaFlagged.length) lines.push(`${''.padEnd(12)}   flagged: ${aaFlagged.join('; ')}`);
  lines.push(`${metric.padEnd(12)} 10 % slowdown detected: ${detected}/${runs} (need ≥ ${needDetect}) ${okDetect ? 'ok' : 'FAIL'}; median measured change ${pct(med(changes))}`);
  if (missed.length) lines.push(`${''.padEnd(12)}   missed: ${missed.join('; ')}`);
}
process.stderr.write('\n');
console.log(`rxfix bench:gate on fixtures/crates/bench-plain, ${runs} runs per check, default rounds and threshold (${((Date.now() - started) / 1000).toFixed(0)} s)`);
for (const l of lines) console.log(l);
if (!process.env.RXFIX_GATE_KEEP) rmSync(tmp, { recursive: true, force: true });
else console.log(`kept ${tmp}`);
process.exitCode = failed ? 1 : 0;
