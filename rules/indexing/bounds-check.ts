import type { Node } from 'web-tree-sitter';
import { isPureExpr, methodCall, operatorOf } from '../../src/engine/analysis/loops.js';
import { defineRule } from '../../src/engine/rule.js';

const norm = (s: string) => s.replace(/\s+/g, '');

/** `i < v.len()` / `v.len() > i`: the index text and the collection text. */
function lengthGuard(cond: Node): { index: string; coll: string } | null {
  if (cond.type !== 'binary_expression') return null;
  const op = operatorOf(cond);
  const left = cond.childForFieldName('left')!;
  const right = cond.childForFieldName('right')!;
  if (op === '&&') return lengthGuard(left) ?? lengthGuard(right);
  let index: Node;
  let len: Node;
  if (op === '<') [index, len] = [left, right];
  else if (op === '>') [index, len] = [right, left];
  else return null;
  const call = methodCall(len);
  if (!call || call.method !== 'len' || call.args.length !== 0 || call.turbofish) return null;
  if (!isPureExpr(index) || !isPureExpr(call.receiver) || call.receiver.type === 'call_expression') return null;
  return { index: norm(index.text), coll: norm(call.receiver.text) };
}

/** The first `v[i]` in `block` matching the guard, outside closures and nested functions. */
function guardedIndex(block: Node, g: { index: string; coll: string }): Node | null {
  for (const ix of block.descendantsOfType('index_expression')) {
    if (!ix) continue;
    const [base, index] = ix.namedChildren;
    if (!base || !index || norm(base.text) !== g.coll || norm(index.text) !== g.index) continue;
    let inClosure = false;
    for (let p = ix.parent; p && p.id !== block.id; p = p.parent) if (p.type === 'closure_expression' || p.type === 'function_item') inClosure = true;
    if (!inClosure) return ix;
  }
  return null;
}

export default defineRule({
  id: 'bounds-check',
  family: 'indexing',
  severity: 'note',
  tier: 'report-only',
  clippy: null,
  aliases: ['double-bounds-check'],
  message: 'an index is guarded by its own length check',
  help: 'use `v.get(i)` (`if let Some(x) = v.get(i)` or `v.get(i).copied().unwrap_or(d)`): one check instead of two',
  docs: `\`if i < v.len() { ... v[i] ... }\` checks the bound twice: once in the condition and once in the
indexing, which panics on failure. \`v.get(i)\` checks once and hands out the element.

When it is not slow: LLVM usually removes the second check when nothing between the guard and the
index can change \`v\` or \`i\`; the rewrite is then about clarity. In hot loops, prefer shapes that let
LLVM drop checks (iterators, \`zip\`, \`chunks_exact\`, re-slicing once with \`let v = &v[..n];\`, or an
\`assert!(n <= v.len())\` before the loop).

Report-only: rewriting the \`if\` changes its shape (the \`else\` branch, other uses of \`i\`), so it needs a
person. rxfix never suggests or generates \`get_unchecked\`: out of range it is undefined behaviour, even
if the value is unused (patterns.md §5).

Matched: an \`if\` whose condition is (or \`&&\`-contains) \`i < v.len()\` or \`v.len() > i\`, with \`v\`
and \`i\` side-effect-free places, and \`v[i]\` inside the \`then\` block (not in a closure). Related clippy
lints: \`missing_asserts_for_indexing\`, \`indexing_slicing\` (restriction).`,
  example: {
    before: 'let x = if i < v.len() { v[i] } else { 0 };',
    after: 'let x = v.get(i).copied().unwrap_or(0);',
  },
  // lengthGuard needs a `.len()` call in the condition: saying so lets the prefilter skip files
  query: `(if_expression
  condition: (binary_expression) @cond
  consequence: (block) @then
  (#match? @cond "\\\\.\\\\s*\\\\blen\\\\b\\\\s*\\\\(")) @if`,
  check(m) {
    const g = lengthGuard(m.cap('cond'));
    if (!g) return false;
    const ix = guardedIndex(m.cap('then'), g);
    if (!ix) return false;
    return { node: ix, message: `\`${ix.text}\` is guarded by its own length check` };
  },
});
