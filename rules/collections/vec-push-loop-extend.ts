import type { Node } from 'web-tree-sitter';
import { isPlace, mentions, methodCall, patternBindings, singleStatementBody, statementExpression } from '../../src/engine/analysis/loops.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule, type Edit } from '../../src/engine/rule.js';
import { needsParens } from '../../src/engine/syntax.js';
import { collectionKind, insideFnNamed } from './shared.js';

/** Methods that already return an iterator: `.map(..)` can follow them directly. */
const ITERATOR_METHODS = new Set([
  'iter', 'iter_mut', 'into_iter', 'chars', 'char_indices', 'bytes', 'lines', 'split', 'split_whitespace',
  'split_terminator', 'rsplit', 'splitn', 'rsplitn', 'split_ascii_whitespace', 'matches', 'keys', 'values',
  'values_mut', 'into_keys', 'into_values', 'drain', 'windows', 'chunks', 'chunks_exact', 'enumerate', 'map',
  'filter', 'filter_map', 'flat_map', 'flatten', 'zip', 'chain', 'rev', 'skip', 'take', 'step_by', 'copied',
  'cloned', 'take_while', 'skip_while', 'peekable', 'inspect', 'scan',
]);

/** The receiver methods turned into `extend` and the argument count they take. */
const APPENDS: Record<string, number[]> = { push: [1], push_back: [1], insert: [1, 2] };

export interface ExtendPlan {
  loop: Node;
  receiver: Node;
  method: string;
  text: string;
  /** Where the replacement goes: the whole loop (with its label). */
  start: number;
  end: number;
  needsSemicolon: boolean;
  /** False when the loop holds comments the rewrite would drop (the finding is then report-only). */
  keepsComments: boolean;
}

function rootName(place: Node): string | null {
  let cur = place;
  while (cur.type === 'field_expression' || cur.type === 'index_expression' || cur.type === 'parenthesized_expression') {
    cur = cur.type === 'field_expression' ? cur.childForFieldName('value')! : cur.namedChildren[0]!;
  }
  return cur.type === 'identifier' || cur.type === 'self' ? cur.text : null;
}

/** `iterable` as an iterator expression that `.map(..)` can follow. */
export function asIterator(iterable: Node, edition: string | null = null): string {
  if (iterable.type === 'reference_expression') {
    const inner = iterable.childForFieldName('value')!;
    const isMut = iterable.children.some((c) => c?.type === 'mutable_specifier');
    if (isPlace(inner) || inner.type === 'call_expression') return `${inner.text}.${isMut ? 'iter_mut' : 'iter'}()`;
    return `(${iterable.text}).into_iter()`;
  }
  if (iterable.type === 'range_expression') return `(${iterable.text})`;
  const call = methodCall(iterable);
  if (call && ITERATOR_METHODS.has(call.method)) return iterable.text;
  // before edition 2021, `array.into_iter()` (method syntax) iterates by reference, unlike `for`
  if (edition === '2015' || edition === '2018' || iterable.type === 'array_expression') return `IntoIterator::into_iter(${iterable.text})`;
  return `${needsParens(iterable.text) ? `(${iterable.text})` : iterable.text}.into_iter()`;
}

/** A `for` loop whose whole body is one `recv.push(e)`, as `recv.extend(..)`; null when not applicable. */
export function planExtend(loop: Node, ctx: FileContext): ExtendPlan | null {
  if (loop.type !== 'for_expression' || loop.tree !== ctx.tree) return null;
  // inside `impl Extend`/`FromIterator` the loop *is* the extend: rewriting it would recurse
  if (insideFnNamed(ctx, loop, ['extend', 'from_iter', 'extend_from_slice', 'extend_one', 'append', 'push_all'])) return null;
  const stmt = singleStatementBody(loop);
  if (!stmt) return null;
  const call = methodCall(statementExpression(stmt));
  if (!call || call.turbofish || !APPENDS[call.method]?.includes(call.args.length)) return null;
  if (!isPlace(call.receiver) || call.receiver.type === 'index_expression') return null;
  const root = rootName(call.receiver);
  const pattern = loop.childForFieldName('pattern');
  const iterable = loop.childForFieldName('value');
  if (!root || !pattern || !iterable) return null;
  // one item expression: the pushed value, or the `(key, value)` pair of a map insert
  const args = call.args;
  const first = args[0]!;
  const last = args[args.length - 1]!;
  const arg = { startIndex: first.startIndex, endIndex: last.endIndex, text: args.length === 1 ? first.text : `(${args.map((a) => a.text).join(', ')})` };
  const mentionsAny = (name: string) => args.some((a) => mentions(a, name));
  const bound = patternBindings(pattern);
  // the receiver must be the same place in every iteration and not be touched by the item expression
  if (bound.includes(root) || mentionsAny(root) || mentions(iterable, root)) return null;
  // slow-vector-init's `vec![x; n]` territory: an item that does not depend on the loop variable
  if (!bound.some((b) => mentionsAny(b))) return null;
  if (!inStatementPosition(loop)) return null;
  // comments inside the loop other than in the kept item expression would be lost: report only
  let keepsComments = true;
  for (const c of loop.descendantsOfType(['line_comment', 'block_comment'])) {
    if (c && !(c.startIndex >= arg.startIndex && c.endIndex <= arg.endIndex)) keepsComments = false;
  }
  // only receivers visibly a std collection whose `Extend` matches the method: a custom type with a
  // `push` (regex-syntax's `Seq`, a `TokenStream`) usually has no `extend`
  const kind = collectionKind(ctx, call.receiver);
  const fits =
    (call.method === 'push' && (kind === 'vec' || kind === 'string' || kind === 'pathbuf')) ||
    (call.method === 'push_back' && kind === 'deque') ||
    (call.method === 'insert' && args.length === 1 && kind === 'set') ||
    (call.method === 'insert' && args.length === 2 && kind === 'map');
  if (!fits) return null;
  const recv = call.receiver.text;
  const norm = (t: string) => t.replace(/\s+/g, '');
  const identity = (pattern.type === 'identifier' || pattern.type === 'tuple_pattern') && norm(arg.text) === norm(pattern.text) && args.every((a) => a.type === 'identifier');
  const items = identity ? iterable.text : `${asIterator(iterable, ctx.crate.edition)}.map(|${pattern.text}| ${arg.text})`;
  const parent = loop.parent;
  const needsSemicolon = !(parent?.type === 'expression_statement' && parent.lastChild?.type === ';');
  return {
    loop,
    receiver: call.receiver,
    method: call.method,
    text: `${recv}.extend(${items})${needsSemicolon ? ';' : ''}`,
    start: loop.startIndex,
    end: loop.endIndex,
    needsSemicolon,
    keepsComments,
  };
}

/** The loop is a statement of a block (or its unit tail), not a value inside an expression. */
function inStatementPosition(loop: Node): boolean {
  const p = loop.parent;
  if (!p) return false;
  if (p.type === 'expression_statement') return p.parent?.type === 'block';
  return p.type === 'block';
}

export default defineRule({
  id: 'vec-push-loop-extend',
  family: 'collections',
  severity: 'warning',
  tier: 'verify',
  clippy: null,
  aliases: ['manual-extend'],
  message: 'a loop that only pushes each item one by one',
  help: 'use `extend`: it reserves from the iterator\'s size hint once instead of checking capacity per push',
  docs: `A \`for\` loop whose whole body is \`v.push(e)\` grows \`v\` one element at a time: every push checks
the capacity and may reallocate, and the loop cannot reserve ahead. \`v.extend(iter)\` reserves from
\`size_hint\` up front (exactly, for slices, ranges and their \`map\`s) and then writes elements without
per-item capacity checks.

When it is not slow: very short loops, or a \`v\` that already has the capacity.

Fix: \`for x in it { v.push(x); }\` → \`v.extend(it);\` and \`for p in it { v.push(e); }\` →
\`v.extend(it.map(|p| e));\` (\`&xs\` becomes \`xs.iter()\`, \`&mut xs\` \`xs.iter_mut()\`, a collection
\`xs.into_iter()\`). Also for \`VecDeque::push_back\`, one-argument \`insert\` (sets) and two-argument \`insert\`
(maps: \`m.extend(it.map(|p| (k, v)))\`, same order, last write wins as with \`insert\`). Only when the receiver is
visibly that std collection (a local or parameter with a written type or a \`Vec::new()\`/\`vec![]\`/
\`String::new()\`... initializer, or a \`self\` field declared in this file): custom types with a \`push\`
rarely implement \`Extend\`. Never inside a function named \`extend\`/\`from_iter\`/\`append\`..., where the
loop *is* the implementation and \`extend\` would recurse. Only when the body
is exactly that one statement, with no \`break\`/\`continue\`/\`return\`/\`?\`/\`.await\`, the item uses the
loop variable (an item that does not is \`slow-vector-init\`'s \`vec![x; n]\`), and the item does not
mention the receiver. Items are produced and appended in the same order, and a panic part-way
leaves the same prefix appended.

Tier verify: \`e\` moves into a closure, which can change borrows (two-phase borrows of \`self\` in
edition 2018, for example), and a receiver type without an \`Extend\` impl (a custom \`push\`) does not
compile. \`push_front\` is not rewritten (\`extend\` appends at the back), nor a two-argument \`insert\` on anything but a
visible map (it is also \`Vec::insert(index, x)\`).

No clippy lint rewrites this loop (\`clippy::same_item_push\` covers the constant-item case).`,
  example: {
    before: 'for u in &users {\n    ids.push(u.id);\n}',
    after: 'ids.extend(users.iter().map(|u| u.id));',
  },
  query: `(for_expression
  body: (block
    [(expression_statement (call_expression function: (field_expression field: (field_identifier) @push)))
     (call_expression function: (field_expression field: (field_identifier) @push))])
  (#any-of? @push "push" "push_back" "insert")) @match`,
  check(m, ctx) {
    return planExtend(m.node, ctx) !== null;
  },
  fix(m, ctx) {
    const plan = planExtend(m.node, ctx);
    if (!plan || !plan.keepsComments) return null;
    const edit: Edit = { start: plan.start, end: plan.end, text: plan.text };
    return [edit];
  },
});
