import type { Node } from 'web-tree-sitter';
import { defineRule, type Edit } from '../../src/engine/rule.js';
import type { FileContext } from '../../src/engine/context.js';
import { formatCaptures } from '../../src/engine/analysis/uses.js';
import { fmtWriteImport, userMacro } from './util.js';
import { tokenTreeTokens } from '../../src/engine/syntax.js';

/** The root identifier of a place (`self.buf.x` → `self`, `*s` → `s`) and the first field after it. */
function placeRoot(n: Node): { root: string; field: string | null } | null {
  let cur = n;
  let field: string | null = null;
  for (;;) {
    if (cur.type === 'identifier' || cur.type === 'self') return { root: cur.text, field };
    if (cur.type === 'field_expression') {
      field = cur.childForFieldName('field')?.text ?? null;
      cur = cur.childForFieldName('value')!;
    } else if (cur.type === 'unary_expression' && cur.children[0]?.type === '*' && cur.namedChildren[0]) {
      cur = cur.namedChildren[0];
    } else if (cur.type === 'parenthesized_expression' && cur.namedChildren[0]) {
      cur = cur.namedChildren[0];
    } else return null;
  }
}

/**
 * True when the format arguments may touch the receiver: its root is captured (`{s}`), used bare,
 * called (`self.len()`), or the same field is read. Disjoint fields of `self` are fine.
 */
function argsTouchReceiver(tt: Node, recv: Node): boolean {
  const place = placeRoot(recv);
  if (!place) return true;
  const toks = tokenTreeTokens(tt);
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if ((t.type === 'string_literal' || t.type === 'raw_string_literal') && formatCaptures(t).includes(place.root)) return true;
    if (t.text !== place.root || (t.type !== 'identifier' && t.type !== 'self')) continue;
    if (toks[i - 1]?.type === '.' || toks[i - 1]?.type === '::') continue;
    if (place.field === null) return true;
    const dot = toks[i + 1];
    const f = toks[i + 2];
    const after = toks[i + 3];
    if (dot?.type !== '.' || !f || f.text === place.field) return true;
    if (after?.type === '(' || after?.type === '::') return true; // a method call borrows the whole root
  }
  return false;
}

interface Plan {
  recv: Node;
  inner: Node;
}

function plan(m: { node: Node; cap(n: string): Node }, ctx: FileContext): Plan | null {
  if (userMacro(ctx, 'format') || userMacro(ctx, 'write')) return null;
  const recv = m.cap('recv');
  const inner = m.cap('inner');
  const tt = inner.children.find((c) => c?.type === 'token_tree');
  if (!tt || ctx.source.slice(tt.startIndex + 1, tt.endIndex - 1).trim() === '') return null;
  if (argsTouchReceiver(tt, recv)) return null;
  return { recv, inner };
}

export default defineRule({
  id: 'format-push-string',
  family: 'strings',
  severity: 'warning',
  tier: 'verify',
  clippy: 'clippy::format_push_string',
  message: '`format!` builds a temporary String only to append it',
  help: 'write into the string directly: `write!(s, ..).unwrap()` with `use std::fmt::Write as _;`',
  docs: `\`s.push_str(&format!(..))\` and \`s += &format!(..)\` allocate a temporary String, format into it,
copy it into \`s\` and free it. \`write!(s, ..)\` formats straight into \`s\`'s buffer: one allocation
and one copy fewer per call, which matters in loops that build output.

When it is not slow: called once, or with tiny strings; the gain is one allocation per call.

Fix: \`write!(s, <the format arguments>).unwrap()\`, and \`use std::fmt::Write as _;\` (\`core::fmt::Write\`
in \`#![no_std]\` crates) in the enclosing module unless it already imports \`fmt::Write\`. \`as _\` avoids
a clash with an imported \`std::io::Write\`. Writing into a String fails only when a \`Display\` impl
returns \`Err\`, and \`format!\` panics then too (but \`s\` now holds the part written before the error).

Tier verify: the receiver must be a \`String\` (or implement \`fmt::Write\` the same way); cargo check
confirms it. Skipped when the format arguments read the receiver (\`s.push_str(&format!("{}", s.len()))\`
would borrow \`s\` twice), when the file defines its own \`format!\`/\`write!\`, or when a comment would be
lost. \`.map(|x| format!(..)).collect::<String>()\` (clippy \`format_collect\`) is not matched.`,
  example: {
    before: 'out.push_str(&format!("{key}={value};"));',
    after: 'write!(out, "{key}={value};").unwrap();   // + use std::fmt::Write as _;',
  },
  query: `(call_expression
  function: (field_expression value: (_) @recv field: (field_identifier) @method)
  arguments: (arguments . (reference_expression
    value: (macro_invocation macro: [(identifier) @mac (scoped_identifier name: (identifier) @mac)]) @inner) .)
  (#eq? @method "push_str")
  (#eq? @mac "format")) @match
(compound_assignment_expr
  left: (_) @recv
  operator: "+="
  right: (reference_expression
    value: (macro_invocation macro: [(identifier) @mac (scoped_identifier name: (identifier) @mac)]) @inner)
  (#eq? @mac "format")) @match`,
  check(m, ctx) {
    return plan(m, ctx) !== null;
  },
  fix(m, ctx) {
    const p = plan(m, ctx);
    if (!p) return null;
    const tt = p.inner.children.find((c) => c?.type === 'token_tree')!;
    // comments outside the format! arguments would be lost by the rewrite (trap 18)
    if (hasCommentOutside(m.node, tt)) return null;
    const interior = ctx.source.slice(tt.startIndex + 1, tt.endIndex - 1);
    const edits: Edit[] = [{ start: m.node.startIndex, end: m.node.endIndex, text: `write!(${ctx.text(p.recv)}, ${interior.trim()}).unwrap()` }];
    edits.push(...fmtWriteImport(ctx, m.node));
    return edits;
  },
});

function hasCommentOutside(n: Node, keep: Node): boolean {
  if (n.startIndex >= keep.startIndex && n.endIndex <= keep.endIndex) return false;
  if (n.type === 'line_comment' || n.type === 'block_comment') return true;
  for (const c of n.children) if (c && hasCommentOutside(c, keep)) return true;
  return false;
}
