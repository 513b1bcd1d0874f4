// Result cache (performance-notes.md §3.1): per file, the match result keyed by the file's content,
// the options that change findings, the rule set (RuleSet.hash) and rxfix's version. A warm
// re-scan of unchanged files reads and hashes them and parses nothing.
//
// Storage: one JSON file per (version, rule-set hash) in the cache folder, loaded once and
// written once (atomically) per run: thousands of tiny files would cost more syscalls than the
// lookups they save. Concurrent runs: the last writer wins, which only loses entries.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MatchOptions } from '../engine/match.js';
import type { Finding } from '../engine/rule.js';
import type { IgnoreDirective } from '../engine/suppress.js';
import { writeFileAtomic } from '../io.js';
export { defaultCacheDir } from './dir.js';

/** What is cached of one file's match (paths are not: the same content may live elsewhere). */
export interface CachedResult {
  findings: Omit<Finding, 'path'>[];
  parseErrors: boolean;
  parsed: boolean;
  ignores: { ids: string[]; fileWide: boolean; line: number; column: number; used: string[] }[];
}

/** Entries kept per cache file (the oldest are dropped first). */
const MAX_ENTRIES = 100_000;
/** Cache files of other rule sets / versions untouched for this long are deleted. */
const STALE_MS = 30 * 24 * 3600 * 1000;
const FORMAT = 1;
/** Cache files kept in the folder (one per rule set and rxfix build); the least recent go first. */
const MAX_FILES = 16;

let fingerprint: string | undefined;
/** Set by scripts/bundle.js to codeFingerprint() of the tsc output it bundled: saves ~10 ms a start. */
declare const __RXFIX_CODE_FINGERPRINT__: string | undefined;

/**
 * Identifies the installed rxfix code beyond its version number: the content of the engine and
 * rule modules, so an edited rxfix (same version) never reuses results of the old code, while a
 * rebuild of the same code keeps the cache. About 1 MB hashed, a few milliseconds.
 */
export function codeFingerprint(): string {
  if (fingerprint) return fingerprint;
  if (typeof __RXFIX_CODE_FINGERPRINT__ === 'string') return (fingerprint = __RXFIX_CODE_FINGERPRINT__);
  const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'); // src/ or dist/src/
  const h = createHash('sha1');
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(js|ts)$/.test(e.name)) {
        h.update(`${path.relative(src, p)}\0`);
        h.update(readFileSync(p));
      }
    }
  };
  for (const d of ['engine', 'cache', 'config', 'workspace']) walk(path.join(src, d));
  walk(path.join(src, '..', 'rules'));
  fingerprint = h.digest('hex').slice(0, 12);
  return fingerprint;
}

export class ResultCache {
  readonly file: string;
  private entries: Map<string, CachedResult>;
  private used = new Set<string>();
  private dirty = false;
  hits = 0;
  misses = 0;

  constructor(
    readonly dir: string,
    readonly ruleSetHash: string,
    readonly version: string,
  ) {
    const id = createHash('sha256').update(`${FORMAT}\0${version}\0${ruleSetHash}`).digest('hex').slice(0, 20);
    this.file = path.join(dir, `scan-${id}.json`);
    this.entries = new Map();
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as { format: number; version: string; ruleSet: string; entries: Record<string, CachedResult> };
      if (data.format === FORMAT && data.version === version && data.ruleSet === ruleSetHash) this.entries = new Map(Object.entries(data.entries));
    } catch {
      // missing or unreadable: start empty
    }
  }

  /** The key of one file: content plus everything in the options that changes its findings. */
  key(source: string, opts: MatchOptions): string {
    const h = createHash('sha1');
    h.update(JSON.stringify([opts.includeTests ?? false, opts.crate ?? null, [...(opts.optIn ?? [])].sort(), [...(opts.severity ?? new Map())].sort()]));
    h.update('\0');
    h.update(source);
    return h.digest('base64url');
  }

  get(key: string): CachedResult | undefined {
    const r = this.entries.get(key);
    if (r) {
      this.hits++;
      this.used.add(key);
    } else this.misses++;
    return r;
  }

  set(key: string, result: CachedResult): void {
    this.entries.set(key, result);
    this.used.add(key);
    this.dirty = true;
  }

  /** Writes the cache file if anything was added; never throws (a cache must not fail a scan). */
  save(): string | null {
    if (!this.dirty) return null;
    try {
      let keys = [...this.entries.keys()];
      if (keys.length > MAX_ENTRIES) {
        const old = keys.filter((k) => !this.used.has(k));
        const drop = new Set(old.slice(0, keys.length - MAX_ENTRIES));
        keys = keys.filter((k) => !drop.has(k));
      }
      const entries: Record<string, CachedResult> = {};
      for (const k of keys) entries[k] = this.entries.get(k)!;
      writeFileAtomic(this.file, JSON.stringify({ format: FORMAT, version: this.version, ruleSet: this.ruleSetHash, entries }));
      this.dirty = false;
      this.prune();
      return null;
    } catch (e) {
      return `warning: cannot write the result cache in ${this.dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); next scans will not be faster`;
    }
  }

  private prune(): void {
    const now = Date.now();
    const others: { p: string; mtime: number }[] = [];
    for (const name of readdirSync(this.dir)) {
      if (!/^scan-[0-9a-f]+\.json$/.test(name) || path.join(this.dir, name) === this.file) continue;
      const p = path.join(this.dir, name);
      try {
        others.push({ p, mtime: statSync(p).mtimeMs });
      } catch {
        // another process pruned it
      }
    }
    others.sort((a, b) => b.mtime - a.mtime);
    others.forEach((o, i) => {
      if (i >= MAX_FILES - 1 || now - o.mtime > STALE_MS) rmSync(o.p, { force: true });
    });
  }
}

export function toCached(r: { findings: Finding[]; parseErrors: boolean; parsed: boolean; ignores: IgnoreDirective[] }): CachedResult {
  return {
    findings: r.findings.map(({ path: _p, ...rest }) => rest),
    parseErrors: r.parseErrors,
    parsed: r.parsed,
    ignores: r.ignores.map((d) => ({ ids: d.ids, fileWide: d.fileWide, line: d.line, column: d.column, used: [...d.used] })),
  };
}

export function fromCached(c: CachedResult, shown: string): { findings: Finding[]; parseErrors: boolean; parsed: boolean; ignores: IgnoreDirective[] } {
  return {
    findings: c.findings.map((f) => ({ ...f, path: shown }) as Finding),
    parseErrors: c.parseErrors,
    parsed: c.parsed,
    ignores: c.ignores.map((d) => ({ ids: d.ids, fileWide: d.fileWide, line: d.line, column: d.column, used: new Set(d.used) })),
  };
}
