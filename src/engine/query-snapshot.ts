// Compiled queries restored from a snapshot of the WASM heap, made at build time.
//
// Compiling the shape query is the largest cost of a one-file run (~0.3 s of ~0.6 s: tree-sitter
// analyses every pattern against the Rust grammar's parse table). ts_query_new is a pure
// function of the WASM linear memory (the grammar's tables, the allocator's state, the query
// text written into it): it touches nothing else, so the same memory before it gives the same
// memory after it. `npm run build` (scripts/query-snapshot.js) compiles the built-in rules' query
// in a fresh heap and stores which bytes the compile changed; a run whose heap before the
// compile hashes the same (same web-tree-sitter, grammar, query text and history) writes those
// bytes back instead of compiling. Any difference falls back to compiling: the hash covers every
// byte the snapshot's heap used (up to its last non-zero byte, which lies past the allocator's top
// chunk), so equal hashes mean the same allocator state and the same live data; bytes past that
// point are memory the allocator has not handed out, which no code reads. A restore is therefore
// exactly the state the compile would have left. (Hashing only that prefix, whose length is in
// the file name, spares scanning the ~31 MB of untouched heap above it: ~20 ms per thread.)
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { keepNewest, writeFileAtomic } from '../io.js';
import { PACKAGE_ROOT } from '../version.js';

interface HeapBinding {
  HEAPU8: Uint8Array;
  _ts_query_new(...args: number[]): number;
}

const MAGIC = 'rxfix-query-snapshot-2';
const PAGE = 256;
const MAX_GAP = 4096;
const ZERO_BLOCK = Buffer.alloc(1 << 16);

/** Where the build puts the snapshots (scripts/query-snapshot.js). */
export const BUILT_SNAPSHOTS = path.join(PACKAGE_ROOT, 'dist', 'query-snapshots');

/** Snapshots kept in a user cache folder (the newest; each is ~2 MB). */
const KEEP_IN_CACHE = 8;

const disabled = () => process.env.RXFIX_QUERY_SNAPSHOTS === '0';

/** Where snapshots are read from and written to (the build's, then a cache folder's); RXFIX_QUERY_SNAPSHOTS=0 compiles always. */
let dirs: { read: string[]; write: string | null } = { read: disabled() ? [] : [BUILT_SNAPSHOTS], write: null };

export function configureQuerySnapshots(read: string[], write: string | null = null): void {
  dirs = { read, write };
}

/** The folders snapshots are read from, to hand to worker threads (which leave saving to this one). */
export function querySnapshotReadDirs(): string[] {
  return [...dirs.read];
}

/**
 * Also keep snapshots in `cacheDir` (the scan's result cache folder, null for none): rule sets
 * other than the built-in one (a configuration that turns rules off, user rules) compile once
 * and are restored from then on.
 */
export function useQuerySnapshotCache(cacheDir: string | null): void {
  if (disabled()) return;
  const own = cacheDir ? path.join(cacheDir, 'queries') : null;
  configureQuerySnapshots(own ? [BUILT_SNAPSHOTS, own] : [BUILT_SNAPSHOTS], longLived ? null : own);
}

let longLived = false;
/**
 * For a process that scans many times (`rxfix server`): its heap is no fresh one by the time it
 * compiles a configured rule set, so a snapshot of that compile would never match a later run;
 * saving one would only push useful ones out of the cache folder.
 */
export function neverSaveQuerySnapshots(): void {
  longLived = true;
  dirs = { read: dirs.read, write: null };
}

/** True when a compile now would be saved for later runs. */
export function querySnapshotsWritable(): boolean {
  return dirs.write !== null;
}

export type QueryCompile = 'none' | 'restored' | 'compiled' | 'saved';

/** How this thread's last query compile went (`--stats`, tests and the build script report it). */
export let lastQueryCompile: QueryCompile = 'none';

/**
 * Runs `compile` (which must call web-tree-sitter's Query constructor once) with ts_query_new
 * answered from a snapshot when one matches the heap. `internals`: parser.ts pinnedInternals().
 */
export function compileWithSnapshot<T>(internals: object | null, text: string, compile: () => T): T {
  const m = internals as Partial<HeapBinding> | null;
  if (!m?.HEAPU8 || !m._ts_query_new || (dirs.read.length === 0 && !dirs.write)) {
    lastQueryCompile = 'compiled';
    return compile();
  }
  const binding = m as HeapBinding;
  const original = binding._ts_query_new;
  binding._ts_query_new = (...args: number[]) => {
    binding._ts_query_new = original;
    return snapshotQueryNew(binding, original, args, textKey(text));
  };
  try {
    return compile();
  } finally {
    binding._ts_query_new = original;
  }
}

/** True when a snapshot of compiling `text` exists (it is used if the heap then matches too). */
export function hasQuerySnapshot(text: string): boolean {
  return snapshotFiles(textKey(text)).length > 0;
}

const textKey = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 24);

function snapshotQueryNew(m: HeapBinding, original: (...args: number[]) => number, args: number[], forText: string): number {
  const heap = m.HEAPU8;
  const keys = new Map<number, string>(); // one hash per prefix length
  for (const { dir, file, used } of snapshotFiles(forText)) {
    if (used > heap.length) continue;
    let key = keys.get(used);
    if (key === undefined) keys.set(used, (key = heapKey(heap, args, used)));
    if (file !== snapshotName(forText, used, key)) continue;
    const address = restore(path.join(dir, file), heap);
    if (address !== null) {
      lastQueryCompile = 'restored';
      return address;
    }
  }
  lastQueryCompile = 'compiled';
  if (!dirs.write) return original(...args);
  const before = heap.slice();
  const address = original(...args);
  const after = m.HEAPU8; // a new view if the heap grew
  if (after.length === before.length && address !== 0) {
    try {
      const used = usedEnd(before);
      save(path.join(dirs.write, snapshotName(forText, used, heapKey(before, args, used))), before, after, address);
      lastQueryCompile = 'saved';
    } catch {
      // a read-only or full cache folder: the next run compiles again
    }
  }
  return address;
}

/** `<text key>-<used heap bytes>-<heap key>.bin` */
const snapshotName = (forText: string, used: number, key: string) => `${forText}-${used}-${key}.bin`;

/** The snapshots of compiling a text, in read-folder order, with the heap prefix each was made from. */
function snapshotFiles(forText: string): { dir: string; file: string; used: number }[] {
  const out: { dir: string; file: string; used: number }[] = [];
  const prefix = `${forText}-`;
  for (const dir of dirs.read) {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const file of names) {
      if (!file.startsWith(prefix) || !file.endsWith('.bin')) continue;
      const used = Number(file.slice(prefix.length, file.indexOf('-', prefix.length)));
      if (Number.isSafeInteger(used) && used > 0) out.push({ dir, file, used });
    }
  }
  return out;
}

/** Hash of the call's arguments, the heap's size and its first `used` bytes. */
function heapKey(heap: Uint8Array, args: readonly number[], used: number): string {
  return createHash('sha1').update(`${MAGIC}\0${args.join(',')}\0${heap.length}\0${used}\0`).update(heap.subarray(0, used)).digest('hex').slice(0, 24);
}

/** One past the heap's last non-zero byte. */
function usedEnd(heap: Uint8Array): number {
  let block = heap.length;
  // whole zero blocks from the top, compared at memcmp speed
  while (block > 0) {
    const from = Math.max(0, block - ZERO_BLOCK.length);
    if (!Buffer.from(heap.buffer, heap.byteOffset + from, block - from).equals(ZERO_BLOCK.subarray(0, block - from))) break;
    block = from;
  }
  let end = block;
  while (end > 0 && heap[end - 1] === 0) end--;
  return end;
}

/** Writes the snapshot's bytes into the heap; the compiled query's address, or null without a usable file. */
function restore(file: string, heap: Uint8Array): number | null {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return null;
  }
  try {
    const headerLength = data.readUInt32LE(0);
    const header = JSON.parse(data.subarray(4, 4 + headerLength).toString('utf8')) as { magic: string; size: number; address: number; runs: [number, number][] };
    if (header.magic !== MAGIC || header.size !== heap.length) return null;
    let at = 4 + headerLength;
    const total = header.runs.reduce((n, [, len]) => n + len, 0);
    if (at + total !== data.length || header.runs.some(([from, len]) => from < 0 || from + len > heap.length)) return null;
    for (const [from, len] of header.runs) {
      heap.set(data.subarray(at, at + len), from);
      at += len;
    }
    return header.address;
  } catch {
    return null; // a damaged file: compile instead
  }
}

function save(file: string, before: Uint8Array, after: Uint8Array, address: number): void {
  // Changed pages, joined across gaps of up to MAX_GAP unchanged bytes: those equal the heap a
  // restore writes over (its hash says so), and a few copies are faster than thousands.
  const runs: [number, number][] = [];
  for (let at = 0; at < after.length; at += PAGE) {
    const len = Math.min(PAGE, after.length - at);
    if (Buffer.from(after.buffer, after.byteOffset + at, len).equals(Buffer.from(before.buffer, before.byteOffset + at, len))) continue;
    const last = runs[runs.length - 1];
    if (last && at - (last[0] + last[1]) <= MAX_GAP) last[1] = at + len - last[0];
    else runs.push([at, len]);
  }
  const header = Buffer.from(JSON.stringify({ magic: MAGIC, size: after.length, address, runs }), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const parts = [length, header, ...runs.map(([at, len]) => Buffer.from(after.subarray(at, at + len)))];
  writeFileAtomic(file, Buffer.concat(parts));
  prune(path.dirname(file));
}

/** Keeps the KEEP_IN_CACHE newest snapshots of a cache folder (never the build's). */
function prune(dir: string): void {
  if (dir !== BUILT_SNAPSHOTS) keepNewest(dir, (f) => f.endsWith('.bin'), KEEP_IN_CACHE);
}
