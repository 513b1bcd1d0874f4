// Cargo.toml and .cargo/config.toml scanning for manifest rules (family cargo): finding the
// manifests of the scanned crates and their workspace root, reading them with smol-toml,
// locating keys in the text (smol-toml gives no positions), and turning rule results into
// Findings with 1-based line/column (Unicode scalars) like the Rust findings.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { parse } from 'smol-toml';
import { LineIndex } from './positions.js';
import type { RuleSet } from './registry.js';
import type { Edit, Finding, ManifestInput, PositionedEdit, Severity } from './rule.js';

// ---------------------------------------------------------------------------------------------
// Locating keys in TOML text

export interface TomlEntry {
  /** Table path of the enclosing header plus the key's dotted parts, e.g. `profile.release.lto`. */
  path: string;
  /** UTF-16 indices of the key (first part) and of the whole `key = value` text. */
  keyStart: number;
  keyEnd: number;
  valueEnd: number;
  /** Index just past the line (after `\n`), where a new key can be inserted. */
  lineEnd: number;
}

export interface TomlHeader {
  path: string;
  array: boolean;
  start: number;
  end: number;
  lineEnd: number;
}

const unquote = (s: string) => s.trim().replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');

/** Splits a dotted key (`a."b.c".d`) into parts. */
export function dottedParts(key: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (const ch of key) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '.') {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  parts.push(cur.trim());
  return parts;
}

/** Line-oriented index of a TOML document's headers and keys (comments and strings respected). */
export class TomlLocator {
  readonly headers: TomlHeader[] = [];
  readonly entries: TomlEntry[] = [];

  constructor(readonly source: string) {
    let table = '';
    let i = 0;
    const n = source.length;
    while (i < n) {
      const nl = source.indexOf('\n', i);
      const lineEnd = nl < 0 ? n : nl + 1;
      const line = source.slice(i, nl < 0 ? n : nl);
      const lead = line.length - line.trimStart().length;
      const t = line.trim();
      if (t.startsWith('[')) {
        const array = t.startsWith('[[');
        const close = t.indexOf(array ? ']]' : ']');
        if (close > 0) {
          table = dottedParts(t.slice(array ? 2 : 1, close)).join('.');
          this.headers.push({ path: table, array, start: i + lead, end: i + lead + close + (array ? 2 : 1), lineEnd });
        }
        i = lineEnd;
        continue;
      }
      const eq = findEquals(t);
      if (t === '' || t.startsWith('#') || eq < 0) {
        i = lineEnd;
        continue;
      }
      const key = t.slice(0, eq);
      const parts = dottedParts(key);
      // the value may continue over several lines (arrays, inline tables, multi-line strings)
      const valueStart = i + lead + eq + 1;
      const valueEndIdx = skipValue(source, valueStart);
      const endLine = source.indexOf('\n', valueEndIdx);
      this.entries.push({
        path: [table, ...parts].filter(Boolean).join('.'),
        keyStart: i + lead,
        keyEnd: i + lead + key.trimEnd().length,
        valueEnd: valueEndIdx,
        lineEnd: endLine < 0 ? n : endLine + 1,
      });
      i = endLine < 0 ? n : endLine + 1;
    }
  }

  entry(p: string): TomlEntry | undefined {
    return this.entries.find((e) => e.path === p);
  }

  header(p: string): TomlHeader | undefined {
    return this.headers.find((h) => h.path === p && !h.array);
  }

  /** The last line of a table's own keys (before the next header), for appending a key. */
  tableEnd(p: string): number | null {
    const h = this.header(p);
    if (!h) return null;
    let end = h.lineEnd;
    for (const e of this.entries) {
      if (e.keyStart > h.start && e.path.startsWith(`${p}.`) && !this.headers.some((o) => o.start > h.start && o.start < e.keyStart)) end = Math.max(end, e.lineEnd);
    }
    return end;
  }
}

/** Index of the `=` of a `key = value` line, outside quotes; -1 if none. */
function findEquals(t: string): number {
  let quote: string | null = null;
  for (let k = 0; k < t.length; k++) {
    const c = t[k]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return -1;
    else if (c === '=') return k;
  }
  return -1;
}

/** End index (exclusive, before any trailing comment/newline) of the value starting at `from`. */
function skipValue(s: string, from: number): number {
  let depth = 0;
  let k = from;
  let last = from;
  while (k < s.length) {
    const c = s[k]!;
    if (c === '"' || c === "'") {
      const triple = s.startsWith(c.repeat(3), k);
      const close = triple ? s.indexOf(c.repeat(3), k + 3) : indexOfClose(s, k + 1, c);
      k = close < 0 ? s.length : close + (triple ? 3 : 1);
      last = k;
      continue;
    }
    if (c === '#') {
      const nl = s.indexOf('\n', k);
      if (depth === 0) return last;
      k = nl < 0 ? s.length : nl;
      continue;
    }
    if (c === '\n' && depth === 0) return last;
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    k++;
    if (!/\s/.test(c)) last = k;
  }
  return last;
}

function indexOfClose(s: string, from: number, q: string): number {
  for (let k = from; k < s.length; k++) {
    if (s[k] === '\\' && q === '"') k++;
    else if (s[k] === q) return k;
    else if (s[k] === '\n') return k - 1;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Finding manifests

export interface ManifestFile {
  abs: string;
  source: string;
  data: Record<string, unknown>;
}

const fileCache = new Map<string, ManifestFile | null>();

export function readManifest(abs: string): ManifestFile | null {
  if (fileCache.has(abs)) return fileCache.get(abs)!;
  let m: ManifestFile | null = null;
  try {
    const source = readFileSync(abs, 'utf8');
    m = { abs, source, data: parse(source) as Record<string, unknown> };
  } catch {
    m = null;
  }
  fileCache.set(abs, m);
  return m;
}

/** For tests: forget cached manifests. */
export function clearManifestCache(): void {
  fileCache.clear();
  nearestCache.clear();
}

const nearestCache = new Map<string, string | null>();

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The nearest Cargo.toml at or above `start` (a file or folder). */
export function nearestManifest(start: string): string | null {
  let dir = start;
  try {
    if (statSync(start).isFile()) dir = path.dirname(start);
  } catch {
    dir = path.dirname(start);
  }
  const hit = nearestCache.get(dir);
  if (hit !== undefined) return hit;
  let found: string | null = null;
  for (let cur = dir; ; ) {
    const p = path.join(cur, 'Cargo.toml');
    if (existsSync(p)) {
      found = p;
      break;
    }
    const up = path.dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  nearestCache.set(dir, found);
  return found;
}

/**
 * The workspace root manifest of a crate manifest, as cargo finds it: `package.workspace` when
 * set, else the nearest ancestor with a `[workspace]` table that does not exclude the crate (and
 * lists it in `members`, when members are given); else the manifest itself.
 */
export function workspaceRootOf(manifestAbs: string): string {
  const m = readManifest(manifestAbs);
  if (!m) return manifestAbs;
  if (isObj(m.data.workspace)) return manifestAbs;
  const pkg = isObj(m.data.package) ? m.data.package : {};
  if (typeof pkg.workspace === 'string') {
    const p = path.resolve(path.dirname(manifestAbs), pkg.workspace, 'Cargo.toml');
    return existsSync(p) ? p : manifestAbs;
  }
  const crateDir = path.dirname(manifestAbs);
  for (let dir = path.dirname(crateDir); ; dir = path.dirname(dir)) {
    const p = path.join(dir, 'Cargo.toml');
    const root = existsSync(p) ? readManifest(p) : null;
    if (root && isObj(root.data.workspace)) {
      const ws = root.data.workspace;
      const rel = path.relative(dir, crateDir).split(path.sep).join('/');
      const globs = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').map((g) => g.replace(/\/$/, '')) : []);
      const excluded = globs(ws.exclude).some((g) => rel === g || rel.startsWith(`${g}/`));
      const members = globs(ws.members);
      const member = members.length === 0 || members.some((g) => picomatch(g)(rel));
      return !excluded && member ? p : manifestAbs;
    }
    if (path.dirname(dir) === dir) return manifestAbs;
  }
}

/**
 * Direct dependencies of a crate (`[dependencies]` and `[target.*.dependencies]`), by the name
 * code uses, with their enabled features; `default` is listed when default features are on.
 * `workspace = true` entries are completed from the root's `[workspace.dependencies]`.
 */
export function dependencyFeatures(manifestAbs: string): Record<string, string[]> {
  const m = readManifest(manifestAbs);
  if (!m) return {};
  const tables: Record<string, unknown>[] = [];
  if (isObj(m.data.dependencies)) tables.push(m.data.dependencies);
  if (isObj(m.data.target)) {
    for (const t of Object.values(m.data.target)) if (isObj(t) && isObj(t.dependencies)) tables.push(t.dependencies);
  }
  let wsDeps: Record<string, unknown> | null = null;
  const rootDeps = () => {
    if (wsDeps) return wsDeps;
    const root = readManifest(workspaceRootOf(manifestAbs));
    const ws = root && isObj(root.data.workspace) ? root.data.workspace : {};
    wsDeps = isObj(ws.dependencies) ? ws.dependencies : {};
    return wsDeps;
  };
  const out = new Map<string, Set<string>>();
  for (const table of tables) {
    for (const [name, spec] of Object.entries(table)) {
      const feats = out.get(name) ?? new Set<string>();
      out.set(name, feats);
      const add = (s: unknown) => {
        if (typeof s === 'string') {
          feats.add('default');
          return;
        }
        if (!isObj(s)) return;
        if (Array.isArray(s.features)) for (const f of s.features) if (typeof f === 'string') feats.add(f);
        if (s['default-features'] !== false && s.default_features !== false) feats.add('default');
      };
      if (isObj(spec) && spec.workspace === true) {
        const inherited = rootDeps()[name];
        add(inherited);
        if (Array.isArray(spec.features)) for (const f of spec.features) if (typeof f === 'string') feats.add(f);
      } else add(spec);
    }
  }
  const result: Record<string, string[]> = {};
  for (const name of [...out.keys()].sort()) result[name] = [...out.get(name)!].sort();
  return result;
}

// ---------------------------------------------------------------------------------------------
// Running manifest rules

export interface ManifestScanOptions {
  severity?: ReadonlyMap<string, Severity>;
  optIn?: ReadonlySet<string>;
  /** Displayed path of an absolute path (relative to the current directory, with `/`). */
  display: (abs: string) => string;
}

export interface ManifestScan {
  findings: Finding[];
  /** Manifest texts by displayed path (for code frames). */
  sources: Map<string, string>;
  /** Manifest and config files with findings (the summary's `files` counts files reported on). */
  files: number;
  warnings: string[];
}

/** `.cargo/config.toml` (or legacy `.cargo/config`) in `dir`, if any. */
function cargoConfigIn(dir: string): string | null {
  for (const name of ['config.toml', 'config']) {
    const p = path.join(dir, '.cargo', name);
    if (existsSync(p)) return p;
  }
  return null;
}

/**
 * The inputs for manifest rules of the scanned paths: each path's crate manifest, its workspace
 * root manifest (isWorkspaceRoot), and the `.cargo/config.toml` next to the root and its
 * ancestors up to the repository root (cargo reads those when built from the workspace).
 */
export function manifestsFor(scanned: readonly string[]): { inputs: ManifestInput[]; warnings: string[]; abs: Map<ManifestInput, string> } {
  const seen = new Set<string>();
  const inputs: ManifestInput[] = [];
  const warnings: string[] = [];
  const abs = new Map<ManifestInput, string>();
  const add = (p: string, isRoot: boolean) => {
    if (seen.has(p)) return;
    seen.add(p);
    const m = readManifest(p);
    if (!m) {
      if (existsSync(p)) warnings.push(`warning: ${p}: not valid TOML, manifest rules skipped`);
      return;
    }
    const input: ManifestInput = { path: p, source: m.source, data: m.data, isWorkspaceRoot: isRoot };
    inputs.push(input);
    abs.set(input, p);
  };
  for (const s of scanned) {
    const crate = nearestManifest(path.resolve(s));
    if (!crate) continue;
    const root = workspaceRootOf(crate);
    add(root, true);
    add(crate, crate === root);
    for (let dir = path.dirname(root); ; dir = path.dirname(dir)) {
      const cfg = cargoConfigIn(dir);
      if (cfg) add(cfg, false);
      if (existsSync(path.join(dir, '.git')) || path.dirname(dir) === dir) break;
    }
  }
  inputs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { inputs, warnings, abs };
}

/** `# rxfix-ignore: id[, id]` on the finding's line or the line above. */
function suppressed(lines: LineIndex, line: number, ids: readonly string[]): boolean {
  for (const l of [line - 1, line - 2]) {
    if (l < 0 || l >= lines.lineCount) continue;
    const m = /#\s*rxfix-ignore:\s*([\w,\s-]+)/.exec(lines.lineText(l));
    if (m && m[1]!.split(/[\s,]+/).some((id) => ids.includes(id))) return true;
  }
  return false;
}

export function scanManifests(scanned: readonly string[], rules: RuleSet, opts: ManifestScanOptions): ManifestScan {
  const out: ManifestScan = { findings: [], sources: new Map(), files: 0, warnings: [] };
  const manifestRules = rules.rules.filter((r) => r.def.manifest);
  if (manifestRules.length === 0) return out;
  const { inputs, warnings } = manifestsFor(scanned);
  out.warnings.push(...warnings);
  for (const input of inputs) {
    const shown = opts.display(input.path);
    const lines = new LineIndex(input.source);
    for (const r of manifestRules) {
      const def = r.def;
      for (const mf of def.manifest!(input)) {
        const a = lines.position(mf.start);
        const b = lines.position(mf.end);
        if (suppressed(lines, a.line - 1, [def.id, ...(def.aliases ?? [])])) continue;
        const allowFix = mf.edits && mf.edits.length > 0 && (def.optInFix ? opts.optIn?.has(def.id) === true : def.tier !== 'report-only');
        const edits: PositionedEdit[] | null = allowFix ? mf.edits!.map((e) => positioned(lines, e)) : null;
        out.findings.push({
          ruleId: def.id,
          family: def.family,
          severity: opts.severity?.get(def.id) ?? def.severity,
          path: shown,
          line: a.line,
          column: a.column,
          endLine: b.line,
          endColumn: b.column,
          start: mf.start,
          end: mf.end,
          message: mf.message ?? def.message,
          help: mf.help ?? def.help,
          clippy: def.clippy,
          tier: edits ? (def.optInFix ? 'verify' : def.tier) : 'report-only',
          edits,
        });
      }
    }
    if (out.findings.some((f) => f.path === shown)) {
      out.sources.set(shown, input.source);
      out.files++;
    }
  }
  return out;
}

function positioned(lines: LineIndex, e: Edit): PositionedEdit {
  const a = lines.position(e.start);
  const b = lines.position(e.end);
  return { start: e.start, end: e.end, text: e.text, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
}

// ---------------------------------------------------------------------------------------------
// Facts about a workspace for manifest rules

/** Member crate manifests of a workspace root (plain paths and `dir/*` globs), plus the root package. */
export function workspaceMembers(rootAbs: string): string[] {
  const m = readManifest(rootAbs);
  if (!m) return [];
  const dir = path.dirname(rootAbs);
  const out: string[] = [];
  if (isObj(m.data.package)) out.push(rootAbs);
  const ws = isObj(m.data.workspace) ? m.data.workspace : null;
  const members = ws && Array.isArray(ws.members) ? ws.members.filter((x): x is string => typeof x === 'string') : [];
  for (const pat of members) {
    const star = pat.indexOf('*');
    if (star < 0) {
      const p = path.join(dir, pat, 'Cargo.toml');
      if (existsSync(p)) out.push(p);
      continue;
    }
    const base = path.join(dir, pat.slice(0, pat.lastIndexOf('/', star) + 1));
    const match = picomatch(pat);
    let entries: string[] = [];
    try {
      entries = readdirSync(base);
    } catch {
      continue;
    }
    for (const e of entries.sort()) {
      const rel = path.relative(dir, path.join(base, e)).split(path.sep).join('/');
      const p = path.join(base, e, 'Cargo.toml');
      if (match(rel) && existsSync(p)) out.push(p);
    }
  }
  return [...new Set(out)];
}

/** Whether a crate builds something whose speed the release profile decides: a binary or benches. */
export function crateTargets(manifestAbs: string): { bin: boolean; bench: boolean } {
  const m = readManifest(manifestAbs);
  if (!m) return { bin: false, bench: false };
  const dir = path.dirname(manifestAbs);
  const d = m.data;
  const lib = isObj(d.lib) ? d.lib : null;
  const crateTypes = lib && Array.isArray(lib['crate-type']) ? lib['crate-type'] : [];
  const bin = (Array.isArray(d.bin) && d.bin.length > 0) || existsSync(path.join(dir, 'src/main.rs')) || existsSync(path.join(dir, 'src/bin')) || crateTypes.some((t) => t === 'cdylib' || t === 'staticlib');
  const bench = (Array.isArray(d.bench) && d.bench.length > 0) || existsSync(path.join(dir, 'benches'));
  return { bin, bench };
}

/** Targets over the whole workspace of a root manifest. */
export function workspaceTargets(rootAbs: string): { bin: boolean; bench: boolean } {
  const t = { bin: false, bench: false };
  for (const m of workspaceMembers(rootAbs)) {
    const c = crateTargets(m);
    t.bin ||= c.bin;
    t.bench ||= c.bench;
  }
  return t;
}

/**
 * The manifest scan of a `scan` command: the Cargo.toml/.cargo/config.toml findings for the given
 * paths, or nothing when the scan is about changed lines only (`--staged`, `--diff`).
 */
export function scanManifestsFor(cmd: { paths: readonly string[]; staged?: boolean; diff?: string }, paths: readonly string[], rules: RuleSet, opts: ManifestScanOptions): ManifestScan {
  if (cmd.staged || cmd.diff !== undefined) return { findings: [], sources: new Map(), files: 0, warnings: [] };
  return scanManifests(paths, rules, opts);
}
