import type { Node } from 'web-tree-sitter';
import { defineRule } from '../../src/engine/rule.js';
import type { FileContext } from '../../src/engine/context.js';
import { resolveBinding } from '../../src/engine/analysis/uses.js';
import { isPrimitiveCopyTypeText, typeHintOf } from '../../src/engine/analysis/types.js';
import { loopBodyOf, methodCall } from '../strings/util.js';

/** Root identifier and field chain of a place: `self.a.b` → ['self', ['a', 'b']]; `*r` → ['r', []]. */
function placeOf(n: Node): { root: Node; fields: string[]; deref: boolean } | null {
  let cur = n;
  const fields: string[] = [];
  let deref = false;
  for (;;) {
    if (cur.type === 'identifier' || cur.type === 'self') return { root: cur, fields: fields.reverse(), deref };
    if (cur.type === 'field_expression') {
      fields.push(cur.childForFieldName('field')?.text ?? '');
      cur = cur.childForFieldName('value')!;
    } else if (cur.type === 'unary_expression' && cur.children[0]?.type === '*' && cur.namedChildren[0] && fields.length === 0) {
      deref = true;
      cur = cur.namedChildren[0];
    } else return null;
  }
}

/** The source of the clone is a place expression: `b`, `self.b`, `v[i]`, `*r`, `b.0`. */
function isSourcePlace(n: Node): boolean {
  switch (n.type) {
    case 'identifier': case 'self':
      return true;
    case 'field_expression':
      return isSourcePlace(n.childForFieldName('value')!);
    case 'index_expression':
      return n.namedChildren.every((c) => !c || isSourcePlace(c) || c.type === 'integer_literal');
    case 'unary_expression':
      return n.children[0]?.type === '*' && n.namedChildren.every((c) => !c || isSourcePlace(c));
    default:
      return false;
  }
}

/** True when `rhs` may read `lhs` (so `a.clone_from(&..a..)` would borrow `a` twice). */
function overlaps(lhs: { root: Node; fields: string[] }, rhs: Node): boolean {
  const root = lhs.root.text;
  const hits = [rhs, ...rhs.descendantsOfType(['identifier', 'self'])].filter((n): n is Node => !!n && (n.type === 'identifier' || n.type === 'self') && n.text === root);
  for (const h of hits) {
    const p = h.parent;
    // `self.other` next to `self.buf` is a disjoint field, unless it is a method call on self
    if (lhs.fields.length > 0 && p?.type === 'field_expression' && p.childForFieldName('value')?.id === h.id) {
      const f = p.childForFieldName('field')?.text;
      const isCall = p.parent?.type === 'call_expression' && p.parent.childForFieldName('function')?.id === p.id;
      if (f !== lhs.fields[0] && !isCall) continue;
    }
    return true;
  }
  return false;
}

interface Plan {
  text: string;
  method: string;
}

function plan(ctx: FileContext, assign: Node): Plan | null {
  const lhs = assign.childForFieldName('left');
  const rhs = assign.childForFieldName('right');
  if (!lhs || !rhs) return null;
  const mc = methodCall(rhs);
  if (!mc || (mc.method !== 'clone' && mc.method !== 'to_owned') || mc.args.length !== 0) return null;
  const place = placeOf(lhs);
  if (!place || !isSourcePlace(mc.recv)) return null;
  const loop = loopBodyOf(ctx, assign);
  if (!loop) return null;
  if (place.root.type === 'identifier') {
    const b = resolveBinding(ctx, place.root);
    if (!b) return null;
    // declared inside this loop: a fresh value each iteration, no buffer to reuse
    if (b.ident.startIndex >= loop.startIndex && b.ident.endIndex <= loop.endIndex) return null;
    // `let a;` assigned for the first time here: there is no old value
    if (b.kind === 'let' && !b.value) return null;
    if (place.fields.length === 0 && !place.deref) {
      const t = typeHintOf(ctx, place.root).type;
      if (t && isPrimitiveCopyTypeText(t)) return null; // nothing to reuse
    }
  }
  if (overlaps(place, mc.recv)) return null;
  // `*out.clone_from(..)` would parse as `*(out.clone_from(..))`
  const a = lhs.type === 'unary_expression' ? `(${ctx.text(lhs)})` : ctx.text(lhs);
  const src = ctx.text(mc.recv);
  if (mc.method === 'clone') return { method: 'clone', text: `${a}.clone_from(&${src})` };
  return { method: 'to_owned', text: `${src}.clone_into(&mut ${a})` };
}

export default defineRule({
  id: 'assign-clone-from',
  aliases: ['assigning-clones'],
  family: 'alloc',
  severity: 'warning',
  tier: 'verify',
  clippy: 'clippy::assigning_clones',
  message: 'assigning a fresh clone in a loop throws away the old buffer',
  help: 'reuse it: `a.clone_from(&b)` or `b.clone_into(&mut a)`',
  docs: `\`a = b.clone()\` builds a new value (a new allocation for String, Vec, maps, Box) and then drops
\`a\`'s old one, buffer included. \`a.clone_from(&b)\` copies into \`a\`'s existing buffer when it is
large enough (\`String\`, \`Vec\`, \`HashMap\`, \`Box\` override it), and \`b.clone_into(&mut a)\` does the
same for \`to_owned\` (\`&str\` → \`String\`, \`&[T]\` → \`Vec<T>\`). In a loop this turns one allocation
per iteration into none.

Matches \`a = b.clone()\` / \`a = b.to_owned()\` inside a loop body, where \`a\` is a local declared
(and initialized) outside the loop, a field path, or \`*r\`, and \`b\` is a place (\`x\`, \`x.f\`, \`v[i]\`,
\`*r\`) that does not read \`a\` (\`a = a[1..].to_owned()\` would borrow \`a\` twice; a disjoint field of
\`self\` is fine).

Fix: \`a.clone_from(&b)\`, \`b.clone_into(&mut a)\` (Rust 1.63+). Tier verify: drop order changes (the
old value is no longer dropped whole), the gain is zero for types that do not override
\`clone_from\`, and a type mismatch that \`=\` coerced (\`a: &T\`) fails to compile. Visibly \`Copy\`
primitives are skipped.`,
  example: {
    before: 'for line in lines { buf = line.to_owned(); handle(&buf); }',
    after: 'for line in lines { line.clone_into(&mut buf); handle(&buf); }',
  },
  query: `(assignment_expression
  right: (call_expression function: (field_expression field: (field_identifier) @m))
  (#any-of? @m "clone" "to_owned")) @match`,
  check(m, ctx) {
    const p = plan(ctx, m.node);
    if (!p) return false;
    return { help: `use \`${p.text}\`` };
  },
  fix(m, ctx) {
    const p = plan(ctx, m.node);
    return p ? [{ start: m.node.startIndex, end: m.node.endIndex, text: p.text }] : null;
  },
});
