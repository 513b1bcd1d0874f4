import { methodCall } from '../../src/engine/analysis/loops.js';
import { defineRule } from '../../src/engine/rule.js';
import { insideFnNamed } from '../collections/shared.js';
import { hasComment, isZeroLiteral, visiblyIterator } from './shared.js';

export default defineRule({
  id: 'iter-nth-zero',
  family: 'indexing',
  severity: 'warning',
  tier: 'safe',
  clippy: 'clippy::iter_nth_zero',
  message: '`.nth(0)` is `.next()`',
  help: 'use `.next()`',
  docs: `\`it.nth(0)\` asks for the first item through the general \`nth\` path; \`it.next()\` says it
directly. For most iterators they compile to the same code (the gain is clarity), but \`nth\` of an
adapter that does not specialise it may loop through \`advance_by(0)\` first.

Fix: \`.nth(0)\` → \`.next()\`. \`Iterator::nth(0)\` is defined as the first \`next()\`, with the same
receiver (\`&mut self\`) and the same result.

Tier: safe when the receiver is visibly an iterator (a std iterator source such as \`iter()\`,
\`chars()\`, \`split(..)\` followed only by adapters); verify otherwise, because a type with an inherent
\`nth\` method and no \`next\` would not compile. Clippy: \`clippy::iter_nth_zero\` (style).`,
  example: { before: 'let first = args.iter().nth(0);', after: 'let first = args.iter().next();' },
  query: `(call_expression
  function: (field_expression field: (field_identifier) @nth)
  arguments: (arguments . (integer_literal) @zero .)
  (#eq? @nth "nth")) @match`,
  check(m, ctx) {
    if (!isZeroLiteral(m.cap('zero'))) return false;
    // `fn next(&mut self) { self.nth(0) }`: the rewrite would recurse
    if (insideFnNamed(ctx, m.node, ['next'])) return false;
    const call = methodCall(m.node);
    if (!call || call.turbofish) return false;
    return visiblyIterator(call.receiver) ? true : { tier: 'verify' };
  },
  fix(m) {
    const call = methodCall(m.node)!;
    const args = m.node.childForFieldName('arguments')!;
    if (hasComment(args)) return null;
    return [{ start: call.methodNode.startIndex, end: args.endIndex, text: 'next()' }];
  },
});
