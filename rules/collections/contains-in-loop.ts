import type { Node } from 'web-tree-sitter';
import { methodCall } from '../../src/engine/analysis/loops.js';
import { resolveBinding } from '../../src/engine/analysis/uses.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule, INSIDE_LOOP } from '../../src/engine/rule.js';
import { visibleSeqKind } from './shared.js';

interface Finding {
  message: string;
  help: string;
}

const LINEAR_SEARCH = new Set(['position', 'find', 'rposition']);

/** The loop (for/while/loop) around `node` in the same function body, not crossing a closure. */
function enclosingLoop(ctx: FileContext, node: Node): Node | null {
  for (const a of ctx.ancestors(node)) {
    if (a.type === 'for_expression' || a.type === 'while_expression' || a.type === 'loop_expression') return a;
    if (a.type === 'function_item' || a.type === 'closure_expression' || a.type === 'async_block') return null;
  }
  return null;
}

/** True when `name` is grown inside `loop` (`name.push(..)`, `name.insert(..)`): a running dedup list. */
function grownIn(loop: Node, name: string): boolean {
  return loop.descendantsOfType('call_expression').some((c) => {
    const m = methodCall(c);
    return !!m && m.receiver.type === 'identifier' && m.receiver.text === name && ['push', 'insert', 'extend', 'push_back'].includes(m.method);
  });
}

function declaredInside(ctx: FileContext, ident: Node, loop: Node): boolean {
  const b = resolveBinding(ctx, ident);
  return !!b && b.ident.startIndex >= loop.startIndex && b.ident.endIndex <= loop.endIndex;
}

function classify(call: Node, ctx: FileContext): Finding | null {
  const m = methodCall(call);
  if (!m || m.turbofish) return null;
  const loop = enclosingLoop(ctx, call);
  if (!loop) return null;
  // s.chars().nth(i) with i the loop counter
  if (m.method === 'nth' && m.args.length === 1 && m.args[0]!.type === 'identifier') {
    const inner = methodCall(m.receiver);
    const pat = loop.type === 'for_expression' ? loop.childForFieldName('pattern') : null;
    if (inner && inner.method === 'chars' && inner.args.length === 0 && pat?.type === 'identifier' && pat.text === m.args[0]!.text) {
      return {
        message: '`.chars().nth(i)` in a loop over `i` walks the string from the start every time (quadratic)',
        help: 'walk the characters once with `for (i, c) in s.chars().enumerate()` or `char_indices()`; note that `s.len()` counts bytes, not chars',
      };
    }
    return null;
  }
  const recv = m.method === 'contains' || m.method === 'remove' || m.method === 'insert' ? m.receiver : methodCall(m.receiver)?.method === 'iter' ? methodCall(m.receiver)!.receiver : null;
  if (!recv || recv.type !== 'identifier') return null;
  const kind = visibleSeqKind(ctx, recv);
  // a fixed-size array is a small constant table; a collection made inside the loop is not searched again
  if (!kind || kind === 'array' || declaredInside(ctx, recv, loop)) return null;
  const v = recv.text;
  if (m.method === 'contains' && m.args.length === 1) {
    const running = grownIn(loop, v);
    return {
      message: `\`${v}.contains(..)\` inside a loop is a linear search per iteration (quadratic overall)`,
      help: running
        ? `\`${v}\` also grows in this loop: keep a \`HashSet\` of the seen items beside it (or use \`IndexSet\`) and test membership there`
        : `build a \`HashSet\` from \`${v}\` once before the loop and test membership there (needs \`Hash + Eq\`; below a few dozen items the linear search is faster)`,
    };
  }
  if (LINEAR_SEARCH.has(m.method) && m.args.length === 1 && methodCall(m.receiver)?.args.length === 0) {
    return {
      message: `\`${v}.iter().${m.method}(..)\` inside a loop is a linear search per iteration (quadratic overall)`,
      help: `index \`${v}\` once before the loop, e.g. a \`HashMap\` from key to position`,
    };
  }
  if (kind === 'vec' && m.method === 'remove' && m.args.length === 1 && m.args[0]!.text === '0') {
    return {
      message: `\`${v}.remove(0)\` inside a loop shifts every remaining element each time (quadratic overall)`,
      help: 'use a `VecDeque` and `pop_front()`, or iterate/`drain(..)` in order and clear at the end',
    };
  }
  if (kind === 'vec' && m.method === 'insert' && m.args.length === 2 && m.args[0]!.text === '0') {
    return {
      message: `\`${v}.insert(0, ..)\` inside a loop shifts every element each time (quadratic overall)`,
      help: 'use a `VecDeque` and `push_front()`, or push and `reverse()` once at the end',
    };
  }
  return null;
}

export default defineRule({
  id: 'contains-in-loop',
  family: 'collections',
  requires: INSIDE_LOOP, // classify(): enclosingLoop
  severity: 'warning',
  tier: 'report-only',
  clippy: null,
  aliases: ['quadratic-vec-ops'],
  message: 'a linear-time Vec operation inside a loop',
  help: 'use a data structure with the right complexity',
  docs: `Linear-time operations on a \`Vec\` repeated once per loop iteration make the loop quadratic:

- \`v.contains(&x)\`, \`v.iter().position(..)\`, \`v.iter().find(..)\`: a scan of \`v\` per iteration. Build a
  \`HashSet\`/\`HashMap\` once (or keep one beside a \`Vec\` that grows in the loop, the classic dedup).
- \`v.remove(0)\` / \`v.insert(0, x)\`: shift every element. A \`VecDeque\` has \`pop_front\`/\`push_front\` in O(1).
- \`s.chars().nth(i)\` where \`i\` is the loop counter: walks the string from its start each time. Walk
  once with \`chars().enumerate()\` or \`char_indices()\` (and note \`s.len()\` counts bytes, not chars).

Matched only when the receiver is visibly a \`Vec\`, slice, array (or \`VecDeque\` for the searches): a
written type or a \`vec![..]\`/\`Vec::new()\`/\`collect::<Vec<_>>()\` initializer. \`HashSet::contains\` and
\`str::contains\` are never reported.

Report-only: the fix changes types (and needs \`Hash + Eq\`), and a linear search beats hashing below a
few dozen elements, so it needs a person and a benchmark. No clippy lint.`,
  example: {
    before: 'for id in &incoming { if known.contains(id) { hits += 1; } }  // known: Vec<u64>',
    after: 'let known: HashSet<u64> = known.iter().copied().collect();\nfor id in &incoming { if known.contains(id) { hits += 1; } }',
  },
  query: `(call_expression
  function: (field_expression field: (field_identifier) @method)
  arguments: (arguments)
  (#any-of? @method "contains" "position" "find" "rposition" "remove" "insert" "nth")) @match`,
  check(m, ctx) {
    const f = classify(m.node, ctx);
    return f ? { message: f.message, help: f.help } : false;
  },
});
