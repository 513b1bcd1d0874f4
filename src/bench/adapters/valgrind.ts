// Parsers for valgrind's output files (callgrind, cachegrind, dhat JSON, massif), no ms_print or
// callgrind_annotate needed; and the command lines that produce them.
import { ParseError } from './plain.js';

export type ValgrindTool = 'callgrind' | 'cachegrind' | 'dhat' | 'massif';

/** valgrind arguments that write the tool's output to `outFile`. */
export function valgrindArgs(tool: ValgrindTool, outFile: string): string[] {
  switch (tool) {
    case 'callgrind':
      return ['--tool=callgrind', `--callgrind-out-file=${outFile}`];
    case 'cachegrind':
      return ['--tool=cachegrind', '--cache-sim=yes', `--cachegrind-out-file=${outFile}`];
    case 'dhat':
      return ['--tool=dhat', `--dhat-out-file=${outFile}`];
    case 'massif':
      return ['--tool=massif', '--pages-as-heap=no', `--massif-out-file=${outFile}`];
  }
}

/** `events:` names with the `summary:` (or `totals:`) values of a callgrind/cachegrind file. */
export function parseEventTotals(text: string, where: string): Record<string, number> {
  const events = /^events:\s*(.+)$/m.exec(text);
  const totals = /^summary:\s*(.+)$/m.exec(text) ?? /^totals:\s*(.+)$/m.exec(text);
  if (!events || !totals) throw new ParseError(`${where}: no \`events:\`/\`summary:\` lines (not a callgrind or cachegrind output file)`);
  const names = events[1]!.trim().split(/\s+/);
  const values = totals[1]!.trim().split(/\s+/).map(Number);
  const out: Record<string, number> = {};
  names.forEach((n, i) => (out[n] = values[i] ?? 0));
  if (values.some((v) => !Number.isFinite(v))) throw new ParseError(`${where}: summary has non-numeric values`);
  return out;
}

/** Instructions executed (Ir) from a callgrind output file. */
export function parseCallgrindInstructions(text: string, where = 'callgrind.out'): number {
  const t = parseEventTotals(text, where);
  if (t['Ir'] === undefined) throw new ParseError(`${where}: no Ir event`);
  return t['Ir'];
}

export interface CacheMisses {
  /** First-level data cache misses (reads + writes). */
  d1: number;
  /** Last-level misses (instruction + data), as cachegrind's "LL misses". */
  ll: number;
}

export function parseCachegrind(text: string, where = 'cachegrind.out'): CacheMisses {
  const t = parseEventTotals(text, where);
  const need = ['D1mr', 'D1mw', 'ILmr', 'DLmr', 'DLmw'];
  for (const n of need) if (t[n] === undefined) throw new ParseError(`${where}: no ${n} event (was --cache-sim=yes given?)`);
  return { d1: t['D1mr']! + t['D1mw']!, ll: t['ILmr']! + t['DLmr']! + t['DLmw']! };
}

export interface DhatSite {
  /** Blocks and bytes allocated at this program point over the whole run. */
  blocks: number;
  bytes: number;
  /** Frames, innermost first, as dhat prints them (`0xADDR: fn (file.rs:LINE)`). */
  frames: string[];
}

export interface DhatSummary {
  totalBlocks: number;
  totalBytes: number;
  /** Heap size at the global peak (t-gmax). */
  peakBytes: number;
  peakBlocks: number;
  sites: DhatSite[];
}

interface DhatJson {
  dhatFileVersion?: number;
  mode?: string;
  pps?: { tb: number; tbk: number; gb?: number; gbk?: number; fs: number[] }[];
  ftbl?: string[];
}

export function parseDhat(json: string, where = 'dhat.json'): DhatSummary {
  let d: DhatJson;
  try {
    d = JSON.parse(json) as DhatJson;
  } catch (e) {
    throw new ParseError(`${where}: not JSON (${(e as Error).message})`);
  }
  if (d.dhatFileVersion === undefined || !Array.isArray(d.pps) || !Array.isArray(d.ftbl)) throw new ParseError(`${where}: not a dhat output file`);
  if (d.mode !== undefined && d.mode !== 'heap') throw new ParseError(`${where}: dhat mode ${d.mode}, expected heap`);
  const ftbl = d.ftbl;
  const s: DhatSummary = { totalBlocks: 0, totalBytes: 0, peakBytes: 0, peakBlocks: 0, sites: [] };
  for (const pp of d.pps) {
    s.totalBlocks += pp.tbk;
    s.totalBytes += pp.tb;
    s.peakBytes += pp.gb ?? 0;
    s.peakBlocks += pp.gbk ?? 0;
    s.sites.push({ blocks: pp.tbk, bytes: pp.tb, frames: pp.fs.map((i) => ftbl[i] ?? '?') });
  }
  return s;
}

/** A dhat frame's function, file and line, when it has debug info: `0x1: f (lib.rs:21)`. */
export function parseDhatFrame(frame: string): { fn: string; file: string; line: number } | null {
  const m = /^0x[0-9A-Fa-f]+:\s+(.*)\s+\(([^():]+):(\d+)\)$/.exec(frame.trim());
  if (!m) return null;
  return { fn: m[1]!, file: m[2]!, line: Number(m[3]) };
}

/** Peak heap bytes (useful heap, without allocator overhead) over massif's snapshots. */
export function parseMassifPeak(text: string, where = 'massif.out'): number {
  if (!/^desc:/m.test(text) || !/^snapshot=\d+/m.test(text)) throw new ParseError(`${where}: not a massif output file`);
  let peak = 0;
  for (const m of text.matchAll(/^mem_heap_B=(\d+)$/gm)) peak = Math.max(peak, Number(m[1]));
  return peak;
}
