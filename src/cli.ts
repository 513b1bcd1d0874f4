// The only module that reads argv and the environment, writes stdout/stderr and sets exit codes.
// Commands other than scan are imported when run: a pre-commit `scan --staged` loads only its own.
import { Command, CommanderError, Option } from 'commander';
import { builtinRules } from '../rules/index.js';
import { resolveConfig } from './commands/setup.js';
import { runScan, type CommandResult, type FailOn } from './commands/scan.js';
import { loadUserRules } from './config/user-rules.js';
import { EXIT, RxfixError } from './errors.js';
import { writeFileAtomic } from './io.js';
import { styleFor } from './report/style.js';
import { VERSION } from './version.js';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTty: boolean;
  env: NodeJS.ProcessEnv;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

function emit(io: Io, r: CommandResult): number {
  for (const f of r.files) writeFileAtomic(f.path, f.text);
  if (r.stdout) io.stdout(r.stdout);
  if (r.stderr) io.stderr(r.stderr);
  return r.exitCode;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const style = styleFor(io.isTty, io.env);
  let exitCode: number = EXIT.ok;
  const program = new Command('rxfix')
    .description('Deterministic static optimizer for Rust: find performance anti-patterns, rewrite them, keep what cargo accepts.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run `rxfix --help` for usage)');

  program
    .command('scan')
    .description('find performance patterns in Rust files (default: the current folder)')
    .argument('[paths...]', 'files or folders to scan')
    .option('-f, --format <format>', 'pretty | short | json | sarif | github (repeatable)', collect, [])
    .option('-o, --output <format=file>', 'write one format to a file (repeatable)', collect, [])
    .option('--only <ids>', 'run only these rules (comma-separated, repeatable); enables their opt-in fixes', collect, [])
    .option('--skip <ids>', 'skip these rules (comma-separated, repeatable)', collect, [])
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding is at or above this level').choices(['error', 'warning', 'note', 'never']).default('warning'))
    .option('-c, --config <file>', 'use this rxfix.toml instead of searching for one')
    .option('--no-config', 'ignore rxfix.toml files')
    .option('--include-tests', 'also scan tests/, benches/, examples/, build.rs and #[cfg(test)] code')
    .option('--report-unused-ignores', 'warn about rxfix-ignore comments that silence nothing')
    .option('--staged', 'scan the staged content (the git index) of the staged Rust files, not the working files')
    .option('--diff <rev>', 'report only findings on lines changed since REV (with --staged: between REV and the index)')
    .option('--no-cache', 'neither read nor write the result cache')
    .option('--cache-dir <dir>', 'result cache folder (default: cache-dir in rxfix.toml, else the user cache folder)')
    .option('-j, --jobs <n>', 'worker threads: 0 = by input size and cores (default), 1 = no workers', parseJobs)
    .option('--no-partial', 'parse whole files (default: only the bodies of items where a rule may match)')
    .option('--stats', 'print files, parsed files, prefilter skips, cache hits and workers on stderr')
    .option('--profile <file>', 'rank findings by a profile: `perf script` output, callgrind.out or dhat JSON (repeatable)', collect, [])
    .option('--no-server', 'run here even when an `rxfix server` is running (also: RXFIX_SERVER=0)')
    .action(async (paths: string[], o) => {
      const r = await runScan(
        {
          paths,
          formats: o.format,
          outputs: o.output,
          only: o.only,
          skip: o.skip,
          failOn: o.failOn as FailOn,
          config: o.config,
          includeTests: o.includeTests,
          reportUnusedIgnores: o.reportUnusedIgnores,
          staged: o.staged,
          diff: o.diff,
          cache: o.cache,
          cacheDir: o.cacheDir,
          jobs: o.jobs,
          stats: o.stats,
          profile: o.profile,
          partial: o.partial,
        },
        style,
      );
      exitCode = emit(io, r);
    });

  program
    .command('apply')
    .description('apply safe fixes; with --verify also verify-tier fixes, kept only when cargo check and cargo test agree')
    .argument('[path]', 'file or folder to fix (default: the current folder)')
    .option('--only <ids>', 'fix only these rules (comma-separated, repeatable)', collect, [])
    .option('--skip <ids>', 'skip these rules (comma-separated, repeatable)', collect, [])
    .option('--dry-run', 'print the unified diff, write nothing')
    .option('--diff', 'print the unified diff, write nothing')
    .option('--verify', 'also try verify-tier fixes in a scratch copy; keep those cargo check and cargo test accept')
    .option('--allow-dirty', 'run even when git shows uncommitted changes')
    .option('--features <list>', 'cargo features for the verify build (default: --all-features; repeatable)', collect, [])
    .option('--all-features', 'verify with every feature enabled (the default unless --features)')
    .option('--keep-unverified', 'keep fixes in code the verify build did not compile')
    .option('--report <file>', 'write the JSON report to a file')
    .option('--out <dir>', 'journal folder: events.jsonl, summary.json, final.patch (default rxfix.out/)')
    .option('--timeout <secs>', 'test timeout in seconds (default: max(30, 5 × the baseline test time))', (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new RxfixError(`error: --timeout ${v}: expected a positive number of seconds`);
      return n;
    })
    .option('-c, --config <file>', 'use this rxfix.toml instead of searching for one')
    .option('--no-config', 'ignore rxfix.toml files')
    .option('--bench', 'with --verify: also run the crate\'s benchmarks; fixes that make one slower are rejected (reason bench)')
    .option('--metric <list>', 'with --bench: time | instructions | allocations | peak-heap | cache-misses (default: instructions with valgrind, else time)')
    .option('--rounds <n>', 'with --bench: interleaved rounds per side for time (at least 6)', '6')
    .option('--threshold <pct>', 'with --bench: noise threshold in percent', '2')
    .option('--bench-timeout <s>', 'with --bench: kill a bench run after this many seconds', '300')
    .action(async (p: string | undefined, o) => {
      const benchGate = o.bench ? await (await import('./commands/bench.js')).benchGateFromFlags(o, io.env, io.stderr) : undefined;
      // Loaded on use: apply pulls in verify/fix/execa, ~100 ms of imports a scan does not need.
      const { runApply } = await import('./commands/apply.js');
      const r = await runApply(
        {
          path: p,
          only: o.only,
          skip: o.skip,
          dryRun: o.dryRun,
          diff: o.diff,
          verify: o.verify,
          allowDirty: o.allowDirty,
          features: o.allFeatures ? [] : o.features,
          keepUnverified: o.keepUnverified,
          report: o.report,
          out: o.out,
          timeout: o.timeout,
          config: o.config,
        },
        { style, isTty: io.isTty, env: io.env, progress: io.stderr, ...(benchGate ? { benchGate } : {}) },
      );
      exitCode = emit(io, r);
    });

  const hook = program.command('hook').description('git pre-commit hook');
  hook
    .command('install')
    .description('write .git/hooks/pre-commit running `rxfix scan --staged` (an existing hook is chained, not replaced)')
    .option('--fix', 'apply safe fixes to the staged files first (files with unstaged changes are left alone)')
    .option('--force', 'rewrite an rxfix hook that is already installed')
    .action(async (o) => {
      const { installHook } = await import('./commands/hook.js');
      exitCode = emit(io, installHook({ fix: Boolean(o.fix), force: Boolean(o.force), cwd: process.cwd() }));
    });

  const server = program.command('server').description('a background process that keeps the grammar and rules loaded, so `rxfix scan` (a pre-commit hook) answers at once');
  const idleOption = () => new Option('--idle-timeout <minutes>', 'stop after this many minutes without a scan (0: never)').default(30).argParser(parseIdleMinutes);
  const serverCommand = async () => import('./commands/server.js');
  server
    .command('start')
    .description('start the server in the background; `rxfix scan` uses it while it runs')
    .addOption(idleOption())
    .action(async (o) => {
      exitCode = emit(io, { ...(await (await serverCommand()).startServer({ idleMinutes: o.idleTimeout, env: io.env })), files: [] });
    });
  server
    .command('stop')
    .description('stop the server')
    .action(async () => {
      exitCode = emit(io, { ...(await (await serverCommand()).stopServer(io.env)), files: [] });
    });
  server
    .command('status')
    .description('say whether the server runs (exit 0) or not (exit 1)')
    .action(async () => {
      exitCode = emit(io, { ...(await (await serverCommand()).serverStatus(io.env)), files: [] });
    });
  server
    .command('run')
    .description('run the server in this terminal until stopped (what `start` runs in the background)')
    .addOption(idleOption())
    .action(async (o) => {
      exitCode = await (await serverCommand()).runServer({ idleMinutes: o.idleTimeout, env: io.env, main, progress: io.stderr });
    });

  program
    .command('rules')
    .description('list the rules: id, family, tier and clippy equivalent')
    .addOption(new Option('-f, --format <format>', 'table or json').choices(['table', 'json']).default('table'))
    .option('-c, --config <file>', 'also list the user rules of this rxfix.toml')
    .action(async (o) => {
      const rules = await withUserRules(o.config);
      const { rulesJson, rulesTable } = await import('./commands/rules.js');
      io.stdout(o.format === 'json' ? rulesJson(rules) : await rulesTable(rules, style));
    });

  program
    .command('explain')
    .description("show a rule's documentation with a before/after example")
    .argument('<id>', 'rule id')
    .option('-c, --config <file>', 'also look in the user rules of this rxfix.toml')
    .action(async (id: string, o) => {
      const rules = await withUserRules(o.config);
      const { explain } = await import('./commands/rules.js');
      io.stdout(explain(rules, id, style));
    });

  program
    .command('bench')
    .description("compare two states of a crate with its own benchmarks (time, instructions, allocations, peak-heap, cache-misses)")
    .argument('[path]', 'crate or workspace folder (default: the current folder)')
    .option('--baseline <rev|dir>', 'baseline: a git revision (checked out as a worktree) or a folder', 'HEAD')
    .option('--candidate <rev|dir>', 'candidate: a git revision or a folder (default: the working tree at PATH)')
    .option('--metric <list>', 'time | instructions | allocations | peak-heap | cache-misses, comma-separated (default: instructions with valgrind, else time)')
    .option('--rounds <n>', 'interleaved rounds per side for time (at least 6)', '6')
    .option('--threshold <pct>', 'noise threshold in percent for time verdicts', '2')
    .option('--bench-timeout <s>', 'kill a bench run after this many seconds', '300')
    .option('-f, --format <format>', 'table | json | md', 'table')
    .action(async (p: string | undefined, o) => {
      const { runBench } = await import('./commands/bench.js');
      const r = await runBench({
        ...(p ? { path: p } : {}),
        baseline: o.baseline,
        candidate: o.candidate,
        metric: o.metric,
        rounds: o.rounds,
        threshold: o.threshold,
        benchTimeout: o.benchTimeout,
        format: o.format,
        ...(io.env['RXFIX_SCRATCH'] ? { scratch: io.env['RXFIX_SCRATCH'] } : {}),
        env: io.env,
        ...(io.isTty ? { progress: (m: string) => io.stderr(`rxfix bench: ${m}\n`) } : {}),
      });
      exitCode = emit(io, r);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (e instanceof RxfixError) {
      io.stderr(e.message.endsWith('\n') ? e.message : e.message + '\n');
      return e.exitCode;
    }
    io.stderr(`error: internal error: ${(e as Error).stack ?? e}\nplease report this as an rxfix bug\n`);
    return EXIT.usage;
  }
}

function parseIdleMinutes(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new RxfixError(`error: --idle-timeout ${v}: expected minutes (0: never stop)`);
  return n;
}

function parseJobs(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new RxfixError(`error: --jobs ${v}: expected 0 (automatic) or a number of threads`);
  return n;
}

async function withUserRules(config: string | undefined) {
  const cfg = resolveConfig({ paths: ['.'], config: config ?? undefined });
  return [...builtinRules, ...(await loadUserRules(cfg.ruleFiles))];
}
