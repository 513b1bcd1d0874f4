// `rxfix apply [PATH]`: safe-tier fixes in-process (fixpoint passes, atomic writes), and with
// `--verify` also verify-tier fixes, kept only when cargo check and cargo test agree in a scratch
// copy (src/verify/gate.ts). The user's files change only in the final write phase (journal.ts).
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Table from 'cli-table3';
import { structuredPatch } from 'diff';
import { execa } from 'execa';
import { scanManifests } from '../engine/manifest.js';
import { LineIndex } from '../engine/positions.js';
import { decodeRust } from '../engine/source-file.js';
import type { Finding, Tier } from '../engine/rule.js';
import { EXIT, RxfixError } from '../errors.js';
import { mapBack, pickNonOverlapping } from '../fix/edits.js';
import { fixSource } from '../fix/fixpoint.js';
import { writeFileAtomic } from '../io.js';
import type { Style } from '../report/style.js';
import { materialize, type Candidate, type SourceFile } from '../verify/candidates.js';
import { cargoMetadata, enabledFeatures, ensureCargo, parseTestCounts, type TestCounts, type WorkspaceInfo } from '../verify/cargo.js';
import { findUnverified } from '../verify/cfg.js';
import { addDependencies, dependencyWrites, planDependencies } from '../verify/dependencies.js';
import { runBound, runGate, type BenchEntry, type BenchGate, type Reason } from '../verify/gate.js';
import { interrupted, Interrupts, Journal, publishJournal, recoverInterruptedWrite, sha256, writePhase, type PlannedWrite } from '../verify/journal.js';
import { CargoOracle, failureText } from '../verify/oracle.js';
import { Progress, seconds } from '../verify/progress.js';
import { Scratch } from '../verify/scratch.js';
import { crateInfoFor, crateRootOf } from '../workspace/crate-info.js';
import { displayPath, isGenerated, walkRustFiles } from '../workspace/walk.js';
import type { CommandResult } from './scan.js';
import { setup, splitIds } from './setup.js';

export interface ApplyOptions {
  path?: string;
  only?: string[];
  skip?: string[];
  dryRun?: boolean;
  diff?: boolean;
  verify?: boolean;
  allowDirty?: boolean;
  /** `--features a,b` (repeatable); verify uses `--all-features` when absent. */
  features?: string[];
  keepUnverified?: boolean;
  report?: string;
  out?: string;
  /** Test timeout in seconds (default max(30, 5 × baseline test time)). */
  timeout?: number;
  config?: string | false;
}

export interface ApplyContext {
  style: Style;
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  /** Progress and warnings while the run goes (stderr). */
  progress: (s: string) => void;
  /** `--bench` hook, see src/verify/gate.ts. */
  benchGate?: BenchGate;
}

/** The report of architecture.md ("Output contracts"). */
export interface ApplyReport {
  version: 1;
  baseline: { check: 'pass' | 'skipped'; test: 'pass' | 'skipped' };
  applied: { ruleId: string; path: string; line: number }[];
  rejected: { ruleId: string; path: string; line: number; reason: Reason }[];
  bench: BenchEntry[];
  cargoRuns: number;
}

interface Outcome {
  /** New text per file (only files that change). */
  texts: Map<string, string>;
  applied: { ruleId: string; path: string; rel: string; line: number }[];
  rejected: { ruleId: string; path: string; line: number; reason: Reason; detail?: string }[];
  /** Fixable findings per rule (applied + rejected). */
  found: Map<string, number>;
}

const byPosition = <T extends { path: string; line: number; ruleId: string }>(a: T, b: T) =>
  (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || a.line - b.line || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);

export async function runApply(opts: ApplyOptions, ctx: ApplyContext): Promise<CommandResult> {
  const started = Date.now();
  const given = opts.path ?? '.';
  const target = path.resolve(given);
  if (!existsSync(target)) throw new RxfixError(`error: ${given}: no such file or directory; pass an existing file or folder`);
  const dir = statSync(target).isDirectory() ? target : path.dirname(target);
  const writes = !opts.dryRun && !opts.diff;
  const outDir = path.resolve(opts.out ?? 'rxfix.out');
  const progress = new Progress(ctx.progress, ctx.isTty);
  const interrupts = new Interrupts().install();
  const warnings: string[] = [];
  let held: Scratch | null = null;
  try {
    let ws: WorkspaceInfo | null = null;
    let root: string;
    if (opts.verify) {
      await ensureCargo();
      ws = await cargoMetadata(dir, interrupts.signal);
      root = ws.root;
    } else {
      const found = crateRootOf(path.join(dir, 'x'));
      if (!found) throw new RxfixError(`error: ${given}: not a cargo project (no Cargo.toml here or in a parent folder)`);
      root = found;
    }
    if (writes && !opts.allowDirty) await refuseDirtyTree(root, [outDir, ...(opts.report ? [path.resolve(opts.report)] : [])]);

    const s = await setup({ paths: [target], config: opts.config, only: splitIds(opts.only), skip: splitIds(opts.skip) });
    const includeTests = s.config.includeTests;
    const walked = walkRustFiles([target], { ignoreGlobs: s.config.ignore, base: s.config.dir, includeTests });
    warnings.push(...walked.warnings);
    const files = new Map<string, SourceFile>();
    for (const abs of walked.files) {
      const shown = displayPath(abs);
      const rel = path.relative(root, abs).split(path.sep).join('/');
      if (rel.startsWith('..')) {
        warnings.push(`warning: ${shown}: outside the cargo workspace ${displayPath(root)}, skipped`);
        continue;
      }
      const bytes = readFileSync(abs);
      const r = decodeRust(bytes, shown);
      if (!r.ok) {
        warnings.push(r.warning);
        continue;
      }
      if (abs !== target && isGenerated(r.source)) continue;
      files.set(rel, { rel, abs, path: shown, original: r.source, hash: sha256(bytes) });
    }
    const tiers = new Set<Tier>(opts.verify ? ['safe', 'verify'] : ['safe']);
    const matchOpts = (abs: string) => ({ severity: s.severity, includeTests, crate: crateInfoFor(abs), optIn: s.optIn });

    let outcome: Outcome;
    let baseline: ApplyReport['baseline'] = { check: 'skipped', test: 'skipped' };
    let cargoRuns = 0;
    let bench: BenchEntry[] = [];
    let tests: { before: TestCounts | null; after: TestCounts | null } | null = null;
    let bound: { n: number; k: number; max: number } | null = null;
    let journal: Journal | null = null;
    let scratch: Scratch | null = null;
    let dependencyPlans: PlannedWrite[] = [];

    if (!opts.verify) {
      outcome = fixInProcess(files, (f) => fixSource(f.path, f.original, s.ruleSet, { tiers, match: matchOpts(f.abs) }));
      if (opts.out !== undefined && writes) journal = new Journal(path.join(outDir, 'events.jsonl'));
    } else {
      // Candidates: the first pass of fixable findings, each kept or dropped as a whole.
      const cands: Candidate[] = [];
      const pre: Outcome['rejected'] = [];
      for (const f of files.values()) {
        const r = fixSource(f.path, f.original, s.ruleSet, { tiers, match: matchOpts(f.abs), maxPasses: 1 });
        for (const a of r.applied) cands.push(toCandidate(a.finding, f, a.originalLine));
        for (const x of [...r.rejected, ...r.deferred]) pre.push({ ruleId: x.finding.ruleId, path: f.path, line: x.originalLine, reason: x.reason });
      }
      cands.push(...manifestCandidates(target, root, files, s, tiers, pre, warnings));
      cands.sort((a, b) => byPosition(a, b) || a.column - b.column);
      cands.forEach((c, i) => (c.id = i));

      if (cands.length === 0) {
        // Nothing to verify: no scratch copy, no cargo run.
        const found = new Map<string, number>();
        for (const x of pre) found.set(x.ruleId, (found.get(x.ruleId) ?? 0) + 1);
        outcome = { texts: new Map(), applied: [], rejected: pre, found };
      } else {
        scratch = new Scratch(root, { env: ctx.env, exclude: [outDir] });
        scratch.prepare();
        const journalFile = path.join(scratch.dir, 'events.jsonl');
        scratch.lock();
        held = scratch;
        for (const w of recoverInterruptedWrite(journalFile)) progress.note(w);
        journal = new Journal(journalFile);
        journal.event({ type: 'start', root, candidates: cands.length, argv: process.argv.slice(2) });
        progress.status(`rxfix: copying ${displayPath(root)} to the scratch folder`);
        let synced: ReturnType<Scratch['sync']>;
        try {
          synced = scratch.sync();
        } catch (e) {
          const err = e as NodeJS.ErrnoException;
          throw new RxfixError(`error: cannot copy the workspace to the scratch folder ${scratch.dir} (${err.code ?? err.message}${err.path ? `: ${err.path}` : ''}); your files are unchanged`);
        }
        journal.event({ type: 'sync', scratch: scratch.dir, ...synced });
        interrupts.throwIfInterrupted();

        // Fixes that need a crate get it in the scratch copy (cargo add) before the baseline.
        const memberRels = ws!.members.map((m) => path.relative(root, m.dir).split(path.sep).join('/'));
        const depPlans = planDependencies(cands, (id) => s.ruleSet.byId.get(id)?.def.fixDependencies, memberRels);
        const added = depPlans.length > 0 ? await addDependencies(depPlans, root, scratch.src, journal, interrupts.signal) : { failed: [], manifests: [] };
        const withoutCrate = new Set(added.failed.flatMap((f) => f.plan.candidateIds));
        for (const f of added.failed) progress.note(`warning: \`cargo add ${f.plan.deps.join(' ')}\` failed in the scratch copy, so the fixes that need it are rejected: ${f.output.trim().split('\n').pop() ?? ''}`);
        interrupts.throwIfInterrupted();

        const featureArgs = opts.features && opts.features.length > 0 ? ['--features', splitIds(opts.features).join(',')] : ['--all-features'];
        let lastStart = 0;
        const durations: number[] = [];
        let phaseNow = 'baseline';
        let keptNow = cands.length;
        let rejectedNow = 0;
        let leftNow = 0;
        const status = (n: number) => {
          const avg = durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : 0;
          const eta = avg && !phaseNow.startsWith('baseline') ? ` · ETA ~${seconds(avg * leftNow)}` : '';
          progress.status(`rxfix: [${phaseNow}] cargo run ${n || 'baseline'} · kept ${keptNow} · rejected ${rejectedNow}${eta}`);
        };
        const oracle = new CargoOracle({
          scratch,
          files,
          all: cands,
          journal,
          featureArgs,
          testTimeoutMs: 0,
          signal: interrupts.signal,
          onRun: (phase, n) => {
            if (lastStart && n > 1) durations.push(Date.now() - lastStart);
            lastStart = Date.now();
            phaseNow = phase;
            status(n);
          },
        });

        const bc = await oracle.run('check', [], 'baseline-check');
        if (!bc.ok) throw baselineFailure('cargo check', failureText(bc));
        const bt = await oracle.run('test', [], 'baseline-test', opts.timeout ? opts.timeout * 1000 : undefined);
        if (bt.timedOut) throw baselineFailure('cargo test', `the tests did not finish within --timeout ${opts.timeout}s`);
        if (!bt.ok) throw baselineFailure('cargo test', failureText(bt));
        const baselineTestMs = bt.durationMs;
        baseline = { check: 'pass', test: 'pass' };
        const before = parseTestCounts(bt.stdout);
        oracle.setTestTimeout(opts.timeout ? opts.timeout * 1000 : Math.max(30_000, 5 * baselineTestMs));

        const members = ws!.members.map((m) => ({ ...m, rel: path.relative(root, m.dir).split(path.sep).join('/') })).sort((a, b) => b.rel.length - a.rel.length);
        const requested = opts.features && opts.features.length > 0 ? splitIds(opts.features) : null;
        const unverified = findUnverified(cands, files, scratch.compiledFiles(), {
          features: (rel) => {
            if (!requested) return 'all';
            const m = members.find((x) => x.rel === '' || rel.startsWith(x.rel + '/'));
            return m ? enabledFeatures(m, requested) : new Set();
          },
        });
        const gateSet = (opts.keepUnverified ? cands : cands.filter((c) => !unverified.has(c.id))).filter((c) => !withoutCrate.has(c.id));
        for (const c of cands) {
          const why = unverified.get(c.id);
          if (why) progress.note(`note: ${c.path}:${c.line}: ${c.ruleId} was not compiled by this build (${why}); ${opts.keepUnverified ? 'kept (--keep-unverified)' : 'not kept; pass --keep-unverified to keep it'}`);
        }
        const result = await runGate(gateSet, oracle, {
          baselineCounts: before,
          benchGate: ctx.benchGate,
          scratch,
          signal: interrupts.signal,
          onProgress: (p) => {
            leftNow = p.left;
            keptNow = p.kept;
            rejectedNow = p.rejected;
          },
        });
        progress.clear();
        cargoRuns = result.cargoRuns;
        bench = result.bench;
        tests = { before, after: result.testCounts };
        const k = result.rejected.filter((r) => r.reason === 'compile' || r.reason === 'test').length;
        bound = { n: gateSet.length, k, max: runBound(gateSet.length, k) };
        const kept = [...result.kept].sort((a, b) => a.id - b.id);
        const m = materialize(files, cands, kept);
        const texts = new Map<string, string>();
        for (const [rel, text] of m.texts) if (text !== files.get(rel)!.original) texts.set(rel, text);
        const rejected: Outcome['rejected'] = [...pre];
        for (const r of result.rejected) rejected.push({ ruleId: r.candidate.ruleId, path: r.candidate.path, line: r.candidate.line, reason: r.reason, ...(r.detail ? { detail: r.detail } : {}) });
        if (!opts.keepUnverified) for (const c of cands) if (unverified.has(c.id)) rejected.push({ ruleId: c.ruleId, path: c.path, line: c.line, reason: 'unverified' });
        for (const c of cands) if (withoutCrate.has(c.id)) rejected.push({ ruleId: c.ruleId, path: c.path, line: c.line, reason: 'compile', detail: 'cargo add failed' });
        dependencyPlans = dependencyWrites(depPlans, kept, added, root, scratch.src, displayPath);
        for (const r of result.rejected) {
          const c = r.candidate;
          progress.note(`rejected: ${c.path}:${c.line}: ${c.ruleId} (${r.reason}${r.detail ? `, ${r.detail}` : ''})`);
        }
        const found = new Map<string, number>();
        for (const x of [...cands, ...pre]) found.set(x.ruleId, (found.get(x.ruleId) ?? 0) + 1);
        const applied: Outcome['applied'] = kept.map((c) => ({ ruleId: c.ruleId, path: c.path, rel: c.rel, line: c.line }));
        // Safe fixes that waited behind an overlapping candidate get their later passes now, as in
        // plain apply (safe fixes cannot break the build); gate-rejected ones are never redone.
        const refused = new Set(result.rejected.map((r) => `${r.candidate.rel}:${r.candidate.ruleId}:${r.candidate.start}`));
        for (const [rel, text] of m.texts) {
          if (!rel.endsWith('.rs')) continue;
          const f = files.get(rel)!;
          const keptEdits = kept.filter((c) => c.rel === rel).flatMap((c) => c.edits);
          const post = fixSource(f.path, text, s.ruleSet, { tiers: new Set(['safe']), match: matchOpts(f.abs), allow: (x) => !refused.has(`${rel}:${x.ruleId}:${mapBack(x.start, keptEdits)}`) });
          if (post.applied.length === 0) continue;
          texts.set(rel, post.output);
          const inKept = new LineIndex(text);
          const inOriginal = new LineIndex(f.original);
          for (const a of post.applied) {
            // A fix inside a kept edit's replacement takes the line of the overlap-deferred finding
            // it completes (found in that edit's original span); otherwise its position maps back.
            const at = a.pass === 1 ? a.finding.start : inKept.lineStart(a.originalLine - 1);
            const host = m.placed.get(rel)?.find((p) => at >= p.newStart && at < p.newEnd);
            const hostEdits = host ? cands[host.id]!.edits : [];
            const span = host ? [inOriginal.position(Math.min(...hostEdits.map((e) => e.start))).line, inOriginal.position(Math.max(...hostEdits.map((e) => e.end))).line] : null;
            const waiting = rejected.findIndex(
              (r) => r.reason === 'overlap' && r.path === f.path && r.ruleId === a.finding.ruleId && (span ? r.line >= span[0]! && r.line <= span[1]! : r.line === inOriginal.position(mapBack(at, keptEdits)).line),
            );
            const line = waiting >= 0 ? rejected[waiting]!.line : inOriginal.position(mapBack(at, keptEdits)).line;
            applied.push({ ruleId: a.finding.ruleId, path: f.path, rel, line });
            if (waiting >= 0) rejected.splice(waiting, 1);
            else found.set(a.finding.ruleId, (found.get(a.finding.ruleId) ?? 0) + 1);
          }
        }
        outcome = { texts, applied, rejected, found };
      }
    }
    interrupts.throwIfInterrupted();

    // The final write phase: the only moment the user's files change.
    const plans: PlannedWrite[] = [...outcome.texts].map(([rel, text]) => {
      const f = files.get(rel)!;
      return { abs: f.abs, path: f.path, text, scannedHash: f.hash };
    });
    for (const d of dependencyPlans) {
      if (plans.some((p) => p.abs === d.abs)) warnings.push(`warning: ${d.path}: also changed by another kept fix; add the needed crate by hand (see rxfix.out/final.patch)`);
      else plans.push(d);
    }
    let skippedPaths = new Set<string>();
    if (writes && plans.length > 0) {
      const delayMs = Number(ctx.env.RXFIX_WRITE_PHASE_DELAY_MS ?? 0) || 0;
      const w = interrupts.deferDuring(() => writePhase(plans, { journal, delayMs, onBegin: () => progress.note(`rxfix: writing ${plans.length} file${plans.length === 1 ? '' : 's'}`) }));
      // Signals that arrived during the (synchronous) write phase are delivered now.
      await new Promise((resolve) => setTimeout(resolve, 10));
      skippedPaths = new Set(w.skipped.map((p) => p.path));
      for (const p of w.skipped) warnings.push(`warning: ${p.path} changed since it was scanned; its fixes were not written (run rxfix apply again)`);
    }
    const applied = outcome.applied.filter((a) => !skippedPaths.has(a.path)).map(({ ruleId, path: p, line }) => ({ ruleId, path: p, line }));
    const report: ApplyReport = {
      version: 1,
      baseline,
      applied: applied.sort(byPosition),
      rejected: outcome.rejected.map(({ ruleId, path: p, line, reason }) => ({ ruleId, path: p, line, reason })).sort((a, b) => byPosition(a, b) || (a.reason < b.reason ? -1 : 1)),
      bench,
      cargoRuns,
    };
    const patch = unifiedDiff(plans.filter((p) => !skippedPaths.has(p.path)), files);
    const elapsedMs = Date.now() - started;
    if (opts.report) writeFileAtomic(opts.report, JSON.stringify(report, null, 2) + '\n');
    if (journal && (writes || opts.out !== undefined)) {
      journal.event({ type: 'done', applied: report.applied.length, rejected: report.rejected.length, cargoRuns, elapsedMs });
      const summary = { ...report, tests, bound, elapsedMs, warnings, rejectedDetail: outcome.rejected.filter((r) => r.detail) };
      publishJournal(outDir, journal.file, summary, patch);
    }
    const table = summaryTable(outcome, report, { tests, bound, elapsedMs, verify: Boolean(opts.verify), wrote: writes ? plans.length - skippedPaths.size : 0, outDir: journal && (writes || opts.out !== undefined) ? displayPath(outDir) : null });
    let stdout = table;
    let stderr = warnings.length ? warnings.join('\n') + '\n' : '';
    if (!writes) {
      stdout = patch;
      stderr += table;
    }
    if (interrupts.received) {
      stderr += `rxfix: interrupted during the final write; every file was written in full\n`;
      return { exitCode: EXIT.interrupted, stdout, stderr, files: [] };
    }
    return { exitCode: EXIT.ok, stdout, stderr, files: [] };
  } catch (e) {
    // Once interrupted, whatever failed (a killed cargo metadata, a half-read file) failed because of it.
    if (interrupts.signal.aborted && !(e instanceof RxfixError && e.exitCode === EXIT.interrupted)) throw interrupted();
    throw e;
  } finally {
    progress.clear();
    interrupts.uninstall();
    held?.unlock();
  }
}

function baselineFailure(what: string, output: string): RxfixError {
  const lines = output.trim().split('\n');
  const shown = lines.length > 80 ? ['…', ...lines.slice(-80)] : lines;
  return new RxfixError(`error: \`${what}\` fails before any change, so rxfix cannot tell what its fixes break; fix the crate first (nothing was written)\n${shown.join('\n')}`, EXIT.baselineFails);
}

/**
 * Fixes of manifest rules (Cargo.toml, .cargo/config.toml; opt-in, tier verify) as candidates.
 * Their files join `files`; overlapping ones in a file are rejected as `overlap`.
 */
function manifestCandidates(target: string, root: string, files: Map<string, SourceFile>, s: Awaited<ReturnType<typeof setup>>, tiers: Set<Tier>, rejected: Outcome['rejected'], warnings: string[]): Candidate[] {
  const scan = scanManifests([target], s.ruleSet, { severity: s.severity, optIn: s.optIn, display: (abs) => abs });
  warnings.push(...scan.warnings);
  const byFile = new Map<string, Finding[]>();
  for (const f of scan.findings) {
    if (!f.edits || !tiers.has(f.tier)) continue;
    const rel = path.relative(root, f.path).split(path.sep).join('/');
    if (rel.startsWith('..')) {
      warnings.push(`warning: ${displayPath(f.path)}: outside the cargo workspace; the ${f.ruleId} fix is not tried`);
      continue;
    }
    (byFile.get(rel) ?? byFile.set(rel, []).get(rel)!).push(f);
  }
  const out: Candidate[] = [];
  for (const [rel, findings] of byFile) {
    const abs = path.join(root, rel);
    if (!files.has(rel)) {
      const bytes = readFileSync(abs);
      files.set(rel, { rel, abs, path: displayPath(abs), original: bytes.toString('utf8'), hash: sha256(bytes) });
    }
    const file = files.get(rel)!;
    const { picked, deferred } = pickNonOverlapping(findings);
    for (const f of picked) out.push(toCandidate(f, file, f.line));
    for (const f of deferred) rejected.push({ ruleId: f.ruleId, path: file.path, line: f.line, reason: 'overlap' });
  }
  return out;
}

function toCandidate(f: Finding, file: SourceFile, line: number): Candidate {
  return { id: 0, ruleId: f.ruleId, family: f.family, tier: f.tier, path: file.path, rel: file.rel, line, column: f.column, start: f.start, edits: f.edits!.map(({ start, end, text }) => ({ start, end, text })) };
}

function fixInProcess(files: Map<string, SourceFile>, fix: (f: SourceFile) => ReturnType<typeof fixSource>): Outcome {
  const texts = new Map<string, string>();
  const applied: Outcome['applied'] = [];
  const rejected: Outcome['rejected'] = [];
  const found = new Map<string, number>();
  for (const f of files.values()) {
    const r = fix(f);
    if (r.output !== f.original) texts.set(f.rel, r.output);
    for (const a of r.applied) applied.push({ ruleId: a.finding.ruleId, path: f.path, rel: f.rel, line: a.originalLine });
    for (const x of [...r.rejected, ...r.deferred]) rejected.push({ ruleId: x.finding.ruleId, path: f.path, line: x.originalLine, reason: x.reason });
  }
  for (const x of [...applied, ...rejected]) found.set(x.ruleId, (found.get(x.ruleId) ?? 0) + 1);
  return { texts, applied, rejected, found };
}

/** Refuses a tree with uncommitted changes under the workspace (rxfix's own output aside). */
async function refuseDirtyTree(root: string, own: readonly string[]): Promise<void> {
  const top = await execa('git', ['rev-parse', '--show-toplevel'], { cwd: root, reject: false, stdin: 'ignore' });
  if (top.failed || top.exitCode !== 0) return; // not a git repository (or no git): nothing to compare with
  const st = await execa('git', ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', '.'], { cwd: root, reject: false, stdin: 'ignore' });
  if (st.exitCode !== 0) return;
  const topDir = String(top.stdout).trim();
  const dirty: string[] = [];
  const entries = String(st.stdout).split('\0');
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.length < 4) continue;
    if (e[0] === 'R' || e[0] === 'C') i++; // the rename's source follows
    const abs = path.join(topDir, e.slice(3));
    if (own.some((o) => abs === o || abs.startsWith(o + path.sep))) continue;
    dirty.push(displayPath(abs));
  }
  if (dirty.length > 0) {
    const list = dirty.slice(0, 3).join(', ') + (dirty.length > 3 ? `, and ${dirty.length - 3} more` : '');
    throw new RxfixError(`error: the working tree has uncommitted changes (${list}); commit or stash them first, or pass --allow-dirty`);
  }
}

function unifiedDiff(plans: readonly PlannedWrite[], files: Map<string, SourceFile>): string {
  const byAbs = new Map([...files.values()].map((f) => [f.abs, f]));
  let out = '';
  for (const p of [...plans].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    // manifests changed by `cargo add` are not scanned sources: read their original now
    const original = byAbs.get(p.abs)?.original ?? (existsSync(p.abs) ? readFileSync(p.abs, 'utf8') : '');
    const sp = structuredPatch(`a/${p.path}`, `b/${p.path}`, original, p.text, '', '', { context: 3 });
    out += `--- a/${p.path}\n+++ b/${p.path}\n`;
    for (const h of sp.hunks) {
      out += `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@\n`;
      out += h.lines.join('\n') + '\n';
    }
  }
  return out;
}

interface TableExtras {
  tests: { before: TestCounts | null; after: TestCounts | null } | null;
  bound: { n: number; k: number; max: number } | null;
  elapsedMs: number;
  verify: boolean;
  wrote: number;
  outDir: string | null;
}

const REASONS: Reason[] = ['compile', 'test', 'bench', 'overlap', 'parse', 'unverified'];

function summaryTable(o: Outcome, report: ApplyReport, x: TableExtras): string {
  const rules = [...o.found.keys()].sort();
  const table = new Table({ head: ['rule', 'found', 'applied', ...REASONS.map((r) => `rejected: ${r}`)], style: { head: [], border: [] } });
  for (const id of rules) {
    const rej = (reason: Reason) => report.rejected.filter((r) => r.ruleId === id && r.reason === reason).length;
    table.push([id, o.found.get(id) ?? 0, report.applied.filter((a) => a.ruleId === id).length, ...REASONS.map(rej)]);
  }
  const lines: string[] = [];
  if (rules.length > 0) lines.push(table.toString());
  else lines.push(`no fixable findings${x.verify ? '' : ' in the safe tier (try --verify)'}`);
  const counts = (c: TestCounts | null) => (c ? `${c.passed} passed${c.failed ? `, ${c.failed} failed` : ''}${c.ignored ? `, ${c.ignored} ignored` : ''}` : 'none found');
  if (x.tests) lines.push(`tests: before ${counts(x.tests.before)}; after ${counts(x.tests.after)}`);
  if (x.bound) lines.push(`cargo runs: ${report.cargoRuns} after the baseline (bound 2 + 2·k·⌈log2 N⌉ = ${x.bound.max} with N = ${x.bound.n}, k = ${x.bound.k})`);
  else if (!x.verify) lines.push('cargo runs: 0 (safe fixes only; --verify also tries verify-tier fixes under cargo check and cargo test)');
  lines.push(`time: ${seconds(x.elapsedMs)}`);
  lines.push(x.wrote > 0 ? `wrote ${x.wrote} file${x.wrote === 1 ? '' : 's'}${x.outDir ? `; journal, summary and patch in ${x.outDir}/` : ''}` : x.outDir ? `no file changed; journal in ${x.outDir}/` : 'no file changed');
  return lines.join('\n') + '\n';
}
