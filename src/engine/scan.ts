// Scanning a list of files: read, prefilter, match, suppress; deterministic ordering.
import { matchSource, sortFindings, type MatchOptions } from './match.js';
import type { RuleSet } from './registry.js';
import type { Finding } from './rule.js';
import { readRust } from './source-file.js';
import type { IgnoreDirective } from './suppress.js';

export interface ScanInput {
  /** Absolute path → displayed path. */
  files: readonly { abs: string; shown: string }[];
  rules: RuleSet;
  options: (abs: string) => MatchOptions;
  /** Reads a file; defaults to the working tree (the staged scan reads the index). */
  read?: (abs: string, shown: string) => ReturnType<typeof readRust>;
}

export interface ScanOutput {
  findings: Finding[];
  warnings: string[];
  /** Files read and decoded. */
  scanned: number;
  /** Files the literal prefilter skipped without parsing. */
  skippedByPrefilter: number;
  sources: Map<string, string>;
  unusedIgnores: { path: string; line: number; column: number; id: string }[];
}

export function scanFiles(input: ScanInput): ScanOutput {
  const out: ScanOutput = { findings: [], warnings: [], scanned: 0, skippedByPrefilter: 0, sources: new Map(), unusedIgnores: [] };
  const read = input.read ?? readRust;
  for (const { abs, shown } of input.files) {
    const r = read(abs, shown);
    if (!r.ok) {
      out.warnings.push(r.warning);
      continue;
    }
    out.scanned++;
    const result = matchSource(shown, r.source, input.rules, input.options(abs));
    if (!result.parsed) out.skippedByPrefilter++;
    if (result.parseErrors) out.warnings.push(`warning: ${shown}: syntax errors; findings reported where it parses, no fixes next to the errors`);
    if (result.findings.length > 0) out.sources.set(shown, r.source);
    out.findings.push(...result.findings);
    collectUnused(shown, result.ignores, out);
  }
  sortFindings(out.findings);
  return out;
}

function collectUnused(path: string, ignores: readonly IgnoreDirective[], out: ScanOutput): void {
  for (const d of ignores) {
    for (const id of d.ids) if (!d.used.has(id)) out.unusedIgnores.push({ path, line: d.line, column: d.column, id });
  }
}
