import type { Node } from 'web-tree-sitter';
import { defineRule, type Edit, type Tier } from '../../src/engine/rule.js';
import type { FileContext } from '../../src/engine/context.js';
import { primitiveShadowed, typeHintOf } from '../../src/engine/analysis/types.js';
import { lastSegment } from '../../src/engine/syntax.js';
import { methodCall, type MethodCall } from '../strings/util.js';

/** Written types that have `to_vec` (slices, arrays, Vec, through references and Box). */
function sliceLike(t: string): boolean {
  let s = t.replace(/\s+/g, ' ').trim();
  for (;;) {
    const r = /^&\s*('[A-Za-z_]\w*\s+)?(mut\s+)?/.exec(s);
    if (!r || r[0] === '') break;
    s = s.slice(r[0].length).trim();
  }
  if (/^\[.*\]$/.test(s)) return true; // [T] or [T; N]
  return /^((std|alloc)::vec::)?Vec\s*<.*>$/.test(s) || /^Box\s*<\s*\[.*\]\s*>$/.test(s);
}

/** A written type that visibly is something else (a map, set, deque, Option...). */
function visiblyNotSlice(t: string): boolean {
  return !sliceLike(t) && !/^\s*(impl|dyn)\b/.test(t) && /^[&\s]*('[A-Za-z_]\w*\s+)?(mut\s+)?[A-Za-z_:]+\s*(<|$)/.test(t);
}

function isVecType(n: Node | null | undefined): boolean {
  if (!n) return false;
  if (n.type === 'generic_type') return lastSegment(n.childForFieldName('type')?.text ?? '') === 'Vec';
  return false;
}

interface CollectPlan {
  kind: 'collect';
  iterCall: MethodCall;
  tier: Tier;
}
interface MovePlan {
  kind: 'move';
  cloned: MethodCall;
  outer: MethodCall;
}

const CLOSURE_FREE_ADAPTERS = new Set(['count', 'next', 'last', 'nth']);

function planCollect(ctx: FileContext, call: Node): CollectPlan | null {
  const collect = methodCall(call);
  if (!collect || collect.method !== 'collect' || collect.args.length !== 0) return null;
  const cloned = methodCall(collect.recv);
  if (!cloned || (cloned.method !== 'cloned' && cloned.method !== 'copied') || cloned.args.length !== 0) return null;
  const iter = methodCall(cloned.recv);
  if (!iter || iter.method !== 'iter' || iter.args.length !== 0) return null;
  // the target must visibly be a Vec: a turbofish or the annotated let that the chain initializes
  const fn = call.childForFieldName('function');
  let vec = false;
  if (fn?.type === 'generic_function') {
    const targs = fn.childForFieldName('type_arguments');
    vec = !!targs && targs.namedChildCount === 1 && isVecType(targs.namedChildren[0]);
  } else {
    const p = ctx.parent(call);
    vec = p?.type === 'let_declaration' && p.childForFieldName('value')?.id === call.id && isVecType(p.childForFieldName('type'));
  }
  if (!vec) return null;
  // a receiver with a visible type decides: slice-like → safe, anything else → no finding
  const recv = iter.recv;
  let tier: Tier = 'verify';
  if (recv.type === 'identifier' || recv.type === 'self') {
    const t = recv.type === 'identifier' ? typeHintOf(ctx, recv).type : null;
    if (t && sliceLike(t) && !primitiveShadowed(ctx, 'Vec') && !primitiveShadowed(ctx, 'Box')) tier = 'safe';
    else if (t && visiblyNotSlice(t)) return null;
  } else if (recv.type === 'array_expression') tier = 'safe';
  return { kind: 'collect', iterCall: iter, tier };
}

function planMove(call: Node): MovePlan | null {
  const outer = methodCall(call);
  if (!outer || !CLOSURE_FREE_ADAPTERS.has(outer.method)) return null;
  if (outer.method === 'nth' ? outer.args.length !== 1 : outer.args.length !== 0) return null;
  const cloned = methodCall(outer.recv);
  if (!cloned || cloned.method !== 'cloned' || cloned.args.length !== 0) return null;
  // `opt.cloned()` on an Option has no count/next/last/nth; require an iterator-looking chain
  return { kind: 'move', cloned, outer };
}

function dotOf(mc: MethodCall): Node | null {
  return mc.field.parent?.children.find((c) => c?.type === '.') ?? null;
}

export default defineRule({
  id: 'iter-cloned-collect',
  aliases: ['iter-overeager-cloned'],
  family: 'alloc',
  severity: 'warning',
  tier: 'safe',
  clippy: 'clippy::iter_cloned_collect',
  message: 'cloning every element of an iterator that is collected or consumed',
  help: 'use `.to_vec()`, or move `.cloned()` after the adapter that drops elements',
  docs: `Two forms of cloning more than needed (patterns.md A3):

1. \`xs.iter().cloned().collect::<Vec<_>>()\` (or \`.copied()\`, or \`let v: Vec<_> = xs.iter().cloned().collect();\`)
   is \`xs.to_vec()\`: the same clones, but \`to_vec\` allocates exactly once and, for Copy elements,
   is a single memcpy. Tier safe only when \`xs\` is visibly a slice, array or Vec (its written type,
   or an array literal): patterns.md calls this form safe unconditionally, but a \`VecDeque\`,
   \`HashSet\` or user type with \`iter()\` has no (or another) \`to_vec\`, so for an unknown receiver
   it is verify, and for a visibly different type it is not reported.
2. \`.cloned().count()\` → \`.count()\`; \`.cloned().next()\`/\`.last()\`/\`.nth(n)\` →
   \`.next().cloned()\`/...: clone only the element that is returned, not every element walked over
   (clippy \`iter_overeager_cloned\`, \`redundant_iter_cloned\`). Tier verify: a \`Clone\` with side
   effects would run fewer times. Closure adapters (\`filter\`, \`find\`) are not rewritten: the closure
   would receive \`&&T\` instead of \`&T\`, and \`|x| x == y\` may then pick another \`PartialEq\`.

\`.copied()\` is never a finding in form 2 (copies are free). Alias: \`iter-overeager-cloned\`.`,
  example: {
    before: 'let all = names.iter().cloned().collect::<Vec<_>>();\nlet n = names.iter().cloned().count();',
    after: 'let all = names.to_vec();\nlet n = names.iter().count();',
  },
  query: `(call_expression
  function: [(field_expression field: (field_identifier) @m) (generic_function function: (field_expression field: (field_identifier) @m))]
  (#any-of? @m "collect" "count" "next" "last" "nth")) @match`,
  check(m, ctx) {
    const c = planCollect(ctx, m.node);
    if (c) return { tier: c.tier, message: 'cloning every element into a new Vec: this is `to_vec()`', help: 'use `.to_vec()`' };
    const mv = planMove(m.node);
    if (mv) {
      const help = mv.outer.method === 'count' ? 'drop `.cloned()`: counting needs no clones' : `use \`.${mv.outer.method}(..).cloned()\`: clone only the element returned`;
      return { tier: 'verify', message: `\`.cloned()\` before \`.${mv.outer.method}()\` clones elements that are thrown away`, help };
    }
    return false;
  },
  fix(m, ctx) {
    const c = planCollect(ctx, m.node);
    if (c) {
      const d = dotOf(c.iterCall);
      return d ? [{ start: d.startIndex, end: m.node.endIndex, text: '.to_vec()' }] : null;
    }
    const mv = planMove(m.node);
    if (!mv) return null;
    const d = dotOf(mv.cloned);
    if (!d) return null;
    // delete `.cloned()`; append `.cloned()` after next/last/nth
    const edits: Edit[] = [
      { start: d.startIndex, end: mv.cloned.field.endIndex, text: '' },
      { start: mv.cloned.argsNode.startIndex, end: mv.cloned.argsNode.endIndex, text: '' },
    ];
    if (mv.outer.method !== 'count') edits.push({ start: m.node.endIndex, end: m.node.endIndex, text: '.cloned()' });
    return edits;
  },
});
