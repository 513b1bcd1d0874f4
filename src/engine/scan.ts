// Scanning a list of files: read, prefilter, match, suppress; deterministic ordering.
import { fromCached, toCached, type ResultCache } from '../cache/results.js';
import { matchSource, shapesRestorable, sortFindings, type FileResult, type MatchOptions } from './match.js';
import { loadRust, preferQuickStart } from './parser.js';
import { lastQueryCompile, querySnapshotsWritable, type QueryCompile } from './query-snapshot.js';
import { mayMatch, type RuleSet } from './registry.js';
import type { Finding } from './rule.js';
import { readRust } from './source-file.js';
import type { IgnoreDirective } from './suppress.js';
import { earlyPoolSize, poolSize, runPool, WorkerPool, type RuleRecipe, type WorkItem } from './workers.js';

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

export interface ScanStats {
  files: number;
  /** Files tree-sitter parsed in this run (cache hits and prefilter skips are not). */
  parsed: number;
  /** Files the prefilter proved clean (counted for cache hits too: the cached result says so). */
  prefilterSkipped: number;
  cacheHits: number;
  workers: number;
  /** How this thread got the rule query: compiled, restored from a snapshot, or none needed. */
  query: QueryCompile;
}

export interface FastScanInput extends ScanInput {
  cache?: ResultCache | null;
  /** Worker threads: undefined = by size (performance-notes §3.3), 1 = this thread only, N = N workers. */
  jobs?: number;
  /** How workers rebuild `rules`; without it everything runs in this thread. */
  recipe?: RuleRecipe;
  /**
   * For small in-thread scans: a rule set of only these rules (the ones whose triggers occur in
   * the files to match), so the Query compiled is small (performance-notes §3.6). Findings are the
   * same: the other rules cannot match these files.
   */
  narrow?: (ruleIds: ReadonlySet<string>) => RuleSet;
  /** Runs once the grammar is loaded, before anything is parsed (setup.ts validate). */
  afterGrammar?: () => Promise<void>;
}

/** Below this many characters to match, the WASM is compiled for a quick start (parser.ts). */
const QUICK_START_CHARS = 256 * 1024;

/** Below this many characters to match in this thread, `narrow` is used. */
const NARROW_CHARS = 512 * 1024;

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

/**
 * scanFiles with the result cache and, for many files, a worker pool. The output equals
 * scanFiles' output for the same input, whatever the cache holds and however many threads run.
 */
export async function scanFilesFast(input: FastScanInput): Promise<ScanOutput & { stats: ScanStats }> {
  // Workers start while this thread reads the files and probes the cache (their start-up, W3, overlaps it).
  const early = input.recipe && input.jobs !== 1 ? earlyPoolSize(input.files.length, input.jobs) : 0;
  const pool = early > 1 ? new WorkerPool(early - 1, input.recipe!) : null; // this thread is a lane too
  try {
    return await scanWith(input, pool);
  } finally {
    await pool?.terminate();
  }
}

async function scanWith(input: FastScanInput, earlyPool: WorkerPool | null): Promise<ScanOutput & { stats: ScanStats }> {
  const out: ScanOutput = { findings: [], warnings: [], scanned: 0, skippedByPrefilter: 0, sources: new Map(), unusedIgnores: [] };
  const stats: ScanStats = { files: 0, parsed: 0, prefilterSkipped: 0, cacheHits: 0, workers: 0, query: 'none' };
  const read = input.read ?? readRust;
  const cache = input.cache ?? null;
  // Sources are not kept between the passes (peak memory): a miss is read again when matched.
  type Slot = { abs: string; shown: string; key: string | null; result: FileResult | null; source: string | null };
  const slots: Slot[] = [];
  const misses: { index: number; opts: MatchOptions }[] = [];
  let missChars = 0;
  for (const { abs, shown } of input.files) {
    const r = read(abs, shown);
    if (!r.ok) {
      out.warnings.push(r.warning);
      continue;
    }
    const opts = input.options(abs);
    const key = cache ? cache.key(r.source, opts) : null;
    const hit = key !== null ? cache!.get(key) : undefined;
    const result = hit ? fromCached(hit, shown) : null;
    if (result) stats.cacheHits++;
    else {
      misses.push({ index: slots.length, opts });
      missChars += r.source.length;
    }
    slots.push({ abs, shown, key, result, source: result && result.findings.length > 0 ? r.source : null });
  }
  const sourceOf = (slot: Slot): string | null => {
    const r = read(slot.abs, slot.shown);
    return r.ok ? r.source : null;
  };
  const done = (index: number, result: FileResult, source: string | null) => {
    const slot = slots[index]!;
    slot.result = result;
    if (result.findings.length > 0) slot.source = source ?? sourceOf(slot);
    if (result.parsed) stats.parsed++;
    if (cache && slot.key) cache.set(slot.key, toCached(result));
  };
  const size = input.recipe && input.jobs !== 1 ? poolSize(misses.length, missChars, input.jobs) : 0;
  if (size > 0) {
    let next = 0;
    const take = (): WorkItem | undefined => {
      for (; next < misses.length; ) {
        const m = misses[next++]!;
        const slot = slots[m.index]!;
        const source = sourceOf(slot);
        if (source !== null) return { index: m.index, shown: slot.shown, source, opts: m.opts };
        out.warnings.push(`warning: ${slot.shown}: changed or vanished during the scan, skipped`);
      }
      return undefined;
    };
    let pool = earlyPool;
    if (!pool || pool.size < size - 1) {
      await pool?.terminate();
      pool = new WorkerPool(size - 1, input.recipe!);
    }
    await loadRust();
    await input.afterGrammar?.();
    const lane = (it: WorkItem) => matchSource(it.shown, it.source, input.rules, it.opts);
    stats.workers = (await runPool(take, pool, (i, r, source) => done(i, r, source ?? null), lane)).workers;
  } else {
    await earlyPool?.terminate(); // started for a scan the cache answered, or too small after all
    if (misses.length > 0) {
      if (missChars < QUICK_START_CHARS) preferQuickStart();
      await loadRust();
      await input.afterGrammar?.();
    }
    let rules = input.rules;
    // A smaller rule set compiles faster, unless the whole set's query is restored, or will be
    // from the next run on (query-snapshot.ts): a narrowed set differs from file to file.
    if (input.narrow && misses.length > 0 && missChars < NARROW_CHARS && !shapesRestorable(input.rules) && !querySnapshotsWritable()) {
      const ids = new Set<string>();
      for (const m of misses) {
        const source = sourceOf(slots[m.index]!);
        if (source !== null) for (const r of input.rules.rules) if (r.def.query && !ids.has(r.def.id) && mayMatch(r, source)) ids.add(r.def.id);
      }
      if (ids.size > 0) rules = input.narrow(ids);
    }
    for (const m of misses) {
      const slot = slots[m.index]!;
      const source = sourceOf(slot);
      if (source === null) {
        out.warnings.push(`warning: ${slot.shown}: changed or vanished during the scan, skipped`);
        continue;
      }
      done(m.index, matchSource(slot.shown, source, rules, m.opts), source);
    }
  }
  for (const slot of slots) {
    const result = slot.result;
    if (!result) continue;
    out.scanned++;
    if (!result.parsed) out.skippedByPrefilter++;
    if (result.parseErrors) out.warnings.push(`warning: ${slot.shown}: syntax errors; findings reported where it parses, no fixes next to the errors`);
    if (result.findings.length > 0 && slot.source !== null) out.sources.set(slot.shown, slot.source);
    out.findings.push(...result.findings);
    collectUnused(slot.shown, result.ignores, out);
  }
  sortFindings(out.findings);
  stats.files = out.scanned;
  stats.query = lastQueryCompile;
  stats.prefilterSkipped = out.skippedByPrefilter;
  return { ...out, stats };
}

function collectUnused(path: string, ignores: readonly IgnoreDirective[], out: ScanOutput): void {
  for (const d of ignores) {
    for (const id of d.ids) if (!d.used.has(id)) out.unusedIgnores.push({ path, line: d.line, column: d.column, id });
  }
}
