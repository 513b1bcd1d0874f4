import { defineRule } from '../../src/engine/rule.js';

export default defineRule({
  id: 'redundant-clone-arg',
  family: 'alloc',
  severity: 'warning',
  tier: 'verify',
  clippy: 'clippy::unnecessary_to_owned',
  message: 'the value is cloned only to be borrowed',
  help: 'borrow the original: `&x` instead of `&x.clone()`',
  docs: `\`&x.clone()\` copies \`x\` (a heap allocation and a memcpy for String, Vec and friends) only to
lend the copy out for the duration of the call; the copy is then dropped.

When it is not slow: \`Copy\` and \`Rc\`/\`Arc\` values (a reference-count bump).

Fix: \`&x.clone()\` → \`&x\`. Tier verify: when \`x: T\` is owned both have type \`&T\`, but when
\`x\` is itself a reference \`&T\`, \`&x\` is a \`&&T\`: deref coercion makes most calls compile, while
a generic parameter may then pick another impl, so cargo check and the tests must agree. Not applied when the
clone is a method on something other than a plain place (\`&f().clone()\` keeps the call), or when
the borrow is \`&mut\`.`,
  example: { before: 'send(&msg.clone());', after: 'send(&msg);' },
  query: `(reference_expression
  value: (call_expression
    function: (field_expression value: (_) @recv field: (field_identifier) @method)
    arguments: (arguments) @args)
  (#eq? @method "clone")) @match`,
  check(m) {
    if (m.cap('args').namedChildCount > 0) return false;
    if (m.node.children.some((c) => c?.type === 'mutable_specifier')) return false;
    return isPlace(m.cap('recv'));
  },
  fix(m) {
    const field = m.cap('recv').parent!;
    const dot = field.children.find((c) => c?.type === '.')!;
    // delete only the `.clone` and `()` tokens, so comments in between survive (trap 18)
    return [
      { start: dot.startIndex, end: m.cap('method').endIndex, text: '' },
      { start: m.cap('args').startIndex, end: m.cap('args').endIndex, text: '' },
    ];
  },
});

/** A place expression whose evaluation has no side effects: `x`, `self.a.b`, `x.0`. */
function isPlace(n: import('web-tree-sitter').Node): boolean {
  if (n.type === 'identifier' || n.type === 'self') return true;
  if (n.type === 'field_expression') return isPlace(n.childForFieldName('value')!);
  return false;
}
