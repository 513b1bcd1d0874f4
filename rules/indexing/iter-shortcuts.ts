import type { Node } from 'web-tree-sitter';
import { isPlace, isPureExpr, mentions, methodCall, type MethodCall } from '../../src/engine/analysis/loops.js';
import { isPrimitiveCopyTypeText, literalKind, typeHintOf } from '../../src/engine/analysis/types.js';
import { resolveBinding } from '../../src/engine/analysis/uses.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule, type Edit, type Tier } from '../../src/engine/rule.js';
import { needsParens } from '../../src/engine/syntax.js';
import { insideFnNamed } from '../collections/shared.js';
import { hasComment, isZeroLiteral, visiblyIterator } from './shared.js';

interface Plan {
  tier: Tier;
  message: string;
  help: string;
  edits: Edit[];
}

/** Sources whose iterator is double-ended and whose `last()` walks every item. */
const DE_SOURCES = new Set(['iter', 'iter_mut', 'chars', 'char_indices', 'bytes', 'lines', 'split_whitespace', 'split_ascii_whitespace', 'keys', 'values', 'windows', 'chunks', 'split', 'rsplit', 'split_terminator']);
/** Adapters that keep an iterator double-ended (with no extra bound). */
const DE_ADAPTERS = new Set(['map', 'rev', 'copied', 'cloned', 'filter', 'filter_map']);
/** Sources whose own `last()` is already specialised to `next_back()` (nothing to gain alone). */
const LAST_SPECIALISED = new Set(['iter', 'iter_mut', 'chars', 'char_indices', 'bytes', 'windows', 'chunks', 'keys', 'values']);

/** `recv.<inner>(..).<method>(..)`, the receiver a method call (with or without turbofish). */
function chainPattern(method: string, inner: readonly string[]): string {
  return `(call_expression
  function: (field_expression
    value: (call_expression function: [(field_expression field: (field_identifier) @inner)
                                       (generic_function function: (field_expression field: (field_identifier) @inner))])
    field: (field_identifier) @method)
  arguments: (arguments)
  (#eq? @method "${method}") (#any-of? @inner ${inner.map((m) => `"${m}"`).join(' ')})) @match`;
}

/** `.last()` on a visibly double-ended chain whose `last` walks every item. */
function doubleEndedChain(recv: Node): boolean {
  let cur = recv;
  let adapters = 0;
  for (;;) {
    const c = methodCall(cur);
    if (!c) return false;
    if (DE_ADAPTERS.has(c.method)) {
      adapters++;
      cur = c.receiver;
      continue;
    }
    if (!DE_SOURCES.has(c.method)) return false;
    // `split("ab")` (a &str pattern) is not double-ended; a char or char slice is
    if (['split', 'rsplit', 'split_terminator'].includes(c.method) && !(c.args.length === 1 && c.args[0]!.type === 'char_literal')) return false;
    if (c.method !== 'split' && c.method !== 'rsplit' && c.method !== 'split_terminator' && c.args.length !== 0) return false;
    return adapters > 0 || !LAST_SPECIALISED.has(c.method);
  }
}

/** `|x| *x == e`, `|x| e == *x`, `|&x| x == e`, `|x| x == &e`: the compared expression `e`. */
function equalityTarget(closure: Node): Node | null {
  if (closure.type !== 'closure_expression') return null;
  const params = closure.childForFieldName('parameters');
  let body = closure.childForFieldName('body');
  const ps = params?.namedChildren.filter((p): p is Node => p !== null) ?? [];
  if (ps.length !== 1 || !body) return null;
  while (body.type === 'parenthesized_expression' && body.namedChildCount === 1) body = body.namedChildren[0]!;
  if (body.type !== 'binary_expression' || body.children.find((c) => c && !c.isNamed)?.type !== '==') return null;
  const p = ps[0]!;
  const left = body.childForFieldName('left')!;
  const right = body.childForFieldName('right')!;
  let name: string;
  let derefd: (n: Node) => boolean;
  if (p.type === 'identifier') {
    name = p.text;
    derefd = (n) => n.type === 'unary_expression' && n.text.startsWith('*') && n.namedChildren[0]?.type === 'identifier' && n.namedChildren[0].text === name;
  } else if (p.type === 'reference_pattern' && p.namedChildren[0]?.type === 'identifier') {
    name = p.namedChildren[0].text;
    derefd = (n) => n.type === 'identifier' && n.text === name;
  } else return null;
  let other: Node | null = null;
  if (derefd(left)) other = right;
  else if (derefd(right)) other = left;
  if (!other || mentions(other, name) || !(isPureExpr(other) || other.type.endsWith('_literal'))) return null;
  return other;
}

/** The written element type of a slice/Vec/array binding (`Vec<u8>`, `&[u8]`, `[u8; 4]`), or null. */
function elementTypeOf(ctx: FileContext, coll: Node): string | null {
  if (coll.type !== 'identifier') return null;
  const t = typeHintOf(ctx, coll).type;
  if (!t) return null;
  const s = t.replace(/\s+/g, '').replace(/^(&('[A-Za-z_]+)?(mut)?)+/, '');
  const m = /^(?:(?:std::vec::)?Vec<(.+)>|\[([^;]+)(?:;.+)?\])$/.exec(s);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

function sameElementType(ctx: FileContext, coll: Node, target: Node): boolean {
  const kind = literalKind(target);
  if (kind === 'int' || kind === 'char' || kind === 'bool' || kind === 'byte' || kind === 'float') return true;
  const elem = elementTypeOf(ctx, coll);
  if (kind === 'str') return !!elem && /^&('[A-Za-z_]+)?str$/.test(elem);
  if (target.type !== 'identifier') return false;
  const t = typeHintOf(ctx, target).type?.replace(/\s+/g, '');
  return !!elem && !!t && elem === t && isPrimitiveCopyTypeText(t);
}

function plan(call: MethodCall, ctx: FileContext): Plan | null {
  const { method, receiver, args } = call;
  const argsNode = call.call.childForFieldName('arguments')!;
  if (hasComment(call.call.childForFieldName('function')!) || hasComment(argsNode)) return null;
  const inner = methodCall(receiver);
  // it.skip(n).next() → it.nth(n)
  if (method === 'next' && args.length === 0 && inner && inner.method === 'skip' && inner.args.length === 1 && !inner.turbofish) {
    const temp = visiblyIterator(inner.receiver);
    // `nth` borrows mutably: a binding declared without `mut` cannot take it (report only)
    const binding = inner.receiver.type === 'identifier' ? resolveBinding(ctx, inner.receiver) : null;
    if (binding && !binding.mutable) {
      return { tier: 'report-only', message: '`.skip(n).next()` is `.nth(n)`', help: 'declare the iterator `mut` and use `.nth(n)`', edits: [] };
    }
    return {
      tier: temp ? 'safe' : 'verify',
      message: '`.skip(n).next()` is `.nth(n)`',
      help: 'use `.nth(n)`',
      edits: [{ start: inner.methodNode.startIndex, end: argsNode.endIndex, text: `nth(${inner.args[0]!.text})` }],
    };
  }
  // v.iter().nth(n) → v.get(n)
  if (method === 'nth' && args.length === 1 && !isZeroLiteral(args[0]) && inner && (inner.method === 'iter' || inner.method === 'iter_mut') && inner.args.length === 0 && isPlace(inner.receiver)) {
    const get = inner.method === 'iter' ? 'get' : 'get_mut';
    return {
      tier: 'verify',
      message: `\`.${inner.method}().nth(n)\` walks the iterator to reach an index`,
      help: `index directly with \`.${get}(n)\` (O(1) for slices, \`Vec\` and \`VecDeque\`)`,
      edits: [{ start: inner.methodNode.startIndex, end: argsNode.endIndex, text: `${get}(${args[0]!.text})` }],
    };
  }
  // chain.last() → chain.next_back()
  if (method === 'last' && args.length === 0 && doubleEndedChain(receiver)) {
    return {
      tier: 'verify',
      message: '`.last()` walks every item of a double-ended iterator',
      help: 'use `.next_back()`: it takes the last item directly (closures then run only for the items it passes)',
      edits: [{ start: call.methodNode.startIndex, end: argsNode.endIndex, text: 'next_back()' }],
    };
  }
  // v.iter().any(|x| *x == y) → v.contains(&y)
  if (method === 'any' && args.length === 1 && inner && inner.method === 'iter' && inner.args.length === 0 && isPlace(inner.receiver)) {
    const target = equalityTarget(args[0]!);
    // `==` may compare different types (`Id == &str`) while `contains` needs `&T`: only literals that
    // adapt to any element type, or a binding of the same visible primitive type as the elements
    if (!target || !sameElementType(ctx, inner.receiver, target)) return null;
    const t = target.text;
    return {
      tier: 'verify',
      message: '`.iter().any(|x| *x == y)` is a hand-written `contains`',
      help: 'use `.contains(&y)`, which std specialises (memchr-like search for bytes)',
      edits: [{ start: inner.methodNode.startIndex, end: argsNode.endIndex, text: `contains(&${needsParens(t) ? `(${t})` : t})` }],
    };
  }
  return null;
}

export default defineRule({
  id: 'iter-shortcuts',
  family: 'indexing',
  severity: 'warning',
  tier: 'safe',
  clippy: 'clippy::iter_skip_next',
  aliases: ['iter-skip-next', 'iter-nth', 'double-ended-last', 'manual-contains'],
  message: 'an iterator chain has a direct equivalent',
  help: 'use the direct method',
  docs: `Iterator chains that spell out an operation std has a direct (and often faster) method for:

| form | fix | tier | clippy |
|---|---|---|---|
| \`it.skip(n).next()\` | \`it.nth(n)\` | safe when \`it\` is visibly an iterator temporary (\`xs.iter()\`...), else verify (a non-\`mut\` binding won't compile) | \`iter_skip_next\` |
| \`v.iter().nth(n)\` / \`iter_mut()\` | \`v.get(n)\` / \`get_mut(n)\` | verify: O(1) only for slices, \`Vec\`, \`VecDeque\`; other types fail to compile | \`iter_nth\` |
| \`.last()\` on a double-ended chain | \`.next_back()\` | verify | \`double_ended_iterator_last\` |
| \`v.iter().any(\\|x\\| *x == y)\` | \`v.contains(&y)\` | verify: slices only; \`y\` a number/char/bool literal, or a binding of the same visible primitive type as the elements (\`==\` may compare different types, \`contains\` cannot) | \`manual_contains\` |

Why slow: \`skip(n).next()\` builds an adapter to do what \`nth\` does; \`iter().nth(n)\` walks \`n\` items
where an index is O(1) (slice iterators specialise \`nth\`, but \`VecDeque\`'s and others may not);
\`last()\` on \`map\`/\`filter\`/\`split(char)\`/\`lines\` chains consumes every item; \`contains\` on \`[u8]\`
uses a vectorised search.

\`.last()\` is only rewritten when the chain is visibly double-ended: a source among \`iter\`, \`chars\`,
\`bytes\`, \`lines\`, \`split_whitespace\`, \`split(<char>)\`... followed by \`map\`/\`rev\`/\`copied\`/\`cloned\`/
\`filter\`/\`filter_map\` (not \`split("str")\`, whose searcher is not double-ended), and not on
\`iter()\`/\`chars()\` alone, whose \`last\` std already specialises. \`next_back\` skips the closures of
the items it passes over, so closures with side effects run fewer times: verify.
\`v.iter().nth(0)\` is left to \`iter-nth-zero\`.`,
  example: {
    before: 'let third = it.iter().skip(2).next();\nlet ext = name.split(\'.\').map(str::trim).last();',
    after: 'let third = it.iter().nth(2);\nlet ext = name.split(\'.\').map(str::trim).next_back();',
  },
  // one pattern per form, naming the receiver call's method too: sharper triggers (plan() decides)
  query: [
    chainPattern('next', ['skip']),
    chainPattern('nth', ['iter', 'iter_mut']),
    chainPattern('last', [...DE_ADAPTERS, ...DE_SOURCES]),
    chainPattern('any', ['iter']),
  ].join('\n'),
  check(m, ctx) {
    const call = methodCall(m.node);
    if (!call || call.turbofish) return false;
    const p = plan(call, ctx);
    if (!p || insideFnNamed(ctx, m.node, ['nth', 'get', 'get_mut', 'next_back', 'contains'])) return false;
    return { tier: p.tier, message: p.message, help: p.help };
  },
  fix(m, ctx) {
    const call = methodCall(m.node);
    const p = call ? plan(call, ctx) : null;
    return p && p.edits.length > 0 ? p.edits : null;
  },
});
