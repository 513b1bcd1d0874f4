// `rxfix scan [PATH...]`: find the patterns, print them in one or more formats.
import { statSync } from 'node:fs';
import path from 'node:path';
import { codeFingerprint, defaultCacheDir, ResultCache } from '../cache/results.js';
import { useQuerySnapshotCache } from '../engine/query-snapshot.js';
import { scanFilesFast, type ScanOutput } from '../engine/scan.js';
import { decodeRust, readRust } from '../engine/source-file.js';
import { scanManifestsFor } from '../engine/manifest.js';
import { sortFindings } from '../engine/match.js';
import type { Finding, Severity } from '../engine/rule.js';
import { EXIT, RxfixError } from '../errors.js';
import { FORMAT_NAMES, isFormat, loadFormatter } from '../report/index.js';
import { plain, type Style } from '../report/style.js';
import type { Formatter, ScanReport } from '../report/types.js';
import { VERSION } from '../version.js';
import { crateInfoFor } from '../workspace/crate-info.js';
import { displayPath, isGenerated, walkRustFiles } from '../workspace/walk.js';
import { changedLines, indexBlobs, repoRoot, stagedPaths, untrackedPaths, type ChangedLines } from '../workspace/git.js';
import { setup, splitIds } from './setup.js';
import { WORKER_RULES_MODULE } from './worker-rules.js';
import { compileRuleSet } from '../engine/registry.js';

export type FailOn = Severity | 'never';

export interface ScanOptions {
  paths: string[];
  formats: string[];
  outputs: string[];
  only?: string[];
  skip?: string[];
  failOn: FailOn;
  config?: string | false;
  includeTests?: boolean;
  reportUnusedIgnores?: boolean;
  /** Scan the staged content (index blobs) of the staged Rust files. */
  staged?: boolean;
  /** Report only findings on lines changed since this revision. */
  diff?: string;
  /** false: neither read nor write the result cache. */
  cache?: boolean;
  /** false: parse whole files (engine/partial.ts). */
  partial?: boolean;
  cacheDir?: string;
  /** Worker threads: 0/undefined = by input size, 1 = none. */
  jobs?: number;
  /** Print `rxfix stats: ...` (files, parsed, prefilter skips, cache hits, workers, how this thread got its query) on stderr. */
  stats?: boolean;
  /** perf script / callgrind / dhat files: rank findings by the cost of their function (src/bench/profile.ts). */
  profile?: string[];
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Files to write (atomically) on success. */
  files: { path: string; text: string }[];
}

const RANK: Record<Severity, number> = { note: 0, warning: 1, error: 2 };

export function parseFormats(formats: string[], outputs: string[]): { toStdout: string[]; toFiles: { format: string; file: string }[] } {
  const toFiles = outputs.map((o) => {
    const eq = o.indexOf('=');
    if (eq <= 0 || eq === o.length - 1) throw new RxfixError(`error: --output ${o}: expected FORMAT=FILE, e.g. --output sarif=rxfix.sarif`);
    return { format: o.slice(0, eq), file: o.slice(eq + 1) };
  });
  for (const f of [...formats, ...toFiles.map((t) => t.format)]) {
    if (!isFormat(f)) throw new RxfixError(`error: unknown format \`${f}\`; use one of ${FORMAT_NAMES.join(', ')}`);
  }
  const toStdout = formats.length > 0 ? [...new Set(formats)] : toFiles.length > 0 ? [] : ['pretty'];
  return { toStdout, toFiles };
}

export function failing(findings: readonly Finding[], failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return findings.some((f) => RANK[f.severity] >= RANK[failOn]);
}

export async function runScan(opts: ScanOptions, style: Style): Promise<CommandResult> {
  const { toStdout, toFiles } = parseFormats(opts.formats, opts.outputs);
  const paths = opts.paths.length > 0 ? opts.paths : ['.'];
  const git = opts.staged || opts.diff !== undefined ? gitInputs(opts, paths) : null;
  // The grammar loads only when a file is matched here: a scan the cache answers needs no WASM.
  const s = await setup({ paths, config: opts.config, only: splitIds(opts.only), skip: splitIds(opts.skip), grammarWhenNeeded: true });
  const includeTests = opts.includeTests || s.config.includeTests;
  const walked = git ? { files: git.files, warnings: [] } : walkRustFiles(paths, { ignoreGlobs: s.config.ignore, base: s.config.dir, includeTests });
  const stderr: string[] = [...walked.warnings];
  const explicit = new Set(paths.map((p) => path.resolve(p)));
  const files = walked.files.map((abs) => ({ abs, shown: displayPath(abs) }));
  if (files.length === 0) {
    await s.validate(); // a broken user rule is reported even when there is nothing to scan
    const none = git ? `rxfix: no ${opts.staged ? 'staged' : 'changed'} Rust files${opts.diff !== undefined ? ` since ${opts.diff}` : ''}` : `rxfix: no Rust files found under ${paths.join(', ')}`;
    return { exitCode: EXIT.ok, stdout: '', stderr: [...stderr, none].join('\n') + '\n', files: [] };
  }
  const cache = opts.cache === false ? null : new ResultCache(opts.cacheDir ? path.resolve(opts.cacheDir) : (s.config.cacheDir ?? defaultCacheDir()), s.ruleSet.hash, `${VERSION}+${codeFingerprint()}`);
  useQuerySnapshotCache(cache?.dir ?? null);
  const scanned = await scanFilesFast({
    files,
    rules: s.ruleSet,
    options: (abs) => ({ severity: s.severity, includeTests, crate: crateInfoFor(abs), optIn: s.optIn, partial: opts.partial }),
    read: (abs, shown) => {
      const r = git?.blobs ? readBlob(git.blobs, abs, shown) : readRust(abs, shown);
      if (r.ok && !explicit.has(abs) && isGenerated(r.source)) return { ok: false, warning: `note: ${shown}: generated file, skipped` };
      return r;
    },
    cache,
    jobs: opts.jobs || undefined,
    recipe: { module: WORKER_RULES_MODULE, arg: { paths, config: opts.config, only: splitIds(opts.only), skip: splitIds(opts.skip) }, hash: s.ruleSet.hash },
    // lazy: matching compiles its own shape query; user rules are checked (afterGrammar) before any parse
    narrow: (ids) => compileRuleSet(s.ruleSet.rules.map((r) => r.def).filter((d) => ids.has(d.id)), { lazyQuery: true }),
    afterGrammar: s.validate,
  });
  // Nothing parsed: user rules are still checked, unless every result came from the cache, which
  // holds results of this very rule set only (it was checked when they were made).
  if (scanned.stats.cacheHits < scanned.stats.files) await s.validate();
  const out: ScanOutput = scanned;
  if (git?.changed) out.findings = out.findings.filter((f) => onChangedLine(git.changed!, git.root, f));
  const cacheWarning = cache?.save();
  if (cacheWarning) stderr.push(cacheWarning);
  if (opts.stats) {
    const st = scanned.stats;
    stderr.push(`rxfix stats: files=${st.files}, parsed=${st.parsed}, prefilterSkipped=${st.prefilterSkipped}, cacheHits=${st.cacheHits}, workers=${st.workers}, query=${st.query}`);
  }
  stderr.push(...out.warnings.filter((w) => !w.startsWith('note:')));
  const manifests = scanManifestsFor(opts, paths, s.ruleSet, { severity: s.severity, optIn: s.optIn, display: (abs) => displayPath(abs) });
  stderr.push(...manifests.warnings);
  // --staged / --diff: a manifest finding counts only in a staged / changed manifest.
  const manifestFindings = git ? manifests.findings.filter((f) => inGitScope(git, f)) : manifests.findings;
  let findings = sortFindings([...out.findings, ...manifestFindings]);
  // The profile reader is loaded only for --profile.
  if (opts.profile?.length) findings = await (await import('../bench/profile.js')).withProfiles(findings, opts.profile, out.sources, stderr);
  if (opts.reportUnusedIgnores) {
    for (const u of out.unusedIgnores) stderr.push(`warning: ${u.path}:${u.line}:${u.column}: unused rxfix-ignore for \`${u.id}\`; remove it`);
  }
  const report: ScanReport = { files: out.scanned + manifests.files, findings, sources: new Map([...out.sources, ...manifests.sources]), rules: s.ruleSet.rules.map((r) => r.def), version: VERSION };
  const formatters = new Map<string, Formatter>();
  for (const f of [...toStdout, ...toFiles.map((t) => t.format)]) if (!formatters.has(f)) formatters.set(f, await loadFormatter(f));
  const stdout = toStdout.map((f) => formatters.get(f)!(report, style)).join('');
  const written = toFiles.map((t) => ({ path: t.file, text: formatters.get(t.format)!(report, plain) }));
  let exitCode = failing(findings, opts.failOn) ? EXIT.findings : EXIT.ok;
  if (opts.reportUnusedIgnores && out.unusedIgnores.length > 0 && opts.failOn !== 'never') exitCode = EXIT.findings;
  return { exitCode, stdout, stderr: stderr.length ? stderr.join('\n') + '\n' : '', files: written };
}

interface GitInputs {
  root: string;
  files: string[];
  /** Index blobs by absolute path (--staged). */
  blobs: Map<string, Buffer> | null;
  /** Changed lines by path relative to root (--diff). */
  changed: ChangedLines | null;
  /** Staged paths relative to root (--staged). */
  staged: Set<string> | null;
}

function inGitScope(git: GitInputs, f: Finding): boolean {
  const rel = path.relative(git.root, path.resolve(f.path)).split(path.sep).join('/');
  if (git.staged && !git.staged.has(rel)) return false;
  return git.changed ? onChangedLine(git.changed, git.root, f) : true;
}

/** Files for --staged / --diff: staged or changed Rust files, limited to the given paths. */
function gitInputs(opts: ScanOptions, paths: string[]): GitInputs {
  const root = repoRoot(process.cwd());
  const given = opts.paths.map((p) => path.resolve(p));
  const within = (abs: string) => given.length === 0 || given.some((g) => abs === g || abs.startsWith(g.endsWith(path.sep) ? g : g + path.sep));
  const changed = opts.diff !== undefined ? changedLines(root, opts.diff, Boolean(opts.staged)) : null;
  let rels: string[];
  const staged = opts.staged ? new Set(stagedPaths(root)) : null;
  if (staged) rels = [...staged];
  else {
    rels = [...changed!.keys()];
    for (const u of untrackedPaths(root)) {
      if (!changed!.has(u)) {
        rels.push(u);
        changed!.set(u, ALL_LINES);
      }
    }
  }
  if (opts.staged && changed) rels = rels.filter((r) => changed.has(r));
  const files = [...new Set(rels)]
    .filter((r) => r.endsWith('.rs'))
    .map((r) => path.join(root, ...r.split('/')))
    .filter(within)
    .sort();
  void paths;
  const blobs = opts.staged ? new Map([...indexBlobs(root, files.map((f) => path.relative(root, f).split(path.sep).join('/')))].map(([rel, b]) => [path.join(root, ...rel.split('/')), b])) : null;
  return { root, files: opts.staged ? files.filter((f) => blobs!.has(f)) : files.filter(existsFile), blobs, changed, staged };
}

/** Marks an untracked file: every line counts as changed. */
const ALL_LINES: Set<number> = new Set();

function existsFile(abs: string): boolean {
  try {
    return statSync(abs).isFile();
  } catch {
    return false;
  }
}

function readBlob(blobs: Map<string, Buffer>, abs: string, shown: string) {
  const b = blobs.get(abs);
  return b ? decodeRust(b, shown) : { ok: false as const, warning: `warning: ${shown}: not in the index, skipped` };
}

function onChangedLine(changed: ChangedLines, root: string, f: Finding): boolean {
  const rel = path.relative(root, path.resolve(f.path)).split(path.sep).join('/');
  const lines = changed.get(rel);
  if (!lines) return false;
  if (lines === ALL_LINES) return true;
  for (let l = f.line; l <= f.endLine; l++) if (lines.has(l)) return true;
  return false;
}
