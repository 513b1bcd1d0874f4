// Helpers shared by the indexing rules.
import type { Node } from 'web-tree-sitter';
import { methodCall } from '../../src/engine/analysis/loops.js';

/** std methods that return an iterator (on slices, str, collections, or iterators). */
export const ITERATOR_SOURCES = new Set([
  'iter', 'iter_mut', 'into_iter', 'chars', 'char_indices', 'bytes', 'lines', 'split', 'rsplit', 'splitn',
  'rsplitn', 'split_whitespace', 'split_ascii_whitespace', 'split_terminator', 'matches', 'match_indices',
  'keys', 'values', 'values_mut', 'into_keys', 'into_values', 'drain', 'windows', 'chunks', 'chunks_exact',
  'rchunks', 'encode_utf16', 'args', 'env',
]);

/** Iterator adapters (their result is an iterator when their receiver is one). */
export const ITERATOR_ADAPTERS = new Set([
  'map', 'filter', 'filter_map', 'flat_map', 'flatten', 'enumerate', 'zip', 'chain', 'rev', 'skip', 'take',
  'step_by', 'copied', 'cloned', 'take_while', 'skip_while', 'map_while', 'peekable', 'inspect', 'scan', 'fuse',
  'by_ref',
]);

/**
 * True when `n` is visibly an iterator: a method chain whose innermost method is an iterator source
 * (`xs.iter()`, `s.chars()`, ...) followed only by iterator adapters.
 */
export function visiblyIterator(n: Node): boolean {
  let cur: Node = n;
  for (;;) {
    const call = methodCall(cur);
    if (!call) return isEnvArgs(cur);
    if (ITERATOR_SOURCES.has(call.method)) return true;
    if (!ITERATOR_ADAPTERS.has(call.method)) return false;
    cur = call.receiver;
  }
}

/** `std::env::args()` / `env::args_os()`. */
function isEnvArgs(n: Node): boolean {
  if (n.type !== 'call_expression' || (n.childForFieldName('arguments')?.namedChildCount ?? 1) !== 0) return false;
  const fn = n.childForFieldName('function');
  return !!fn && fn.type === 'scoped_identifier' && /(^|::)env::args(_os)?$/.test(fn.text.replace(/\s+/g, ''));
}

/** Integer literal `0` (with an optional integer suffix). */
export function isZeroLiteral(n: Node | undefined): boolean {
  return !!n && n.type === 'integer_literal' && /^0+(usize|u8|u16|u32|u64|u128|i8|i16|i32|i64|i128|isize)?$/.test(n.text.replace(/_/g, ''));
}

export function hasComment(n: Node): boolean {
  return n.descendantsOfType(['line_comment', 'block_comment']).length > 0;
}
