import type { Node } from 'web-tree-sitter';
import { defineRule } from '../../src/engine/rule.js';
import type { FileContext } from '../../src/engine/context.js';
import { ownedStringOfLiteral } from '../strings/util.js';

interface Plan {
  /** The node replaced by the literal. */
  target: Node;
  lit: Node;
  kind: 'borrow' | 'compare';
}

function plan(ctx: FileContext, m: Node): Plan | null {
  if (m.type === 'reference_expression') {
    if (m.children.some((c) => c?.type === 'mutable_specifier')) return null;
    const v = m.childForFieldName('value');
    const lit = v ? ownedStringOfLiteral(v) : null;
    return lit ? { target: m, lit, kind: 'borrow' } : null;
  }
  if (m.type === 'binary_expression') {
    const op = m.childForFieldName('operator')?.type;
    if (op !== '==' && op !== '!=') return null;
    const left = m.childForFieldName('left');
    const right = m.childForFieldName('right');
    if (!left || !right) return null;
    for (const [side, other] of [[right, left], [left, right]] as const) {
      const lit = ownedStringOfLiteral(side);
      if (!lit) continue;
      // `*s == "x".to_string()` is `str == String`; `str == &str` has no impl
      if (other.type === 'unary_expression' || ownedStringOfLiteral(other)) return null;
      return { target: side, lit, kind: 'compare' };
    }
  }
  void ctx;
  return null;
}

export default defineRule({
  id: 'to-owned-literal',
  aliases: ['clone-then-borrow'],
  family: 'alloc',
  severity: 'warning',
  tier: 'verify',
  clippy: 'clippy::cmp_owned',
  message: 'a string literal is turned into a `String` only to be borrowed or compared',
  help: 'use the literal itself: `&"x".to_string()` → `"x"`, `s == "x".to_string()` → `s == "x"`',
  docs: `\`&"lit".to_string()\`, \`&"lit".to_owned()\`, \`&String::from("lit")\` allocate and copy the literal
into a fresh String, lend it out and free it. \`s == "lit".to_string()\` does the same to compare.
The \`&'static str\` literal can be passed or compared directly: \`String\`, \`&str\` and \`Cow<str>\` all
implement \`PartialEq<&str>\`, and a \`&str\` coerces wherever a \`&String\` was auto-dereferenced to \`&str\`.

When it is not slow: cold code; it is one small allocation.

Fix: replace the borrowed or compared conversion with the literal. Tier verify: the type changes
from \`&String\` to \`&str\` (a \`&String\` parameter, a generic expecting exactly \`&String\`, or a user
type with \`PartialEq<String>\` but not \`PartialEq<&str>\` stops compiling: cargo check catches it).
Not offered under \`&mut\`, when the other operand is a deref (\`*s == ..\`: \`str\` has no \`PartialEq<&str>\`),
or when both operands are such conversions. This is the literal-only, precise part of patterns.md
A2 (alias \`clone-then-borrow\`); \`.clone()\` then borrow is \`redundant-clone-arg\`.`,
  example: { before: 'if user == "root".to_string() { audit(&"root".to_owned()); }', after: 'if user == "root" { audit("root"); }' },
  query: `(reference_expression
  value: (call_expression function: [(field_expression field: (field_identifier) @m) (scoped_identifier name: (identifier) @m)])
  (#any-of? @m "to_string" "to_owned" "from")) @match
(binary_expression
  left: (call_expression function: [(field_expression field: (field_identifier) @m) (scoped_identifier name: (identifier) @m)])
  (#any-of? @m "to_string" "to_owned" "from")) @match
(binary_expression
  right: (call_expression function: [(field_expression field: (field_identifier) @m) (scoped_identifier name: (identifier) @m)])
  (#any-of? @m "to_string" "to_owned" "from")) @match`,
  check(m, ctx) {
    const p = plan(ctx, m.node);
    if (!p) return false;
    return { node: p.target };
  },
  fix(m, ctx) {
    const p = plan(ctx, m.node);
    return p ? [{ start: p.target.startIndex, end: p.target.endIndex, text: p.lit.text }] : null;
  },
});
