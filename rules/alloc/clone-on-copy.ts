import type { Node } from 'web-tree-sitter';
import { defineRule } from '../../src/engine/rule.js';
import { rememberLast } from '../../src/engine/memo.js';
import type { FileContext } from '../../src/engine/context.js';
import { findConstOrStatic, isPrimitiveCopyTypeText, primitiveShadowed, typeHintOf } from '../../src/engine/analysis/types.js';

/** The visible primitive Copy type of identifier `recv`, or null. */
function copyType(ctx: FileContext, recv: Node): string | null {
  const hint = typeHintOf(ctx, recv);
  if (!hint.type || !isPrimitiveCopyTypeText(hint.type)) return null;
  // a `static mut` read needs unsafe and may race: leave it alone
  if (hint.source === 'static') {
    const item = findConstOrStatic(ctx, recv, recv.text);
    if (item?.children.some((c) => c?.type === 'mutable_specifier')) return null;
  }
  for (const name of hint.type.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) if (primitiveShadowed(ctx, name)) return null;
  return hint.type;
}

/**
 * Positions where `x.clone()` → `x` keeps meaning: not a method receiver (a `&mut self` method
 * would now mutate `x`), not under `&mut`, not an assignment target.
 */
function valuePosition(ctx: FileContext, call: Node): boolean {
  const p = ctx.parent(call);
  if (!p) return false;
  if (p.type === 'field_expression') return false;
  if (p.type === 'reference_expression' && p.children.some((c) => c?.type === 'mutable_specifier')) return false;
  if ((p.type === 'assignment_expression' || p.type === 'compound_assignment_expr') && p.childForFieldName('left')?.id === call.id) return false;
  if (p.type === 'index_expression') return false;
  return true;
}

const definesByValueClone = rememberLast((source) => /\bfn\s+clone\s*\(\s*(mut\s+)?self\b/.test(source));

export default defineRule({
  id: 'clone-on-copy',
  family: 'alloc',
  severity: 'warning',
  tier: 'safe',
  clippy: 'clippy::clone_on_copy',
  message: '`.clone()` on a `Copy` value',
  help: 'drop `.clone()`: the value is copied anyway',
  docs: `Calling \`.clone()\` on an integer, float, \`bool\`, \`char\`, or a tuple/array of those is the same
as copying it. It costs nothing at run time once optimized, but it reads as if an allocation
happened, hides real clones in reviews and in rxfix's own clone analyses, and costs a call in
debug builds.

Matches \`x.clone()\` where \`x\` is visibly a primitive Copy type: a \`let\`/parameter/closure-parameter
annotation (\`let n: u32\`, \`fn f(n: u32)\`), a literal initializer (\`let n = 5;\` is some integer
type), or a \`static\`/\`const\` item's type. References are not included on purpose: \`r.clone()\` on
\`r: &T\` calls \`T::clone\` when \`T: Clone\`, so it is not a copy of the reference.

Fix: delete \`.clone()\`. Tier safe: for these types \`x\` and \`x.clone()\` are the same value of the
same type. Not offered when the result is a method receiver (\`x.clone().add_assign(1)\` mutates a
temporary; \`x.add_assign(1)\` would mutate \`x\`), under \`&mut\`, an assignment target or indexed, for
\`static mut\`, or when the file declares its own type named like a primitive (\`struct u8;\`).`,
  example: { before: 'let n: u32 = 5;\nlet m = n.clone();', after: 'let n: u32 = 5;\nlet m = n;' },
  query: `(call_expression
  function: (field_expression value: (identifier) @recv field: (field_identifier) @method)
  arguments: (arguments) @args
  (#eq? @method "clone")) @match`,
  check(m, ctx) {
    if (m.cap('args').namedChildCount > 0) return false;
    // a user trait with a by-value `fn clone(self)` would win method resolution over Clone::clone
    if (definesByValueClone(ctx.source)) return false;
    const t = copyType(ctx, m.cap('recv'));
    if (!t || !valuePosition(ctx, m.node)) return false;
    return { message: `\`.clone()\` on \`${m.cap('recv').text}\`, a \`${t.replace(/\{integer\}/, 'integer').replace(/\{float\}/, 'float')}\` (Copy)` };
  },
  fix(m) {
    const recv = m.cap('recv');
    const d = recv.parent?.children.find((c) => c?.type === '.');
    if (!d) return null;
    return [
      { start: d.startIndex, end: m.cap('method').endIndex, text: '' },
      { start: m.cap('args').startIndex, end: m.cap('args').endIndex, text: '' },
    ];
  },
});
