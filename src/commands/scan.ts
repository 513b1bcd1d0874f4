// `rxfix scan [PATH...]`: find the patterns, print them in one or more formats.
import path from 'node:path';
import { scanFiles, type ScanOutput } from '../engine/scan.js';
import { readRust } from '../engine/source-file.js';
import { scanManifestsFor } from '../engine/manifest.js';
import { sortFindings } from '../engine/match.js';
import type { Finding, Severity } from '../engine/rule.js';
import { EXIT, RxfixError } from '../errors.js';
import { FORMATTERS, FORMAT_NAMES } from '../report/index.js';
import { plain, type Style } from '../report/style.js';
import type { ScanReport } from '../report/types.js';
import { VERSION } from '../version.js';
import { crateInfoFor } from '../workspace/crate-info.js';
import { displayPath, isGenerated, walkRustFiles } from '../workspace/walk.js';
import { setup, splitIds } from './setup.js';

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
    if (!FORMATTERS[f]) throw new RxfixError(`error: unknown format \`${f}\`; use one of ${FORMAT_NAMES.join(', ')}`);
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
  const s = await setup({ paths, config: opts.config, only: splitIds(opts.only), skip: splitIds(opts.skip) });
  const includeTests = opts.includeTests || s.config.includeTests;
  const walked = walkRustFiles(paths, { ignoreGlobs: s.config.ignore, base: s.config.dir, includeTests });
  const stderr: string[] = [...walked.warnings];
  const explicit = new Set(paths.map((p) => path.resolve(p)));
  const files = walked.files.map((abs) => ({ abs, shown: displayPath(abs) }));
  if (files.length === 0) {
    return { exitCode: EXIT.ok, stdout: '', stderr: [...stderr, `rxfix: no Rust files found under ${paths.join(', ')}`].join('\n') + '\n', files: [] };
  }
  const out: ScanOutput = scanFiles({
    files,
    rules: s.ruleSet,
    options: (abs) => ({ severity: s.severity, includeTests, crate: crateInfoFor(abs), optIn: s.optIn }),
    read: (abs, shown) => {
      const r = readRust(abs, shown);
      if (r.ok && !explicit.has(abs) && isGenerated(r.source)) return { ok: false, warning: `note: ${shown}: generated file, skipped` };
      return r;
    },
  });
  stderr.push(...out.warnings.filter((w) => !w.startsWith('note:')));
  const manifests = scanManifestsFor(opts, paths, s.ruleSet, { severity: s.severity, optIn: s.optIn, display: (abs) => displayPath(abs) });
  stderr.push(...manifests.warnings);
  const findings = sortFindings([...out.findings, ...manifests.findings]);
  if (opts.reportUnusedIgnores) {
    for (const u of out.unusedIgnores) stderr.push(`warning: ${u.path}:${u.line}:${u.column}: unused rxfix-ignore for \`${u.id}\`; remove it`);
  }
  const report: ScanReport = { files: out.scanned + manifests.files, findings, sources: new Map([...out.sources, ...manifests.sources]), rules: s.ruleSet.rules.map((r) => r.def), version: VERSION };
  const stdout = toStdout.map((f) => FORMATTERS[f]!(report, style)).join('');
  const written = toFiles.map((t) => ({ path: t.file, text: FORMATTERS[t.format]!(report, plain) }));
  let exitCode = failing(findings, opts.failOn) ? EXIT.findings : EXIT.ok;
  if (opts.reportUnusedIgnores && out.unusedIgnores.length > 0 && opts.failOn !== 'never') exitCode = EXIT.findings;
  return { exitCode, stdout, stderr: stderr.length ? stderr.join('\n') + '\n' : '', files: written };
}
