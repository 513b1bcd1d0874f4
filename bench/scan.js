#!/usr/bin/env node
// `npm run bench:scan`: rxfix against ast-grep on >= 1 M lines of real Rust, in one run.
//
// Corpus: the crates pinned in bench/corpus/Cargo.toml (+ Cargo.lock), vendored with
// `cargo vendor --locked` into the user cache folder (never into git). FFI binding crates
// (`*-sys`: bindgen/windows-rs output, millions of generated lines nobody writes) are left out
// of the scan; every other vendored crate is scanned by both tools, folder by folder.
//
// Runs, in this order: ast-grep (5 equivalent rules, bench/ast-grep/), rxfix cold (all built-in
// rules, --include-tests, empty cache), rxfix warm (same cache), one-file `--staged` runs, then
// the equality checks: single thread vs worker pool (byte-identical JSON) and item-level
// partial parsing vs full parsing (identical findings).
//
// Options: --runs N (rounds of ast-grep and rxfix cold runs, interleaved; medians and the median
//          of the rounds' ratios; default 1), --quick (skip equality checks),
//          --corpus DIR (use an existing folder of crates), --keep (keep temp folders).
// Environment: RXFIX_BENCH_CORPUS=DIR, same as --corpus.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchOutput } from './lib/cli.js';
import { crateDirs, vendorPinned } from './lib/vendor.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SG = path.join(ROOT, 'node_modules/.bin/ast-grep');
const SG_CONFIG = path.join(ROOT, 'bench/ast-grep/sgconfig.yml');
const MANIFEST_DIR = path.join(ROOT, 'bench/corpus');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const RUNS = Math.max(1, Number(opt('--runs', '1')) || 1);
const QUICK = args.includes('--quick');
const KEEP = args.includes('--keep');

const { log, die } = benchOutput('scan');

// ---------------------------------------------------------------------------------------------
// Corpus (vendoring shared with bench/precision.js)

function corpusDir() {
  const given = opt('--corpus', process.env.RXFIX_BENCH_CORPUS);
  if (given) {
    if (!existsSync(given)) die(`corpus folder ${given} does not exist`);
    return path.resolve(given);
  }
  return vendorPinned(MANIFEST_DIR, 'corpus', log, (msg) =>
    die(`cannot fetch the corpus: ${msg}\nSet RXFIX_BENCH_CORPUS (or --corpus) to a folder of vendored crates to run offline.`),
  );
}

// ---------------------------------------------------------------------------------------------
// Measuring

let TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
function ensureTime() {
  if (TIME || process.platform !== 'linux') return;
  if (process.getuid?.() === 0 && spawnSync('which', ['apt-get']).status === 0) {
    log('installing the Debian `time` package for peak RSS (apt-get install -y time) ...');
    spawnSync('apt-get', ['install', '-y', '-qq', 'time'], { stdio: 'ignore' });
    if (!existsSync('/usr/bin/time')) {
      spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
      spawnSync('apt-get', ['install', '-y', '-qq', 'time'], { stdio: 'ignore' });
    }
  }
  TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  if (!TIME) log('note: /usr/bin/time unavailable (install the Debian `time` package); peak RSS not measured');
}

/** Runs a command; returns wall seconds, peak RSS (MB), exit code, stderr. stdout goes to `outFile`. */
function measure(cmd, argv, { cwd = ROOT, outFile = '/dev/null', env = process.env } = {}) {
  const out = outFile;
  const t0 = process.hrtime.bigint();
  let r;
  let rssKb = NaN;
  if (TIME) {
    const tf = path.join(os.tmpdir(), `rxfix-bench-time-${process.pid}.txt`);
    r = spawnSync('sh', ['-c', `exec "$0" -v -o "${tf}" "$@" > "${out}"`, TIME, cmd, ...argv], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 });
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    try {
      const t = readFileSync(tf, 'utf8');
      rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(t)?.[1]);
      rmSync(tf, { force: true });
    } catch {}
    return { wall, rssMb: rssKb / 1024, code: r.status, stderr: r.stderr ?? '' };
  }
  r = spawnSync('sh', ['-c', `"$0" "$@" > "${out}"`, cmd, ...argv], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { wall, rssMb: NaN, code: r.status, stderr: r.stderr ?? '' };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function summarize(runs) {
  return { wall: median(runs.map((r) => r.wall)), rssMb: Math.max(...runs.map((r) => r.rssMb)), runs };
}

function repeat(n, fn) {
  const rs = [];
  for (let i = 0; i < n; i++) rs.push(fn(i));
  return summarize(rs);
}

function check(r, what, okCodes = [0, 1]) {
  if (!okCodes.includes(r.code)) die(`${what} failed (exit ${r.code}):\n${r.stderr.slice(-3000)}`);
  return r;
}

function stats(stderr) {
  const m = /rxfix stats: (.*)/.exec(stderr);
  if (!m) return {};
  return Object.fromEntries(m[1].split(/,\s*/).map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
}

// ---------------------------------------------------------------------------------------------

const t00 = Date.now();
const load0 = os.loadavg();
if (!existsSync(path.join(ROOT, 'dist/src/cli.js'))) die('dist/ is missing: run `npm run build` (npm run bench:scan does it)');
if (!existsSync(SG)) die('node_modules/.bin/ast-grep is missing: run `npm ci` (@ast-grep/cli is a devDependency)');
const corpus = corpusDir();
const dirs = crateDirs(corpus);
if (dirs.length === 0) die(`no crates under ${corpus}`);
ensureTime();

// Files and lines, as rxfix's walker sees them with --include-tests.
const { walkRustFiles } = await import(path.join(ROOT, 'dist/src/workspace/walk.js'));
const walked = walkRustFiles(dirs, { includeTests: true });
let lines = 0;
let bytes = 0;
for (const f of walked.files) {
  const s = readFileSync(f);
  bytes += s.length;
  for (let i = s.indexOf(10); i >= 0; i = s.indexOf(10, i + 1)) lines++;
}
const cores = os.availableParallelism?.() ?? os.cpus().length;
const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
const sgVersion = execFileSync(SG, ['--version'], { encoding: 'utf8' }).trim();
log(`corpus ${corpus}: ${dirs.length} crates, ${walked.files.length} files, ${lines} lines, ${(bytes / 1e6).toFixed(1)} MB; ${cores} cores`);
if (lines < 1_000_000) log(`warning: the corpus has fewer than 1 M lines (${lines})`);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rxfix-bench-'));
// Run a snapshot of the built package, so a rebuild in the work tree during the run (other work
// going on) cannot change the code under test or invalidate the warm cache half-way.
const SNAP = path.join(tmp, 'rxfix');
mkdirSync(SNAP);
cpSync(path.join(ROOT, 'dist'), path.join(SNAP, 'dist'), { recursive: true, filter: (p) => !p.endsWith('.map') });
cpSync(path.join(ROOT, 'bin'), path.join(SNAP, 'bin'), { recursive: true });
copyFileSync(path.join(ROOT, 'package.json'), path.join(SNAP, 'package.json'));
symlinkSync(path.join(ROOT, 'node_modules'), path.join(SNAP, 'node_modules'));
const BIN = path.join(SNAP, 'bin/rxfix.js');
const hasPartial = execFileSync(process.execPath, [BIN, 'scan', '--help'], { encoding: 'utf8' }).includes('--no-partial');
const cacheDir = path.join(tmp, 'cache');
const rxArgs = ['scan', '--include-tests', '--no-config', '--format', 'json', '--fail-on', 'never', '--stats'];
const NODE = process.execPath;

// 1.-2. ast-grep with 5 rules, rxfix cold with all built-in rules (empty cache each run) and
// rxfix cold with ast-grep's 5 rules, in interleaved rounds: this VM's speed drifts by 20-30 %
// over minutes, so each ratio is taken within a round (paired) and the median of those reported.
const SAME_RULES = readdirSync(path.join(ROOT, 'bench/ast-grep/rules')).filter((f) => f.endsWith('.yml')).map((f) => f.slice(0, -4)).sort();
const sgOut = path.join(tmp, 'ast-grep.json');
const coldOut = path.join(tmp, 'rxfix-cold.json');
const rounds = { sg: [], cold: [], five: [] };
for (let i = 0; i < RUNS; i++) {
  const round = RUNS > 1 ? ` (round ${i + 1} of ${RUNS})` : '';
  log(`ast-grep (${sgVersion}), 5 rules${round} ...`);
  rounds.sg.push(check(measure(SG, ['scan', '-c', SG_CONFIG, '--json=stream', '--inspect', 'summary', ...dirs], { outFile: sgOut }), 'ast-grep', [0, 1]));
  log(`rxfix cold (all built-in rules, empty cache)${round} ...`);
  rmSync(cacheDir, { recursive: true, force: true });
  rounds.cold.push(check(measure(NODE, [BIN, ...rxArgs, '--cache-dir', cacheDir, ...dirs], { outFile: coldOut }), 'rxfix cold'));
  // the same five rules ast-grep runs (bench/ast-grep/rules): the engines compared like for like
  log(`rxfix cold, the ${SAME_RULES.length} rules ast-grep runs (--only ${SAME_RULES.join(',')})${round} ...`);
  rounds.five.push(check(measure(NODE, [BIN, ...rxArgs, '--no-cache', '--only', SAME_RULES.join(','), ...dirs]), 'rxfix cold, 5 rules'));
}
const sg = summarize(rounds.sg);
const cold = summarize(rounds.cold);
const five = summarize(rounds.five);
const pairedRatio = (runs) => median(runs.map((r, i) => r.wall / rounds.sg[i].wall));
const roundRatios = (runs) => runs.map((r, i) => (r.wall / rounds.sg[i].wall).toFixed(2)).join(', ');
const sgFiles = Number(/scannedFileCount=(\d+)/.exec(sg.runs[0].stderr)?.[1] ?? NaN);
const sgMatches = readFileSync(sgOut, 'utf8').split('\n').filter(Boolean).length;
const coldStats = stats(cold.runs[0].stderr);
const fiveStats = stats(five.runs[0].stderr);
log('rxfix warm (cache from the cold run) ...');
const warmOut = path.join(tmp, 'rxfix-warm.json');
const warm = repeat(Math.max(RUNS, 3), () => check(measure(NODE, [BIN, ...rxArgs, '--cache-dir', cacheDir, ...dirs], { outFile: warmOut }), 'rxfix warm'));
const warmStats = stats(warm.runs[0].stderr);
const coldJson = readFileSync(coldOut, 'utf8');
const warmSame = readFileSync(warmOut, 'utf8') === coldJson;
const report = JSON.parse(coldJson);
const ruleCount = JSON.parse(execFileSync(NODE, [BIN, 'rules', '--format', 'json'], { encoding: 'utf8' })).length;

// 4. one-file --staged run in a scratch git repository (a mid-sized file with findings if any)
log('one-file `rxfix scan --staged` ...');
const repo = path.join(tmp, 'repo');
mkdirSync(path.join(repo, 'src'), { recursive: true });
const pick = (() => {
  const withFinding = new Set(report.findings.map((f) => f.path));
  const sized = walked.files.map((f) => ({ f, n: statSync(f).size })).filter((x) => x.n > 8_000 && x.n < 40_000);
  const good = sized.find((x) => withFinding.has(path.relative(ROOT, x.f).split(path.sep).join('/')));
  return (good ?? sized[0] ?? { f: walked.files[0] }).f;
})();
copyFileSync(pick, path.join(repo, 'src/lib.rs'));
writeFileSync(path.join(repo, 'Cargo.toml'), '[package]\nname = "one"\nversion = "0.1.0"\nedition = "2021"\n');
const git = (...a) => execFileSync('git', a, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
git('init', '-q');
git('add', 'Cargo.toml', 'src/lib.rs');
const stagedArgs = [BIN, 'scan', '--staged', '--fail-on', 'never', '--format', 'short'];
// in-process runs first (RXFIX_SERVER=0), then the same runs with an `rxfix server` of the snapshot running
const runtimeDir = path.join(tmp, 'server');
const env1 = { ...process.env, RXFIX_CACHE_DIR: path.join(tmp, 'staged-cache'), RXFIX_SERVER: '0', RXFIX_RUNTIME_DIR: runtimeDir };
check(measure(NODE, stagedArgs, { cwd: repo, env: env1 }), 'rxfix --staged'); // warm the OS file cache
let hyperfine = spawnSync('hyperfine', ['--version']).status === 0;
if (!hyperfine && process.getuid?.() === 0 && spawnSync('which', ['apt-get']).status === 0) {
  log('trying to install hyperfine (apt-get install -y hyperfine) ...');
  spawnSync('apt-get', ['install', '-y', '-qq', 'hyperfine'], { stdio: 'ignore' });
  if (spawnSync('hyperfine', ['--version']).status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    spawnSync('apt-get', ['install', '-y', '-qq', 'hyperfine'], { stdio: 'ignore' });
  }
  hyperfine = spawnSync('hyperfine', ['--version']).status === 0;
  if (!hyperfine) log('note: hyperfine unavailable; timing 20 plain runs instead');
}
function timeStaged(extra, label, env = env1) {
  if (hyperfine) {
    const jf = path.join(tmp, `hf-${label}.json`);
    const cmd = [NODE, ...stagedArgs, ...extra].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('hyperfine', ['-N', '-w', '3', '-r', '20', '-i', '--export-json', jf, cmd], { cwd: repo, env, encoding: 'utf8' });
    if (r.status === 0) {
      const res = JSON.parse(readFileSync(jf, 'utf8')).results[0];
      return { wall: res.median, min: res.min, max: res.max, how: 'hyperfine -N, 20 runs, median' };
    }
  }
  const rs = repeat(20, () => measure(NODE, [...stagedArgs, ...extra], { cwd: repo, env }));
  return { wall: rs.wall, min: Math.min(...rs.runs.map((r) => r.wall)), max: Math.max(...rs.runs.map((r) => r.wall)), how: '20 runs, median', rssMb: rs.rssMb };
}
const nodeBase = (() => {
  const rs = repeat(10, () => measure(NODE, ['-e', '0'], { cwd: repo }));
  return rs.wall;
})();
const stagedMiss = timeStaged(['--no-cache'], 'miss');
const stagedHit = timeStaged([], 'hit');
log('one-file `rxfix scan --staged` with `rxfix server` running ...');
const envServer = { ...env1, RXFIX_SERVER: '1' };
check(measure(NODE, [BIN, 'server', 'start'], { cwd: repo, env: envServer }), 'rxfix server start');
const stagedOut = (env) => spawnSync(NODE, [...stagedArgs, '--no-cache'], { cwd: repo, env, encoding: 'utf8' });
const local = stagedOut(env1);
const viaServer = stagedOut(envServer);
const serverSame = local.status === viaServer.status && local.stdout === viaServer.stdout && local.stderr === viaServer.stderr;
const served = (spawnSync(NODE, [BIN, 'server', 'status'], { env: envServer, encoding: 'utf8' }).stdout.match(/(\d+) scans? served/) ?? [])[1];
const serverMiss = timeStaged(['--no-cache'], 'server-miss', envServer);
const serverHit = timeStaged([], 'server-hit', envServer);
spawnSync(NODE, [BIN, 'server', 'stop'], { env: envServer });

// 5. equality checks
let jobsSame = null;
let partialSame = null;
if (!QUICK) {
  log('equality: single thread (--jobs 1) vs the worker pool ...');
  const one = path.join(tmp, 'rxfix-jobs1.json');
  check(measure(NODE, [BIN, ...rxArgs, '--no-cache', '--jobs', '1', ...dirs], { outFile: one }), 'rxfix --jobs 1');
  jobsSame = readFileSync(one, 'utf8') === coldJson;
  if (hasPartial) {
    log('equality: full parsing (--no-partial) vs item-level partial parsing ...');
    const full = path.join(tmp, 'rxfix-full.json');
    check(measure(NODE, [BIN, ...rxArgs, '--no-cache', '--no-partial', ...dirs], { outFile: full }), 'rxfix --no-partial');
    partialSame = readFileSync(full, 'utf8') === coldJson;
  }
}

// ---------------------------------------------------------------------------------------------
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
const f3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const mb = (x) => (Number.isFinite(x) ? `${x.toFixed(0)} MB` : 'n/a');
const yes = (b) => (b === null ? (QUICK ? 'not checked (--quick)' : 'not checked (no --no-partial)') : b ? 'yes' : 'NO');
const lines_ = [
  '',
  `rxfix ${version} vs ${sgVersion} — ${new Date().toISOString()}`,
  `machine: ${cores} cores (${os.cpus()[0]?.model ?? '?'}), node ${process.version}; timed runs per tool: ${RUNS} (median${RUNS > 1 ? '; ast-grep and rxfix cold interleaved' : ''})`,
  `load average (1 min) at start / end: ${load0[0].toFixed(1)} / ${os.loadavg()[0].toFixed(1)}; \`node -e 0\` takes ${f3(nodeBase)} s here (about 0.08 s on an idle machine)`,
  `corpus: ${dirs.length} crates (bench/corpus/Cargo.lock, *-sys bindings excluded) in ${corpus}`,
  `        ${walked.files.length} files, ${lines.toLocaleString('en-US')} lines, ${(bytes / 1e6).toFixed(1)} MB (ast-grep scanned ${sgFiles} files)`,
  '',
  'run                                   wall s    peak RSS   notes',
  `ast-grep, 5 rules                     ${f2(sg.wall).padStart(6)}   ${mb(sg.rssMb).padStart(9)}   ${sgMatches} matches`,
  `rxfix cold, ${String(ruleCount).padEnd(2)} rules (all built-in)   ${f2(cold.wall).padStart(6)}   ${mb(cold.rssMb).padStart(9)}   ${report.summary.findings} findings; workers=${coldStats.workers ?? '?'}; parsed ${coldStats.parsed ?? '?'} files, prefilter skipped ${coldStats.prefilterSkipped ?? '?'}`,
  `rxfix cold, the same ${SAME_RULES.length} rules         ${f2(five.wall).padStart(6)}   ${mb(five.rssMb).padStart(9)}   --only ${SAME_RULES.join(',')}; parsed ${fiveStats.parsed ?? '?'} files, prefilter skipped ${fiveStats.prefilterSkipped ?? '?'}`,
  `rxfix warm cache                      ${f2(warm.wall).padStart(6)}   ${mb(warm.rssMb).padStart(9)}   cache hits ${warmStats.cacheHits ?? '?'}/${warmStats.files ?? '?'}, parsed ${warmStats.parsed ?? '?'}; output identical to cold: ${warmSame ? 'yes' : 'NO'}`,
  `rxfix --staged, 1 file, cache miss    ${f3(stagedMiss.wall).padStart(6)}   ${''.padStart(9)}   ${stagedMiss.how} (min ${f3(stagedMiss.min)}, max ${f3(stagedMiss.max)}); ${path.basename(path.dirname(path.dirname(pick)))}/${path.basename(pick)}, ${statSync(pick).size} bytes`,
  `rxfix --staged, 1 file, cache hit     ${f3(stagedHit.wall).padStart(6)}   ${''.padStart(9)}   ${stagedHit.how} (min ${f3(stagedHit.min)}, max ${f3(stagedHit.max)})`,
  `  the same with \`rxfix server\` running: cache miss ${f3(serverMiss.wall)} (min ${f3(serverMiss.min)}, max ${f3(serverMiss.max)}), hit ${f3(serverHit.wall)} (min ${f3(serverHit.min)}, max ${f3(serverHit.max)}); output identical to in-process: ${serverSame ? 'yes' : 'NO'}; answered by the server: ${served === '1' ? 'yes' : `NO (${served ?? '?'} scans served)`}`,
  '',
  `ratio rxfix cold / ast-grep:          ${f2(pairedRatio(cold.runs))}   (target <= 1.00)${RUNS > 1 ? `; median of the rounds' ratios ${roundRatios(cold.runs)}` : ''}`,
  `ratio rxfix cold, same 5 rules / ast-grep: ${f2(pairedRatio(five.runs))}   (the engines like for like; not the target)`,
  `ratio rxfix cold / warm:              ${f2(cold.wall / warm.wall)}x  (target >= 10)`,
  `one-file --staged (miss / hit):       ${f3(stagedMiss.wall)} s / ${f3(stagedHit.wall)} s in-process; ${f3(serverMiss.wall)} s / ${f3(serverHit.wall)} s with \`rxfix server\`  (target < 0.3 s)`,
  `peak RSS rxfix cold / ast-grep:       ${mb(cold.rssMb)} / ${mb(sg.rssMb)}  (target < 500 MB)`,
  `prefilter: ${coldStats.prefilterSkipped ?? '?'} of ${coldStats.files ?? '?'} files skipped without parsing (literal triggers derived from the rules' queries)`,
  `worker pool output byte-identical to --jobs 1: ${yes(jobsSame)}`,
  hasPartial ? `partial parsing findings identical to full parsing: ${yes(partialSame)}` : 'item-level partial parsing: not used (rules read whole files: declarations, uses, struct literals; see issue 7 notes)',
  `total bench time ${((Date.now() - t00) / 1000).toFixed(0)} s`,
  '',
];
process.stdout.write(lines_.join('\n'));
if (!KEEP) rmSync(tmp, { recursive: true, force: true });
else log(`kept ${tmp}`);
if (jobsSame === false || partialSame === false || !warmSame || !serverSame || served !== '1') process.exitCode = 1;
