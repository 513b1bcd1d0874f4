import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule } from '../../src/engine/rule.js';
import { collectCall, hasCommentIn, insideFnNamed, isStdName, type CollectCall } from './shared.js';

/** Collections whose `len()` is the number of items collected (no deduplication, no byte counts). */
const COUNTING_TARGETS = new Set(['Vec', 'VecDeque', 'LinkedList', 'BinaryHeap']);

interface Plan {
  collect: CollectCall;
  method: 'len' | 'is_empty';
  end: number;
}

function plan(outer: Node, ctx: FileContext): Plan | null {
  const fn = outer.childForFieldName('function');
  const args = outer.childForFieldName('arguments');
  if (!fn || fn.type !== 'field_expression' || !args || args.namedChildCount !== 0) return null;
  const method = fn.childForFieldName('field')?.text;
  if (method !== 'len' && method !== 'is_empty') return null;
  const c = collectCall(fn.childForFieldName('value'));
  if (!c || !COUNTING_TARGETS.has(c.targetName)) return null;
  if (insideFnNamed(ctx, outer, method === 'len' ? ['count'] : ['next', 'is_none'])) return null;
  const head = c.target.type === 'generic_type' ? c.target.childForFieldName('type')! : c.target;
  if (!isStdName(ctx, head.text, outer)) return null;
  return { collect: c, method, end: outer.endIndex };
}

export default defineRule({
  id: 'collect-then-len',
  family: 'collections',
  severity: 'warning',
  tier: 'verify',
  clippy: 'clippy::needless_collect',
  message: 'items are collected into a collection only to be counted',
  help: 'count them without allocating: `.count()` (or `.next().is_none()` for `is_empty`)',
  docs: `\`it.collect::<Vec<_>>().len()\` allocates a buffer, moves every item into it (reallocating as it
grows), reads its length and frees it. \`it.count()\` walks the same items and keeps none.

Matched: \`.collect::<T<..>>()\` immediately followed by \`.len()\` or \`.is_empty()\`, where \`T\` is a std
\`Vec\`, \`VecDeque\`, \`LinkedList\` or \`BinaryHeap\`: collections whose length is the number of items.
Never for \`HashSet\`/\`HashMap\`/\`BTreeSet\`/\`BTreeMap\` (they deduplicate: the length is the number of
distinct keys) or \`String\` (its length counts bytes).

Fix: \`.len()\` → \`.count()\`, which runs every closure of the chain exactly as \`collect\` did; items are
dropped one by one instead of all at the end. \`.is_empty()\` → \`.next().is_none()\`, which stops at the
first item: \`map\`/\`inspect\`/\`filter\` closures with side effects then run fewer times.

Tier verify: a written element type (\`collect::<Vec<u32>>()\`) may be what infers a \`parse()\` earlier in
the chain (compile error, caught), a \`collect\` that is an inherent method of a non-iterator type may have
no \`count\`, the drop timing of items changes, and the \`is_empty\` form short-circuits side effects.

Clippy: \`clippy::needless_collect\` (nursery).`,
  example: {
    before: 'let n = lines.iter().filter(|l| l.starts_with(\'#\')).collect::<Vec<_>>().len();',
    after: 'let n = lines.iter().filter(|l| l.starts_with(\'#\')).count();',
  },
  query: `(call_expression
  function: (field_expression
    value: (call_expression
      function: (generic_function function: (field_expression field: (field_identifier) @collect)))
    field: (field_identifier) @len)
  arguments: (arguments)
  (#eq? @collect "collect")
  (#any-of? @len "len" "is_empty")) @match`,
  check(m, ctx) {
    const p = plan(m.node, ctx);
    if (!p) return false;
    if (p.method === 'is_empty') {
      return {
        message: 'items are collected into a collection only to test for emptiness',
        help: 'use `.next().is_none()`: it stops at the first item (closures with side effects then run fewer times)',
      };
    }
    return true;
  },
  fix(m, ctx) {
    const p = plan(m.node, ctx);
    if (!p || hasCommentIn(ctx.tree.rootNode, p.collect.field.startIndex, p.end)) return null;
    return [{ start: p.collect.field.startIndex, end: p.end, text: p.method === 'len' ? 'count()' : 'next().is_none()' }];
  },
});
