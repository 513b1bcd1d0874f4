// Profile-guided ranking for `rxfix scan --profile FILE`: cost per function from `perf script` text
// or a callgrind output file, allocation sites from a dhat JSON file. Findings are ordered by the
// cost of the function that holds them; findings in functions the profile never saw sink to the
// bottom and are marked cold; a finding on a line where dhat saw allocations carries their count.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { Finding } from '../engine/rule.js';
import { loadRust, parseRust } from '../engine/parser.js';
import { RxfixError } from '../errors.js';
import { parseDhat, parseDhatFrame } from './adapters/valgrind.js';

export interface FunctionCost {
  self: number;
  inclusive: number;
}

export interface CostProfile {
  kind: 'perf' | 'callgrind';
  event: string;
  total: number;
  /** By symbol as the profiler printed it (demangled). */
  functions: Map<string, FunctionCost>;
  /** Self cost by source file (as recorded in debug info) and line; callgrind only. */
  lines: Map<string, Map<number, number>>;
}

export interface AllocSite {
  file: string;
  line: number;
  fn: string;
  blocks: number;
  bytes: number;
}

export interface AllocProfile {
  kind: 'dhat';
  sites: AllocSite[];
  totalBlocks: number;
}

export type Profile = CostProfile | AllocProfile;

// ---------- parsing ----------

export function detectProfile(text: string, where: string): Profile {
  const head = text.slice(0, 4096);
  if (/^\s*\{/.test(head) && head.includes('"dhatFileVersion"')) return dhatProfile(text, where);
  if (/^(events|positions|version|creator|cmd):/m.test(head) && /^fn=/m.test(text)) return parseCallgrindProfile(text);
  if (/^\S.*?\s+\d+(?:\/\d+)?\s+\[?\d*\]?\s*\d+\.\d+:/m.test(head)) return parsePerfScript(text);
  throw new RxfixError(`error: --profile ${where}: not a \`perf script\` output, a callgrind output file or a dhat JSON file`);
}

/** `perf script` text: a header line per sample, then its stack, innermost frame first. */
export function parsePerfScript(text: string): CostProfile {
  const functions = new Map<string, FunctionCost>();
  let total = 0;
  let event = 'samples';
  let frames: string[] = [];
  let weight = 0;
  const flush = () => {
    if (frames.length === 0) return;
    total += weight;
    const seen = new Set<string>();
    frames.forEach((sym, i) => {
      const c = functions.get(sym) ?? { self: 0, inclusive: 0 };
      if (i === 0) c.self += weight;
      if (!seen.has(sym)) c.inclusive += weight;
      seen.add(sym);
      functions.set(sym, c);
    });
    frames = [];
  };
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (/^\s/.test(line)) {
      // `\t 55d4c3a1b2c3 bench::hash_loop+0x23 (/path/exe)`
      const m = /^\s+[0-9a-fA-F]+\s+(.+?)(?:\+0x[0-9a-fA-F]+)?\s+\(([^)]*)\)\s*$/.exec(line);
      if (m && m[1] !== '[unknown]') frames.push(m[1]!);
      continue;
    }
    flush();
    // `prog 1234 [000] 12345.678901:     250000 cycles:u:` (period and event are optional)
    const h = /:\s+(\d+)\s+([\w\-:./]+?):?\s*$/.exec(line);
    weight = h ? Number(h[1]) : 1;
    if (h) event = h[2]!.replace(/:.*$/, '');
  }
  flush();
  return { kind: 'perf', event, total, functions, lines: new Map() };
}

/** A callgrind output file (name compression, relative positions, inclusive call costs). */
export function parseCallgrindProfile(text: string): CostProfile {
  const functions = new Map<string, FunctionCost>();
  const lines = new Map<string, Map<number, number>>();
  const names: Record<string, Map<string, string>> = { fn: new Map(), fl: new Map() };
  const resolve = (kind: 'fn' | 'fl', v: string): string => {
    const m = /^\((\d+)\)(?:\s+(.*))?$/.exec(v.trim());
    if (!m) return v.trim();
    if (m[2] !== undefined) names[kind]!.set(m[1]!, m[2]);
    return names[kind]!.get(m[1]!) ?? `(${m[1]})`;
  };
  let event = 'Ir';
  let posCount = 1;
  let total = 0;
  let fn = '';
  let file = '';
  let subFile = '';
  let afterCalls = false;
  let lastPos: number[] = [];
  const fc = (name: string) => {
    let c = functions.get(name);
    if (!c) functions.set(name, (c = { self: 0, inclusive: 0 }));
    return c;
  };
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line === '' || line.startsWith('#')) continue;
    const kv = /^([a-z]+)(?::\s*|=)(.*)$/.exec(line);
    if (kv) {
      const [, key, val] = kv;
      switch (key) {
        case 'events':
          event = val!.trim().split(/\s+/)[0] ?? 'Ir';
          break;
        case 'positions':
          posCount = val!.trim().split(/\s+/).length;
          break;
        case 'summary':
        case 'totals':
          total = Math.max(total, Number(val!.trim().split(/\s+/)[0]));
          break;
        case 'fl':
          file = resolve('fl', val!);
          subFile = file;
          break;
        case 'fi':
        case 'fe':
          subFile = resolve('fl', val!);
          break;
        case 'fn':
          fn = resolve('fn', val!);
          subFile = file;
          fc(fn);
          break;
        case 'cfn':
          resolve('fn', val!);
          break;
        case 'cfi':
        case 'cfl':
          resolve('fl', val!);
          break;
        case 'calls':
          afterCalls = true;
          break;
      }
      continue;
    }
    // A cost line: positions then event counts.
    const parts = line.trim().split(/\s+/);
    const pos: number[] = [];
    for (let i = 0; i < posCount; i++) {
      const p = parts[i] ?? '0';
      const prev = lastPos[i] ?? 0;
      pos.push(p === '*' ? prev : p.startsWith('+') ? prev + Number(p.slice(1)) : p.startsWith('-') ? prev - Number(p.slice(1)) : Number(p.startsWith('0x') ? parseInt(p, 16) : p));
    }
    lastPos = pos;
    const cost = Number(parts[posCount] ?? 0);
    if (!Number.isFinite(cost) || !fn) continue;
    if (afterCalls) {
      fc(fn).inclusive += cost;
      afterCalls = false;
      continue;
    }
    const c = fc(fn);
    c.self += cost;
    c.inclusive += cost;
    const lineNo = pos[posCount - 1] ?? 0;
    if (lineNo > 0 && subFile && subFile !== '???') {
      let byLine = lines.get(subFile);
      if (!byLine) lines.set(subFile, (byLine = new Map()));
      byLine.set(lineNo, (byLine.get(lineNo) ?? 0) + cost);
    }
  }
  if (total === 0) for (const c of functions.values()) total += c.self;
  return { kind: 'callgrind', event, total, functions, lines };
}

function dhatProfile(text: string, where: string): AllocProfile {
  const d = parseDhat(text, where);
  const sites: AllocSite[] = [];
  for (const s of d.sites) {
    // The innermost frame with a source line outside the standard library is the allocation site.
    const frame = s.frames.map(parseDhatFrame).find((f) => f && !/^(alloc|core|std|hashbrown)::|^__rust|^<alloc::|^<core::|^<std::/.test(f.fn) && !/\/rustc\/|library\//.test(f.file));
    if (frame) sites.push({ file: frame.file, line: frame.line, fn: frame.fn, blocks: s.blocks, bytes: s.bytes });
  }
  return { kind: 'dhat', sites, totalBlocks: d.totalBlocks };
}

// ---------- symbols and source functions ----------

/** Split a demangled path on `::` outside of `<...>`. */
function splitPath(sym: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < sym.length; i++) {
    const ch = sym[i]!;
    if (ch === '<') depth++;
    if (ch === '>' && depth > 0) depth--;
    if (depth === 0 && ch === ':' && sym[i + 1] === ':') {
      out.push(cur);
      cur = '';
      i++;
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}

/** The function name and the identifiers that qualify it (crate, modules, impl types, traits). */
export function symbolKey(sym: string): { name: string; owners: string[] } {
  let s = sym.trim().replace(/::h[0-9a-f]{16}$/, '');
  s = s.replace(/(::\{\{closure\}\}|::\{closure#\d+\})+$/, '');
  const segs = splitPath(s);
  const last = (segs.pop() ?? '').replace(/<.*$/, '');
  const owners = segs.join('::').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  return { name: last, owners: owners.filter((o) => o !== 'as' && o !== 'impl') };
}

export interface SourceFunction {
  name: string;
  implType: string | null;
  startLine: number;
  endLine: number;
}

/** Functions of a Rust file with their line spans (1-based) and impl type, by tree-sitter. */
export async function sourceFunctions(source: string): Promise<SourceFunction[]> {
  await loadRust();
  const tree = parseRust(source);
  try {
    const out: SourceFunction[] = [];
    const visit = (node: import('web-tree-sitter').Node, implType: string | null) => {
      let impl = implType;
      if (node.type === 'impl_item') {
        const t = node.childForFieldName('type');
        impl = t ? (/[A-Za-z_][A-Za-z0-9_]*/.exec(t.text.replace(/^&(mut\s+)?/, ''))?.[0] ?? null) : null;
      }
      if (node.type === 'function_item') {
        const n = node.childForFieldName('name');
        if (n) out.push({ name: n.text, implType: impl, startLine: node.startPosition.row + 1, endLine: node.endPosition.row + 1 });
      }
      for (const c of node.namedChildren) if (c) visit(c, node.type === 'function_item' ? impl : impl);
    };
    visit(tree.rootNode, null);
    return out;
  } finally {
    tree.delete();
  }
}

function innermost(fns: readonly SourceFunction[], line: number): SourceFunction | null {
  let best: SourceFunction | null = null;
  for (const f of fns) if (f.startLine <= line && line <= f.endLine && (!best || f.startLine >= best.startLine)) best = f;
  return best;
}

/** The package name (as a Rust identifier) of the crate holding a file, or null. */
function crateIdentOf(file: string): string | null {
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    const m = path.join(dir, 'Cargo.toml');
    if (existsSync(m)) {
      try {
        const name = (parseToml(readFileSync(m, 'utf8')) as { package?: { name?: unknown } }).package?.name;
        return typeof name === 'string' ? name.replace(/-/g, '_') : null;
      } catch {
        return null;
      }
    }
    if (path.dirname(dir) === dir) return null;
  }
}

/** Does a profile's file name (absolute, relative or a basename) name this finding's file? */
export function sameFile(profileFile: string, findingPath: string): boolean {
  const a = profileFile.replace(/\\/g, '/');
  const b = findingPath.replace(/\\/g, '/').replace(/^\.\//, '');
  return a === b || a.endsWith('/' + b) || b.endsWith('/' + a) || (!a.includes('/') && path.posix.basename(b) === a);
}

// ---------- ranking ----------

export interface ProfiledFinding {
  finding: Finding;
  cost: number | null;
  function: string | null;
  allocations: { blocks: number; bytes: number } | null;
}

function costOf(fn: SourceFunction, f: Finding, crate: string | null, p: CostProfile): { cost: number; symbol: string } | null {
  let best: { cost: number; symbol: string } | null = null;
  for (const [sym, c] of p.functions) {
    const k = symbolKey(sym);
    if (k.name !== fn.name) continue;
    if (fn.implType && !k.owners.includes(fn.implType)) continue;
    if (crate && k.owners.length > 0 && !k.owners.includes(crate)) continue;
    if (!best || c.inclusive > best.cost) best = { cost: c.inclusive, symbol: sym };
  }
  // Inlined code is charged to its caller by name, but keeps its own file and lines.
  for (const [file, byLine] of p.lines) {
    if (!sameFile(file, f.path)) continue;
    let sum = 0;
    for (const [line, c] of byLine) if (line >= fn.startLine && line <= fn.endLine) sum += c;
    if (sum > 0 && (!best || sum > best.cost)) best = { cost: sum, symbol: fn.implType ? `${fn.implType}::${fn.name}` : fn.name };
  }
  return best;
}

/**
 * Rank findings by the profiles: cost profiles order them (cold last, marked), dhat marks the ones
 * whose lines allocate. Messages carry the evidence, so every output format shows it.
 */
export async function rankByProfiles(
  findings: readonly Finding[],
  sources: ReadonlyMap<string, string>,
  profiles: readonly Profile[],
  crateOf: (file: string) => string | null = crateIdentOf,
): Promise<{ findings: Finding[]; notes: string[] }> {
  const costProfiles = profiles.filter((p): p is CostProfile => p.kind !== 'dhat');
  const allocs = profiles.filter((p): p is AllocProfile => p.kind === 'dhat');
  const fnCache = new Map<string, SourceFunction[]>();
  const crateCache = new Map<string, string | null>();
  const ranked: ProfiledFinding[] = [];
  for (const f of findings) {
    let fns = fnCache.get(f.path);
    if (!fns) fnCache.set(f.path, (fns = sources.has(f.path) ? await sourceFunctions(sources.get(f.path)!) : []));
    if (!crateCache.has(f.path)) crateCache.set(f.path, crateOf(f.path));
    const fn = innermost(fns, f.line);
    let cost: number | null = null;
    let fnName: string | null = null;
    let pct = 0;
    let event = '';
    for (const p of costProfiles) {
      const c = fn ? costOf(fn, f, crateCache.get(f.path) ?? null, p) : null;
      if (c && (cost === null || c.cost > cost)) {
        cost = c.cost;
        fnName = c.symbol;
        pct = p.total > 0 ? (100 * c.cost) / p.total : 0;
        event = p.event;
      }
    }
    let allocations: ProfiledFinding['allocations'] = null;
    for (const p of allocs) {
      for (const s of p.sites) {
        if (s.line >= f.line && s.line <= f.endLine && sameFile(s.file, f.path)) {
          allocations ??= { blocks: 0, bytes: 0 };
          allocations.blocks += s.blocks;
          allocations.bytes += s.bytes;
        }
      }
    }
    const notes: string[] = [];
    if (costProfiles.length > 0) notes.push(cost !== null ? `profile: ${fnName} ${pct.toFixed(pct >= 10 ? 1 : 2)} % of ${event}` : 'cold: not seen in the profile');
    if (allocations) notes.push(`dhat: ${allocations.blocks} allocation${allocations.blocks === 1 ? '' : 's'}, ${allocations.bytes} bytes at this line`);
    const finding = notes.length ? { ...f, message: `${f.message} [${notes.join('; ')}]` } : f;
    ranked.push({ finding, cost, function: fnName, allocations });
  }
  const order = ranked.map((r, i) => ({ r, i }));
  order.sort((x, y) => {
    if (costProfiles.length > 0) {
      const cx = x.r.cost ?? -1;
      const cy = y.r.cost ?? -1;
      if (cx !== cy) return cy - cx;
    }
    const ax = x.r.allocations?.blocks ?? -1;
    const ay = y.r.allocations?.blocks ?? -1;
    if (ax !== ay) return ay - ax;
    return x.i - y.i;
  });
  const hot = ranked.filter((r) => r.cost !== null).length;
  const withAllocs = ranked.filter((r) => r.allocations).length;
  const notes: string[] = [];
  if (costProfiles.length > 0) notes.push(`rxfix: profile: ${hot} of ${ranked.length} findings in profiled functions, ${ranked.length - hot} cold (listed last)`);
  if (allocs.length > 0) notes.push(`rxfix: dhat: ${withAllocs} of ${ranked.length} findings on lines that allocated`);
  return { findings: order.map((o) => o.r.finding), notes };
}

/** The scan hook: read the --profile files and rank; no profiles, no change. */
export async function withProfiles(findings: Finding[], files: readonly string[] | undefined, sources: ReadonlyMap<string, string>, stderr: string[]): Promise<Finding[]> {
  if (!files || files.length === 0) return findings;
  const profiles = files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new RxfixError(`error: --profile ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    return detectProfile(text, file);
  });
  const r = await rankByProfiles(findings, sources, profiles);
  stderr.push(...r.notes);
  return r.findings;
}
