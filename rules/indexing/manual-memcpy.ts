import type { Node } from 'web-tree-sitter';
import { exclusiveRange, isPlace, isPureExpr, mentions, methodCall, operatorOf, singleStatementBody, statementExpression } from '../../src/engine/analysis/loops.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule } from '../../src/engine/rule.js';
import { insideFnNamed } from '../collections/shared.js';
import { hasComment, isZeroLiteral } from './shared.js';

const norm = (s: string) => s.replace(/\s+/g, '');

interface Plan {
  text: string;
  clone: boolean;
}

/** `i` → '', `i + e` / `e + i` → `e`; null for anything else. */
function offsetOf(index: Node, i: string): string | null {
  if (index.type === 'identifier') return index.text === i ? '' : null;
  if (index.type !== 'binary_expression' || operatorOf(index) !== '+') return null;
  const l = index.childForFieldName('left')!;
  const r = index.childForFieldName('right')!;
  const [other] = l.type === 'identifier' && l.text === i ? [r] : r.type === 'identifier' && r.text === i ? [l] : [null];
  if (!other || mentions(other, i) || !isPureExpr(other)) return null;
  return other.text;
}

/** `D[..]` with D a place that is not itself indexed by the loop variable: D and the index. */
function indexed(n: Node, i: string): { base: Node; off: string } | null {
  if (n.type !== 'index_expression') return null;
  const [base, index] = n.namedChildren;
  if (!base || !index || !isPlace(base) || base.type === 'index_expression' || mentions(base, i)) return null;
  const off = offsetOf(index, i);
  return off === null ? null : { base, off };
}

function range(end: Node, off: string, base: Node): string {
  if (off === '' && norm(end.text) === `${norm(base.text)}.len()`) return '..';
  return off === '' ? `..${end.text}` : `${off}..${end.text} + ${off}`;
}

function rootOf(n: Node): string {
  let cur = n;
  while (cur.type === 'field_expression') cur = cur.childForFieldName('value')!;
  return cur.text;
}

function plan(loop: Node, ctx: FileContext): Plan | null {
  if (loop.tree !== ctx.tree || insideFnNamed(ctx, loop, ['copy_from_slice', 'clone_from_slice'])) return null;
  const pattern = loop.childForFieldName('pattern');
  const r = exclusiveRange(loop.childForFieldName('value')!);
  if (!pattern || pattern.type !== 'identifier' || !r) return null;
  // only ranges from 0: a `for i in a..b` with a > b does nothing, while `d[a..b]` would panic
  if (!isZeroLiteral(r.start) || !isPureExpr(r.end)) return null;
  const stmt = singleStatementBody(loop);
  const assign = stmt ? statementExpression(stmt) : null;
  if (!assign || assign.type !== 'assignment_expression') return null;
  const i = pattern.text;
  const dst = indexed(assign.childForFieldName('left')!, i);
  let right = assign.childForFieldName('right')!;
  let clone = false;
  const m = methodCall(right);
  if (m && m.method === 'clone' && m.args.length === 0) {
    right = m.receiver;
    clone = true;
  }
  const src = indexed(right, i);
  if (!dst || !src || mentions(r.end, i)) return null;
  // the same buffer on both sides would be a borrow error: that is `copy_within`
  if (norm(dst.base.text) === norm(src.base.text) || (dst.base.type === 'identifier' && rootOf(src.base) === dst.base.text) || (src.base.type === 'identifier' && rootOf(dst.base) === src.base.text)) return null;
  const method = clone ? 'clone_from_slice' : 'copy_from_slice';
  const semi = loop.parent?.type === 'expression_statement' && loop.parent.lastChild?.type === ';' ? '' : ';';
  return { text: `${dst.base.text}[${range(r.end, dst.off, dst.base)}].${method}(&${src.base.text}[${range(r.end, src.off, src.base)}])${semi}`, clone };
}

export default defineRule({
  id: 'manual-memcpy',
  family: 'indexing',
  severity: 'warning',
  tier: 'verify',
  clippy: 'clippy::manual_memcpy',
  message: 'a loop copies a slice element by element',
  help: 'use `copy_from_slice` (one bounds check and a memcpy)',
  docs: `\`for i in 0..n { dst[i] = src[i]; }\` bounds-checks both sides on every element and copies one at a
time (LLVM sometimes recognises the memcpy, often not once offsets are involved). \`dst[..n].copy_from_slice(&src[..n])\`
checks the lengths once and copies with \`memcpy\`.

Matched: \`for i in 0..n\` whose whole body is \`dst[i + o1] = src[i + o2];\` (offsets optional and free of
\`i\`), with \`dst\` and \`src\` distinct places; also \`= src[..].clone()\` (→ \`clone_from_slice\`).

Fix: \`dst[o1..n + o1].copy_from_slice(&src[o2..n + o2]);\`. Only ranges starting at 0: \`for i in a..b\` with
\`a > b\` runs zero times, while \`dst[a..b]\` would panic.

When not: \`dst\` and \`src\` are the same buffer (a borrow error: use \`copy_within\`). Tier verify: when an
index is out of bounds the loop panics after copying a prefix, while \`copy_from_slice\` panics before
copying anything, which only shows if the panic is caught. Clippy: \`clippy::manual_memcpy\` (perf).`,
  example: {
    before: 'for i in 0..n {\n    dst[i] = src[i];\n}',
    after: 'dst[..n].copy_from_slice(&src[..n]);',
  },
  query: `(for_expression
  pattern: (identifier)
  value: (range_expression)
  body: (block (expression_statement (assignment_expression left: (index_expression))))) @match`,
  check(m, ctx) {
    const p = plan(m.node, ctx);
    return p ? { help: `use \`${p.text.replace(/;$/, '')}\`` } : false;
  },
  fix(m, ctx) {
    const p = plan(m.node, ctx);
    if (!p || hasComment(m.node)) return null;
    return [{ start: m.node.startIndex, end: m.node.endIndex, text: p.text }];
  },
});
