import type { Node } from 'web-tree-sitter';
import {
  blockStatements,
  forLoopOf,
  loopBody,
  mentions,
  methodCallStatement,
  nextStatement,
  patternBindings,
  tripCount,
  unconditionalCalls,
  type TripCount,
} from '../../src/engine/analysis/loops.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule } from '../../src/engine/rule.js';
import { emptyCtor, letBinding } from './shared.js';
import { planPushLoop } from './slow-vector-init.js';
import { planExtend } from './vec-push-loop-extend.js';

/** The growing method(s) and their argument count, per constructor type. */
const GROWERS: Record<string, { methods: string[]; args: number }> = {
  Vec: { methods: ['push'], args: 1 },
  VecDeque: { methods: ['push_back', 'push_front'], args: 1 },
  HashSet: { methods: ['insert'], args: 1 },
  HashMap: { methods: ['insert'], args: 2 },
};
const TYPES = new Set(Object.keys(GROWERS));

export interface PreallocPlan {
  name: string;
  ctor: NonNullable<ReturnType<typeof emptyCtor>>;
  loop: Node;
  trip: TripCount;
}

/** Names that depend on the loop item: the pattern's bindings and `let`s of the body computed from them. */
function loopDerived(loop: Node): string[] {
  const names = patternBindings(loop.childForFieldName('pattern')!);
  for (const s of blockStatements(loopBody(loop)!)) {
    if (s.type !== 'let_declaration') continue;
    const value = s.childForFieldName('value');
    const pat = s.childForFieldName('pattern');
    if (value && pat && names.some((n) => mentions(value, n))) names.push(...patternBindings(pat));
  }
  return names;
}

export function planPrealloc(letDecl: Node, ctx: FileContext): PreallocPlan | null {
  if (letDecl.tree !== ctx.tree || letDecl.parent?.type !== 'block') return null;
  const binding = letBinding(letDecl);
  if (!binding || !binding.mutable) return null;
  const ctor = emptyCtor(binding.value, TYPES);
  if (!ctor) return null;
  if (ctx.inConstContext(letDecl)) return null; // with_capacity is not const (trap 10)
  const next = nextStatement(letDecl);
  const loop = next ? forLoopOf(next) : null;
  if (!loop) return null;
  const trip = tripCount(loop);
  if (!trip) return null;
  const v = binding.name;
  // the capacity is evaluated at the `let`, where `v` already names the new collection
  if (mentions(loop.childForFieldName('value')!, v)) return null;
  const pattern = loop.childForFieldName('pattern');
  if (!pattern || patternBindings(pattern).includes(v)) return null;
  const grower = GROWERS[ctor.type]!;
  const calls = unconditionalCalls(loop, v, grower.methods);
  if (!calls || calls.length !== 1) return null;
  // no other use of `v` in the body: the one call is the only growth and nothing shadows `v`
  for (const s of blockStatements(loopBody(loop)!)) {
    if (s.id === calls[0]!.id) {
      const c = methodCallStatement(s, grower.methods)!;
      if (c.args.length !== grower.args || c.args.some((a) => mentions(a, v))) return null;
      // a set/map key that does not come from the loop item may repeat: the capacity would overshoot
      if ((ctor.type === 'HashSet' || ctor.type === 'HashMap') && !loopDerived(loop).some((b) => mentions(c.args[0]!, b))) return null;
    } else if (mentions(s, v)) return null;
  }
  // a single-push body is better served by `extend`, which also sizes from the iterator
  if (planExtend(loop, ctx)) return null;
  // the same value pushed n times is slow-vector-init's `vec![x; n]`
  if (planPushLoop(loop, ctx)) return null;
  return { name: v, ctor, loop, trip };
}

export default defineRule({
  id: 'vec-push-loop-prealloc',
  family: 'collections',
  severity: 'warning',
  tier: 'verify',
  clippy: null,
  message: 'collection filled by a loop of known length starts with no capacity',
  help: 'create it with `with_capacity` of the loop\'s length: one allocation instead of repeated growth',
  docs: `\`let mut v = Vec::new();\` followed by a loop that pushes exactly once per iteration grows \`v\` by
doubling: about log2(n) reallocations, each copying every element so far. The loop's length is known
before it starts, so \`Vec::with_capacity(n)\` allocates once.

Matched: \`let mut v = Vec::new()\` (also \`VecDeque\`, \`HashSet\`, \`HashMap\`) directly followed by a
\`for\` loop whose body holds exactly one unconditional \`v.push(e)\` (\`push_back\`/\`push_front\`,
\`insert\`) at its top level, no \`break\`/\`continue\`/\`return\`/\`?\`/\`.await\`, and no other mention of
\`v\`. The capacity comes only from the loop (\`src/engine/analysis/loops.ts\`): \`0..n\` → \`n\`;
\`a..b\` → \`(a..b).len()\` (never \`b - a\`, which underflows on an empty range); \`&xs\`, \`xs.iter()\`,
\`xs.iter_mut()\`, \`xs\` (also behind \`enumerate\`/\`rev\`/\`copied\`/\`cloned\`/\`map\`) → \`xs.len()\`,
evaluated before the loop moves \`xs\`. Only side-effect-free expressions are used, since they are
evaluated once more. Never a guessed constant (patterns.md §5).

When it is not slow: short loops. Not reported: conditional pushes (the length is only an upper
bound), other iterators (\`filter\`, \`lines\`, \`chars\`...), \`String\` (its capacity counts bytes, not
pushes), \`const fn\` bodies, and loops whose whole body is the push: \`vec-push-loop-extend\` rewrites
those to \`extend\`, which sizes itself. For sets and maps the capacity is an upper bound when keys
repeat, as it is for \`collect\`.

Fix: \`Vec::new()\` → \`Vec::with_capacity(n)\`. Tier verify: \`0..n\` gives \`n\`, which must be a
\`usize\` (a \`u32\` bound fails to compile and the edit is dropped), and a custom type named \`Vec\`
may lack \`with_capacity\`. No clippy lint (nearest: \`clippy::vec_init_then_push\`).`,
  example: {
    before: 'let mut ids = Vec::new();\nfor u in &users {\n    let id = u.id;\n    ids.push(id);\n}',
    after: 'let mut ids = Vec::with_capacity(users.len());\nfor u in &users {\n    let id = u.id;\n    ids.push(id);\n}',
  },
  query: `(let_declaration
  (mutable_specifier)
  pattern: (identifier)
  value: (call_expression
    function: (scoped_identifier
      path: [(identifier) @ty
             (scoped_identifier name: (identifier) @ty)
             (generic_type type: [(type_identifier) @ty (scoped_type_identifier name: (type_identifier) @ty)])]
      name: (identifier) @new)
    arguments: (arguments)) @match
  (#eq? @new "new")
  (#any-of? @ty "Vec" "VecDeque" "HashMap" "HashSet")) @let`,
  check(m, ctx) {
    const plan = planPrealloc(m.cap('let'), ctx);
    if (!plan) return false;
    return { message: `\`${plan.name}\` is filled by a loop of known length but starts with no capacity` };
  },
  fix(m, ctx) {
    const plan = planPrealloc(m.cap('let'), ctx);
    if (!plan) return null;
    return [{ start: plan.ctor.name.startIndex, end: plan.ctor.args.endIndex, text: `with_capacity(${plan.trip.text})` }];
  },
});
