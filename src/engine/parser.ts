// web-tree-sitter is initialised once per thread and the parser reused (performance-notes.md P3, §3.7).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import path from 'node:path';
import { Language, Parser, Query, type Range, type Tree } from 'web-tree-sitter';
import { partitionPoint } from './positions.js';
import { installFastHeapAccess } from './heap-access.js';
import { compileWithSnapshot } from './query-snapshot.js';

let ready: Promise<Language> | undefined;
let parser: Parser | undefined;
let language: Language | undefined;

const require = createRequire(import.meta.url);

/** Parser.init's module options: Emscripten makes this object the module itself (lean-matches.ts reads it). */
export const wasmModule: Record<string, unknown> = {};

export function grammarPath(): string {
  return require.resolve('tree-sitter-rust/tree-sitter-rust.wasm');
}

/** The installed web-tree-sitter's version (its package.json is not exported: found next to its entry). */
export function webTreeSitterRelease(): string {
  try {
    const dir = path.dirname(require.resolve('web-tree-sitter'));
    return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The web-tree-sitter release whose internals lean-matches.ts and query-snapshot.ts read. */
export const PINNED_RELEASE = '0.27.2';
let release: string | undefined;

/** The Emscripten module object when the installed web-tree-sitter is the pinned release, else null. */
export function pinnedInternals(): Record<string, unknown> | null {
  release ??= webTreeSitterRelease();
  return release === PINNED_RELEASE ? wasmModule : null;
}

/**
 * For a little code to parse (a pre-commit run): V8's baseline WASM compiler only. By default V8
 * also compiles the hot functions of web-tree-sitter and the grammar with its optimizing tier, in
 * the background: ~0.4 s of CPU that pays off only over hundreds of KB (a one-file `--staged`
 * run: 0.75 s -> 0.5 s). Process-wide, so only before the WASM is compiled, and only for runs
 * that parse little.
 */
export function preferQuickStart(): void {
  if (ready) return; // compiled already
  const hooks = beforeQuickStart.splice(0);
  for (const hook of hooks) hook();
  setFlagsFromString('--liftoff-only');
}

const beforeQuickStart: (() => void)[] = [];

/**
 * Runs `hook` right before preferQuickStart() changes V8's flags: the bundle loader saves V8's
 * code cache then (src/bundle-loader.ts), as V8 rejects cached data made under other flags.
 */
export function onQuickStart(hook: () => void): void {
  beforeQuickStart.push(hook);
}

export async function loadRust(): Promise<Language> {
  ready ??= (async () => {
    await Parser.init(wasmModule); // the module object lean-matches.ts reads raw matches from
    installFastHeapAccess(pinnedInternals());
    language = await Language.load(grammarPath());
    parser = new Parser();
    parser.setLanguage(language);
    return language;
  })();
  return ready;
}

export function rust(): Language {
  if (!language) throw new Error('internal: loadRust() was not awaited');
  return language;
}

/** Parses Rust source. The caller must `tree.delete()` (P4: the WASM heap is otherwise exhausted). */
export function parseRust(source: string, includedRanges?: Range[]): Tree {
  if (!parser) throw new Error('internal: loadRust() was not awaited');
  const tree = includedRanges ? parser.parse(rangeReader(source, includedRanges), null, { includedRanges }) : parser.parse(source);
  if (!tree) throw new Error('internal: tree-sitter returned no tree');
  return tree;
}

/** UTF-16 units web-tree-sitter copies into the parser per read (its 10 KB buffer, less one). */
const READ_CHUNK = 5119;
/** Left-out text between ranges up to this long is handed over anyway: one read fewer costs more. */
const READ_ACROSS_GAP = 256;

/**
 * Input for a parse with included ranges: each read gets the text up to the end of the range it
 * starts in (and of the ranges right after it), not a whole buffer. web-tree-sitter copies every
 * character it is handed, one by one, and a partial parse leaves most text out: on 11 MB of
 * crates this copies 8 M characters instead of 12 M, and parsing takes ~6 % less (same trees).
 */
export function rangeReader(source: string, ranges: readonly Range[]): (index: number) => string {
  return (index: number) => {
    const lo = partitionPoint(ranges.length, (i) => ranges[i]!.endIndex <= index); // the range holding `index`, or the next
    const limit = index + READ_CHUNK;
    if (lo >= ranges.length) return source.slice(index, limit);
    let k = lo;
    while (k + 1 < ranges.length && ranges[k + 1]!.startIndex - ranges[k]!.endIndex < READ_ACROSS_GAP && ranges[k + 1]!.startIndex < limit) k++;
    return source.slice(index, Math.min(ranges[k]!.endIndex, limit));
  };
}

export function compileQuery(source: string): Query {
  const language = rust();
  return compileWithSnapshot(pinnedInternals(), source, () => new Query(language, source));
}
