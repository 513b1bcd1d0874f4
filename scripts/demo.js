#!/usr/bin/env node
// `npm run demo`: copies fixtures/crates/demo to a temporary folder, runs `rxfix scan` and then
// `rxfix apply --verify --bench` there, and prints the JSON report. Nothing in the repository changes.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'bin', 'rxfix.js');
const fixture = path.join(repo, 'fixtures', 'crates', 'demo');
// A stable folder, so the scratch copy (keyed by this path) is reused and rebuilds incrementally.
const work = path.join(os.tmpdir(), `rxfix-demo-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`);
const crate = path.join(work, 'demo');

rmSync(crate, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
cpSync(fixture, crate, { recursive: true, filter: (src) => !/[/\\](target|rxfix\.out)$|Cargo\.lock$/.test(src) });

function run(title, args) {
  process.stdout.write(`\n$ rxfix ${args.join(' ')}    # ${title}\n\n`);
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: crate, stdio: 'inherit' });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

process.stdout.write(`rxfix demo in ${crate} (a copy of fixtures/crates/demo)\n`);
run('what rxfix finds', ['scan', '--format', 'short', '--fail-on', 'never']);
const report = path.join(work, 'report.json');
rmSync(report, { force: true });
// The demo crate has a bench (benches/inventory.rs): the gate measures time, and with valgrind
// also exact heap allocations, before and after the kept changes.
const hasValgrind = spawnSync('valgrind', ['--version'], { stdio: 'ignore' }).status === 0;
const metric = hasValgrind ? 'time,allocations' : 'time';
if (!hasValgrind) process.stdout.write('\n(valgrind is not installed: the allocation table is skipped; apt-get install valgrind to see it)\n');
const code = run('keep only what cargo check, cargo test and the benchmarks accept', ['apply', '--verify', '--bench', '--metric', metric, '--report', report]);
if (existsSync(report)) {
  process.stdout.write(`\n${path.relative(process.cwd(), report) || report}:\n${readFileSync(report, 'utf8')}`);
}
process.stdout.write(`\njournal: ${path.join(crate, 'rxfix.out')}/{events.jsonl,summary.json,final.patch}\n`);
process.exitCode = code;
