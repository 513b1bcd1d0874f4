#!/usr/bin/env node
// npm run bench:precision — how precise are the rules on real code?
// 1. Every rule over the benchmark corpus (bench/corpus, >= 1 M lines): findings per rule and tier.
//    `--sample N` prints N findings per fixable rule with their line and proposed edit, for review.
// 2. Every `safe` fix applied (plain `rxfix apply`) to each crate pinned in bench/precision, copies
//    in a temporary folder: `cargo check --all-targets` and `cargo test` before and after. A safe
//    fix must never break either: any failure makes the script exit 1.
// Options: --corpus DIR (or RXFIX_BENCH_CORPUS), --skip-corpus, --skip-crates, --sample N,
//          --rule ID (only this rule's samples), --keep (keep the work folder).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseToml } from 'smol-toml';
import { benchOutput } from './lib/cli.js';
import { crateDirs, vendorPinned } from './lib/vendor.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin/rxfix.js');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const { log, die } = benchOutput('precision');

function rxfix(argv, cwd = ROOT) {
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) die(`cannot run rxfix: ${r.error.message}`);
  return r;
}

function cargo(argv, cwd, target) {
  const started = Date.now();
  const r = spawnSync('cargo', argv, { cwd, encoding: 'utf8', env: { ...process.env, CARGO_TARGET_DIR: target, CARGO_TERM_COLOR: 'never' }, maxBuffer: 1 << 28 });
  return { ok: r.status === 0, seconds: (Date.now() - started) / 1000, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r) => r.map((v, c) => (typeof v === 'number' ? String(v).padStart(widths[c]) : String(v).padEnd(widths[c]))).join('  ')).join('\n');
}

// ---------------------------------------------------------------------------------------------
// 1. Rules over the corpus

function corpusCounts() {
  const given = opt('--corpus', process.env.RXFIX_BENCH_CORPUS);
  const corpus = given ? path.resolve(given) : vendorPinned(path.join(ROOT, 'bench/corpus'), 'corpus', log, (m) => die(`cannot fetch the corpus: ${m}`));
  if (!existsSync(corpus)) die(`corpus folder ${corpus} does not exist`);
  const dirs = crateDirs(corpus);
  log(`scanning ${dirs.length} crates of ${corpus} with every rule ...`);
  const started = Date.now();
  const r = rxfix(['scan', '--format', 'json', '--include-tests', '--fail-on', 'never', ...dirs]);
  if (r.status !== 0) die(`rxfix scan failed (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
  const doc = JSON.parse(r.stdout);
  const seconds = (Date.now() - started) / 1000;
  const rules = JSON.parse(rxfix(['rules', '--format', 'json']).stdout);
  const rows = [['rule', 'tier', 'findings', 'with fix']];
  for (const rule of rules) {
    const mine = doc.findings.filter((f) => f.ruleId === rule.id);
    rows.push([rule.id, rule.tier, mine.length, mine.filter((f) => f.fix).length]);
  }
  console.log(`\nRules over the corpus: ${doc.summary.files} files, ${doc.findings.length} findings, ${seconds.toFixed(1)} s\n`);
  console.log(table(rows));
  const sample = Number(opt('--sample', '0'));
  if (sample > 0) printSamples(doc.findings, sample, corpus);
}

function printSamples(findings, n, corpus) {
  const only = opt('--rule', null);
  const byRule = new Map();
  for (const f of findings) {
    if (!f.fix || (only && f.ruleId !== only)) continue;
    if (!byRule.has(f.ruleId)) byRule.set(f.ruleId, []);
    byRule.get(f.ruleId).push(f);
  }
  for (const [id, list] of [...byRule].sort()) {
    // an even spread over the corpus, not the first files only
    const step = Math.max(1, Math.floor(list.length / n));
    console.log(`\n== ${id}: ${Math.min(n, list.length)} of ${list.length}`);
    for (let i = 0, shown = 0; i < list.length && shown < n; i += step, shown++) {
      const f = list[i];
      const abs = path.resolve(ROOT, f.path);
      const line = existsSync(abs) ? readFileSync(abs, 'utf8').split('\n')[f.line - 1]?.trim() : '?';
      console.log(`${path.relative(corpus, abs)}:${f.line}:${f.column} [${f.fix.tier}]\n    ${line}\n    → ${f.fix.edits.map((e) => JSON.stringify(e.text)).join(' ')}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Safe fixes on crates with test suites

function checkAll(dir, target) {
  // benches of some crates need nightly (#![feature(test)]); fall back to the stable targets
  const all = cargo(['check', '--all-targets', '-q'], dir, target);
  if (all.ok) return { ok: true, how: '--all-targets', seconds: all.seconds };
  const some = cargo(['check', '--lib', '--bins', '--tests', '--examples', '-q'], dir, target);
  return { ok: some.ok, how: '--lib --bins --tests --examples', seconds: all.seconds + some.seconds, output: some.output };
}

function crateResults() {
  const vendored = vendorPinned(path.join(ROOT, 'bench/precision'), 'precision', log, (m) => die(`cannot fetch the crates: ${m}`));
  const work = mkdtempSync(path.join(os.tmpdir(), 'rxfix-precision-'));
  const target = path.join(work, 'target');
  const rows = [['crate', 'check', 'tests before', 'safe fixes', 'check after', 'tests after']];
  let failures = 0;
  // the pinned crates themselves, not their vendored dependencies
  const pinned = Object.keys(parseToml(readFileSync(path.join(ROOT, 'bench/precision/Cargo.toml'), 'utf8')).dependencies);
  for (const src of crateDirs(vendored).filter((d) => pinned.some((p) => new RegExp(`^${p}-\\d`).test(path.basename(d))))) {
    const name = path.basename(src);
    const dir = path.join(work, name);
    cpSync(src, dir, { recursive: true });
    rmSync(path.join(dir, '.cargo-checksum.json'), { force: true });
    log(`${name}: baseline ...`);
    const check0 = checkAll(dir, target);
    const test0 = cargo(['test', '-q'], dir, target);
    if (!check0.ok || !test0.ok) {
      rows.push([name, check0.ok ? 'pass' : 'FAIL', test0.ok ? 'pass' : 'FAIL', '-', '-', '-']);
      log(`${name}: baseline fails, skipped:\n${(check0.output ?? test0.output).slice(-1500)}`);
      continue;
    }
    const before = JSON.parse(rxfix(['scan', '--format', 'json', '--fail-on', 'never', '.'], dir).stdout);
    const safe = before.findings.filter((f) => f.fix && f.fix.tier === 'safe').length;
    const applied = rxfix(['apply', '.'], dir);
    if (applied.status !== 0) {
      failures++;
      rows.push([name, 'pass', 'pass', `apply exit ${applied.status}`, '-', '-']);
      log(`${name}: rxfix apply failed:\n${applied.stderr.slice(-1500)}`);
      continue;
    }
    log(`${name}: ${safe} safe findings applied; checking ...`);
    const check1 = checkAll(dir, target);
    const test1 = check1.ok ? cargo(['test', '-q'], dir, target) : { ok: false, output: '' };
    if (!check1.ok || !test1.ok) {
      failures++;
      log(`${name}: a safe fix broke the crate:\n${(check1.output ?? test1.output ?? '').slice(-3000)}`);
      log(`${name}: diff:\n${spawnSync('diff', ['-ru', src, dir, '-x', 'target', '-x', 'Cargo.lock', '-x', '.cargo-checksum.json'], { encoding: 'utf8' }).stdout.slice(0, 4000)}`);
    }
    rows.push([name, `pass (${check0.how})`, 'pass', safe, check1.ok ? 'pass' : 'FAIL', test1.ok ? 'pass' : 'FAIL']);
  }
  console.log(`\nSafe fixes on crates with test suites (work folder ${work}):\n`);
  console.log(table(rows));
  if (!flag('--keep')) rmSync(work, { recursive: true, force: true });
  return failures;
}

if (!existsSync(path.join(ROOT, 'dist/src/cli.js'))) die('rxfix is not built: run `npm run build` first');
if (!flag('--skip-corpus')) corpusCounts();
const failures = flag('--skip-crates') ? 0 : crateResults();
if (failures > 0) {
  console.log(`\n${failures} crate(s) broken by safe fixes: a safe rule is wrong.`);
  process.exit(1);
}
console.log('\nno crate broken by safe fixes');
