#!/usr/bin/env node
// `npm run bench:instructions`: how many machine instructions a cold single-thread scan of a fixed
// part of the bench corpus executes, counted by valgrind's cachegrind (every thread, JIT code
// included), and the hash of its JSON output. Wall and CPU times of the same scan vary by several
// per cent on a shared VM; the count varies by about 0.3 %, so a 1 % change shows up in one run.
// This is how the scan's speed work is A/B-tested; `npm run bench:scan` remains the judge of the
// targets (wall time against ast-grep).
//
// Options: --baseline DIR  another rxfix checkout, built (`npm ci && npm run build` there): both
//                          are counted on the same files and compared;
//          --corpus DIR    a folder of vendored crates (default: the pinned bench corpus).
// Needs valgrind (`apt-get install valgrind`).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchOutput } from './lib/cli.js';
import { vendorPinned } from './lib/vendor.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The crates counted: ~14 MB of varied code (a CLI parser, hash tables, a regex parser, serde, syn, tokio with its tests). */
const CRATES = /^(clap_builder|hashbrown|regex-syntax|serde_json|syn|tokio)-\d/;
/** Counts this close are the same: repeated runs of one build differ by up to ~0.3 %. */
const NO_CHANGE = 0.005;

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const { log, die } = benchOutput('instructions');

function checkout(dir) {
  const bin = path.join(dir, 'bin/rxfix.js');
  if (!existsSync(bin) || !existsSync(path.join(dir, 'dist/src/cli.js'))) die(`${dir} is not a built rxfix checkout (run \`npm ci && npm run build\` there)`);
  return bin;
}

/** Instructions executed by a cold single-thread scan of `crates` (cwd `corpus`), and its output's hash. */
function count(bin, corpus, crates) {
  const r = spawnSync(
    'valgrind',
    ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', process.execPath, bin, 'scan', '--jobs', '1', '--no-cache', '--no-server', '--include-tests', '--no-config', '--fail-on', 'never', '--format', 'json', ...crates],
    { cwd: corpus, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, RXFIX_SERVER: '0' } },
  );
  if (r.error) die(`cannot run valgrind: ${r.error.message}`);
  const m = /I\s+refs:\s+([\d,]+)/.exec(r.stderr);
  if (r.status !== 0 || !m) die(`the scan under valgrind failed (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
  return { instructions: Number(m[1].replaceAll(',', '')), output: createHash('sha256').update(r.stdout).digest('hex').slice(0, 12) };
}

const g = (n) => `${(n / 1e9).toFixed(2)} G`;

if (spawnSync('valgrind', ['--version']).error) die('valgrind is not installed: `apt-get install valgrind` (Debian/Ubuntu)');
const current = checkout(ROOT);
const baselineDir = opt('--baseline');
const baseline = baselineDir ? checkout(path.resolve(baselineDir)) : null;
const corpus = opt('--corpus')
  ? path.resolve(opt('--corpus'))
  : vendorPinned(path.join(ROOT, 'bench/corpus'), 'corpus', log, (msg) => die(`cannot fetch the corpus: ${msg}`));
if (!existsSync(corpus)) die(`corpus folder ${corpus} does not exist`);
const crates = readdirSync(corpus).filter((n) => CRATES.test(n)).sort();
if (crates.length === 0) die(`none of the counted crates is in ${corpus}`);

log(`counting ${crates.join(', ')} (about 4 min per build) ...`);
const now = count(current, corpus, crates);
console.log(`this build: ${g(now.instructions)} instructions, output ${now.output}`);
if (baseline) {
  const before = count(baseline, corpus, crates);
  const change = now.instructions / before.instructions - 1;
  const verdict = Math.abs(change) < NO_CHANGE ? 'no change' : change < 0 ? 'fewer' : 'more';
  console.log(`baseline:   ${g(before.instructions)} instructions, output ${before.output}`);
  console.log(`change: ${(change * 100).toFixed(1)} % (${verdict}; within ±${NO_CHANGE * 100} % reads no change); same output: ${now.output === before.output ? 'yes' : 'no'}`);
}
