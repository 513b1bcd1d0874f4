import type { Node } from 'web-tree-sitter';
import { mentions, methodCall } from '../../src/engine/analysis/loops.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule, type Edit } from '../../src/engine/rule.js';
import { collectCall, hasCommentIn, insideFnNamed, isStdName } from './shared.js';

interface Plan {
  message: string;
  help: string;
  edit: Edit;
}

/** `.collect::<Vec<..>>()` with a std `Vec`, as the receiver/argument `n`. */
function vecCollect(n: Node | null | undefined, ctx: FileContext) {
  const c = collectCall(n);
  if (!c || c.targetName !== 'Vec') return null;
  const head = c.target.type === 'generic_type' ? c.target.childForFieldName('type')! : c.target;
  return isStdName(ctx, head.text, c.call) ? c : null;
}

/** A rayon chain: removing the collect would make the following adapters parallel too. */
function parallel(chain: Node): boolean {
  return /\b(par_\w+|into_par_iter|par_bridge)\s*\(/.test(chain.text);
}

function plan(call: Node, ctx: FileContext): Plan | null {
  const m = methodCall(call);
  if (!m || insideFnNamed(ctx, call, ['extend', 'from_iter', 'collect'])) return null;
  const args = call.childForFieldName('arguments')!;
  // it.collect::<Vec<_>>().into_iter() → it
  if (m.method === 'into_iter' && m.args.length === 0 && !m.turbofish) {
    const c = vecCollect(m.receiver, ctx);
    if (!c || parallel(c.receiver)) return null;
    // only where the concrete `vec::IntoIter` type cannot matter: a further adapter, or a `for` loop
    const p = call.parent;
    const chained = p?.type === 'field_expression' && p.childForFieldName('value')?.id === call.id;
    const looped = p?.type === 'for_expression' && p.childForFieldName('value')?.id === call.id;
    if (!chained && !looped) return null;
    return {
      message: 'items are collected into a `Vec` only to be iterated again',
      help: 'drop `.collect::<Vec<_>>().into_iter()` and keep the iterator lazy (the collect also ends borrows and runs closures eagerly: check both)',
      edit: { start: c.receiver.endIndex, end: call.endIndex, text: '' },
    };
  }
  // v.extend(it.collect::<Vec<_>>()) → v.extend(it)
  if (m.method === 'extend' && m.args.length === 1 && !m.turbofish) {
    const c = vecCollect(m.args[0], ctx);
    if (!c || parallel(c.receiver)) return null;
    return {
      message: 'items are collected into a `Vec` only to extend another collection',
      help: '`extend` takes any iterator: pass it directly',
      edit: { start: c.receiver.endIndex, end: c.call.endIndex, text: '' },
    };
  }
  // it.collect::<Vec<String>>().join("") / .concat() → it.collect::<String>()
  if ((m.method === 'join' && m.args.length === 1 && /^""$/.test(m.args[0]!.text)) || (m.method === 'concat' && m.args.length === 0)) {
    const c = vecCollect(m.receiver, ctx);
    // `join("")` only exists for `Borrow<str>` items, so `Vec<_>` is fine there; `concat` also joins `Vec<Vec<T>>`
    if (!c) return null;
    const strItems = c.element !== null && /^(String|&(?:'[A-Za-z_]+\s+)?str|std::string::String)$/.test(c.element);
    if (!(strItems || (m.method === 'join' && c.element === '_'))) return null;
    return {
      message: 'strings are collected into a `Vec` only to be concatenated',
      help: 'collect straight into a `String`: one buffer instead of a `Vec` plus the joined copy',
      edit: { start: c.field.startIndex, end: args.endIndex, text: 'collect::<String>()' },
    };
  }
  return null;
}

/** `x = x.into_iter().filter(p).collect();` → `x.retain(p);` */
function planRetain(assign: Node, ctx: FileContext): Plan | null {
  if (insideFnNamed(ctx, assign, ['retain'])) return null;
  const left = assign.childForFieldName('left');
  const right = assign.childForFieldName('right');
  if (!left || left.type !== 'identifier' || !right) return null;
  const c = collectCall(right) ?? plainCollect(right);
  if (!c) return null;
  const filter = methodCall(c.receiver);
  if (!filter || filter.method !== 'filter' || filter.args.length !== 1) return null;
  const into = methodCall(filter.receiver);
  if (!into || into.method !== 'into_iter' || into.args.length !== 0 || into.receiver.type !== 'identifier' || into.receiver.text !== left.text) return null;
  const pred = filter.args[0]!;
  if (mentions(pred, left.text)) return null;
  return {
    message: `\`${left.text}\` is rebuilt from a filtered copy of itself`,
    help: `use \`${left.text}.retain(..)\`: it filters in place, with no new allocation`,
    edit: { start: assign.startIndex, end: assign.endIndex, text: `${left.text}.retain(${pred.text})` },
  };
}

/** `it.collect()` without a turbofish: the receiver. */
function plainCollect(n: Node): { receiver: Node } | null {
  const m = methodCall(n);
  return m && m.method === 'collect' && m.args.length === 0 && !m.turbofish ? { receiver: m.receiver } : null;
}

export default defineRule({
  id: 'needless-collect',
  family: 'collections',
  severity: 'warning',
  tier: 'verify',
  clippy: 'clippy::needless_collect',
  aliases: ['manual-retain', 'unnecessary-join'],
  message: 'an intermediate collection is built and thrown away',
  help: 'skip the intermediate collection',
  docs: `Collecting into a \`Vec\` allocates, moves every item, and frees the buffer; when the next step only
iterates, extends, concatenates or filters, the collection is pure overhead.

| match | fix |
|---|---|
| \`it.collect::<Vec<_>>().into_iter()\` | \`it\` |
| \`v.extend(it.collect::<Vec<_>>())\` | \`v.extend(it)\` |
| \`it.collect::<Vec<String>>().join("")\` / \`.concat()\` | \`it.collect::<String>()\` |
| \`x = x.into_iter().filter(p).collect();\` | \`x.retain(p)\` |

(\`.collect::<Vec<_>>().len()\` / \`.is_empty()\` is \`collect-then-len\`.)

When not: the collect ends a borrow later code needs (\`let keys: Vec<_> = m.keys().cloned().collect();
for k in keys { m.remove(&k); }\`: not matched, and a chained case fails to compile and is dropped),
or the eager collect is wanted so that every \`map\`/\`inspect\` closure runs before the loop body (the
lazy form interleaves them). \`retain\` is only suggested for a \`filter\` directly on \`into_iter()\` of the
same variable, with no \`map\`, so the element type is unchanged.

Tier verify: borrows, closure timing, and types (\`retain\` on a map takes \`(&K, &mut V)\`) must be
checked by cargo and the tests. Clippy: \`clippy::needless_collect\` (nursery), \`clippy::manual_retain\`
(perf), \`clippy::unnecessary_join\` (pedantic).`,
  example: {
    before: 'out.extend(words.iter().map(|w| w.len()).collect::<Vec<_>>());',
    after: 'out.extend(words.iter().map(|w| w.len()));',
  },
  query: `(call_expression
  function: (field_expression field: (field_identifier) @method)
  arguments: (arguments)
  (#any-of? @method "into_iter" "extend" "join" "concat")) @match
(assignment_expression
  right: (call_expression
    function: [(field_expression field: (field_identifier) @collect)
               (generic_function function: (field_expression field: (field_identifier) @collect))])
  (#eq? @collect "collect")) @match`,
  check(m, ctx) {
    const p = m.node.type === 'assignment_expression' ? planRetain(m.node, ctx) : plan(m.node, ctx);
    return p ? { message: p.message, help: p.help } : false;
  },
  fix(m, ctx) {
    const p = m.node.type === 'assignment_expression' ? planRetain(m.node, ctx) : plan(m.node, ctx);
    if (!p || hasCommentIn(ctx.tree.rootNode, p.edit.start, p.edit.end)) return null;
    return [p.edit];
  },
});
