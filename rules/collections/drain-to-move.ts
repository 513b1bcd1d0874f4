import type { Node } from 'web-tree-sitter';
import { isPlace, methodCall } from '../../src/engine/analysis/loops.js';
import { resolveBinding } from '../../src/engine/analysis/uses.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule, type Edit } from '../../src/engine/rule.js';
import { collectCall, collectionKind, hasCommentIn, insideFnNamed } from './shared.js';

/** `b.drain(..)` over the full range, with `b` a place: `b`. */
function fullDrain(n: Node | null | undefined): Node | null {
  const m = methodCall(n);
  if (!m || m.method !== 'drain' || m.turbofish || m.args.length !== 1) return null;
  const r = m.args[0]!;
  if (r.type !== 'range_expression' || r.namedChildCount !== 0 || r.text.replace(/\s+/g, '') !== '..') return null;
  return isPlace(m.receiver) && m.receiver.type !== 'index_expression' ? m.receiver : null;
}

/** `&mut b`, or `b` itself when `b` is visibly a `&mut` reference (a parameter `b: &mut Vec<T>`). */
function mutBorrow(b: Node, ctx: FileContext): string {
  if (b.type === 'identifier') {
    const binding = resolveBinding(ctx, b);
    // a binding that is not `mut` yet could be drained is a `&mut` reference (a parameter, or a
    // match-ergonomics binding): reborrow what it points to
    if (binding && (!binding.mutable || binding.byRef || (binding.type && /^&\s*('[A-Za-z_]+\s*)?mut\b/.test(binding.type.text)))) return `&mut *${b.text}`;
  }
  return `&mut ${b.text}`;
}

function inLoop(ctx: FileContext, n: Node): boolean {
  for (const a of ctx.ancestors(n)) {
    if (a.type === 'for_expression' || a.type === 'while_expression' || a.type === 'loop_expression') return true;
    if (a.type === 'function_item' || a.type === 'closure_expression') return false;
  }
  return false;
}

interface Plan {
  kind: 'append' | 'take';
  edit: Edit;
  source: string;
  reportOnly: boolean;
}

function plan(call: Node, ctx: FileContext): Plan | null {
  const m = methodCall(call);
  if (!m || insideFnNamed(ctx, call, ['append', 'take', 'extend'])) return null;
  // a.extend(b.drain(..)) → a.append(&mut b)
  if (m.method === 'extend' && m.args.length === 1 && !m.turbofish) {
    const b = fullDrain(m.args[0]);
    if (!b || !isPlace(m.receiver) || b.text === m.receiver.text) return null;
    // `append` exists on Vec and VecDeque only (a TokenStream or SmallVec receiver has none)
    const ka = collectionKind(ctx, m.receiver);
    const kb = collectionKind(ctx, b);
    if ((ka !== 'vec' && ka !== 'deque') || (kb !== null && kb !== ka)) return null;
    const args = call.childForFieldName('arguments')!;
    return {
      kind: 'append',
      source: b.text,
      reportOnly: false,
      edit: { start: m.methodNode.startIndex, end: args.endIndex, text: `append(${mutBorrow(b, ctx)})` },
    };
  }
  // b.drain(..).collect::<Vec<_>>() → std::mem::take(&mut b)
  const c = collectCall(call);
  if (c && (c.targetName === 'Vec' || c.targetName === 'String')) {
    const b = fullDrain(c.receiver);
    // `take` returns `b`'s own type, which must be the collected one
    if (!b || collectionKind(ctx, b) !== (c.targetName === 'Vec' ? 'vec' : 'string')) return null;
    return {
      kind: 'take',
      source: b.text,
      // `take` gives up `b`'s buffer; a loop that refills `b` would then reallocate every round
      reportOnly: inLoop(ctx, call),
      edit: { start: call.startIndex, end: call.endIndex, text: `std::mem::take(${mutBorrow(b, ctx)})` },
    };
  }
  return null;
}

export default defineRule({
  id: 'drain-to-move',
  family: 'collections',
  severity: 'warning',
  tier: 'verify',
  clippy: 'clippy::extend_with_drain',
  aliases: ['drain-collect'],
  message: 'all elements are drained one by one to move a whole collection',
  help: 'move the buffer instead',
  docs: `\`a.extend(b.drain(..))\` moves every element of \`b\` through an iterator; \`a.append(&mut b)\` does
the same with one \`memcpy\` (and still leaves \`b\` empty with its capacity). \`b.drain(..).collect::<Vec<_>>()\`
allocates a new buffer and copies every element into it; \`std::mem::take(&mut b)\` hands over \`b\`'s
buffer and leaves an empty one behind, with no copy at all.

Fix: \`a.extend(b.drain(..))\` → \`a.append(&mut b)\`; \`b.drain(..).collect::<Vec<_>>()\` (or
\`::<String>\`) → \`std::mem::take(&mut b)\`.

When not: the \`take\` form inside a loop is report-only: \`drain\` kept \`b\`'s allocation for the next
round, \`take\` gives it away, so a \`b\` that is refilled every iteration would reallocate every time.

Only when the receiver of \`extend\` is visibly a \`Vec\`/\`VecDeque\` (and \`b\`, if visible, the same), and for
\`take\` when \`b\` is visibly the collected type; a \`ref mut\`/\`&mut\` binding is reborrowed as \`&mut *b\`. Never
inside a function named \`append\`/\`extend\`/\`take\` (the rewrite would call itself).

Tier verify: \`append\` needs \`a\` and \`b\` to be the same collection type (a \`Vec\` extended from a
\`VecDeque\` drain does not compile, caught), and \`take\` returns \`b\`'s own type, which must be the
collected one. Only full-range drains (\`..\`) are rewritten. Clippy: \`clippy::extend_with_drain\`,
\`clippy::drain_collect\` (perf).`,
  example: {
    before: 'out.extend(batch.drain(..));\nlet done: Vec<Job> = queue.drain(..).collect::<Vec<_>>();',
    after: 'out.append(&mut batch);\nlet done: Vec<Job> = std::mem::take(&mut queue);',
  },
  query: `(call_expression
  function: [(field_expression field: (field_identifier) @method)
             (generic_function function: (field_expression field: (field_identifier) @method))]
  arguments: (arguments)
  (#any-of? @method "extend" "collect")) @match`,
  check(m, ctx) {
    const p = plan(m.node, ctx);
    if (!p) return false;
    if (p.kind === 'append') return { message: `\`${p.source}\` is drained element by element into another collection`, help: `use \`.append(&mut ${p.source})\`: one memcpy, and \`${p.source}\` keeps its capacity` };
    return {
      tier: p.reportOnly ? 'report-only' : 'verify',
      message: `\`${p.source}\` is drained into a new collection`,
      help: p.reportOnly
        ? `\`std::mem::take(&mut ${p.source})\` would move the buffer, but inside a loop \`${p.source}\` would then reallocate every round; keep \`drain\` or reuse a buffer`
        : `use \`std::mem::take(&mut ${p.source})\`: it moves the buffer instead of copying every element`,
    };
  },
  fix(m, ctx) {
    const p = plan(m.node, ctx);
    if (!p || p.reportOnly || hasCommentIn(ctx.tree.rootNode, p.edit.start, p.edit.end)) return null;
    return [p.edit];
  },
});
