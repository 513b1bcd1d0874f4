import type { Node } from 'web-tree-sitter';
import { defineRule, INSIDE_LOOP } from '../../src/engine/rule.js';
import type { FileContext } from '../../src/engine/context.js';
import { macroName } from '../../src/engine/macros.js';
import { resolveBinding, usesOf, toRealNode } from '../../src/engine/analysis/uses.js';
import { loopBodyOf, methodCall, ownedStringOfLiteral } from './util.js';

/** `&self` methods of String/str: calling one only reads the string. */
const READ_METHODS = new Set([
  'len', 'is_empty', 'as_str', 'as_bytes', 'contains', 'starts_with', 'ends_with', 'find', 'rfind', 'chars',
  'bytes', 'char_indices', 'split', 'split_whitespace', 'lines', 'trim', 'trim_start', 'trim_end', 'eq', 'ne',
  'cmp', 'partial_cmp', 'to_uppercase', 'to_lowercase', 'parse', 'get', 'matches', 'replace', 'repeat',
  'eq_ignore_ascii_case', 'is_char_boundary', 'capacity',
]);

/** Macros that only take references to their arguments. */
const READ_MACROS = new Set([
  'format', 'print', 'println', 'eprint', 'eprintln', 'write', 'writeln', 'panic', 'assert', 'assert_eq', 'assert_ne',
  'debug_assert', 'debug_assert_eq', 'debug_assert_ne', 'format_args', 'info', 'warn', 'error', 'debug', 'trace',
]);

/** True when this occurrence of the String only reads it (by reference). */
function readOnlyUse(ctx: FileContext, n: Node): boolean {
  const p = n.parent;
  if (!p) return false;
  if (n.type === 'string_literal' || n.type === 'raw_string_literal' || p.type === 'token_tree') {
    // a format capture or a macro token: only std's formatting/assert macros borrow
    for (let a: Node | null = p; a; a = a.parent) if (a.type === 'macro_invocation') return READ_MACROS.has(macroName(a));
    return false;
  }
  if (p.type === 'reference_expression') return !p.children.some((c) => c?.type === 'mutable_specifier');
  if (p.type === 'field_expression') {
    const call = p.parent;
    const mc = methodCall(call);
    return !!mc && mc.recv.id === n.id && READ_METHODS.has(mc.method);
  }
  if (p.type === 'binary_expression') return ['==', '!=', '<', '>', '<=', '>='].includes(p.childForFieldName('operator')?.type ?? '');
  void ctx;
  return false;
}

interface Plan {
  lit: Node;
  how: 'let' | 'receiver';
  name?: string;
}

function plan(ctx: FileContext, call: Node): Plan | null {
  const lit = ownedStringOfLiteral(call);
  if (!lit) return null;
  const loop = loopBodyOf(ctx, call);
  if (!loop) return null;
  const p = ctx.parent(call);
  if (!p) return null;
  // `"lit".to_string().len()`: a read-only method on the fresh String
  if (p.type === 'field_expression') {
    const mc = methodCall(ctx.parent(p));
    return mc && mc.recv.id === call.id && READ_METHODS.has(mc.method) ? { lit, how: 'receiver' } : null;
  }
  if (p.type !== 'let_declaration' || p.childForFieldName('value')?.id !== call.id) return null;
  if (p.children.some((c) => c?.type === 'mutable_specifier')) return null;
  const pat = p.childForFieldName('pattern');
  if (!pat || pat.type !== 'identifier') return null;
  const b = resolveBinding(ctx, toRealNode(ctx, pat));
  if (!b) return null;
  const uses = usesOf(ctx, b);
  if (uses.length === 0 || !uses.every((u) => readOnlyUse(ctx, u.node))) return null;
  return { lit, how: 'let', name: pat.text };
}

export default defineRule({
  id: 'to-string-in-loop',
  family: 'strings',
  requires: INSIDE_LOOP, // plan(): loopBodyOf
  severity: 'note',
  tier: 'report-only',
  clippy: null,
  message: 'a String is allocated from a literal on every loop iteration, and only read',
  help: 'use the `&str` literal directly, or build the String once before the loop',
  docs: `\`"lit".to_string()\`, \`"lit".to_owned()\` and \`String::from("lit")\` allocate and copy on every
iteration of the loop they are in. When the String is only read afterwards, the literal itself
(a \`&'static str\`) does the same job with no allocation, or one String built before the loop can be
borrowed each time.

Matches, inside a \`for\`/\`while\`/\`loop\` body: \`let x = "lit".to_string();\` (not \`mut\`) whose every
use only reads it (\`&x\`, \`&self\` str methods such as \`x.len()\`/\`x.contains(..)\`, comparisons, std
formatting and assert macros, \`"{x}"\` captures); and \`"lit".to_string().len()\`-style calls of such a
method on the fresh String. A String moved anywhere (pushed, passed by value, stored in a struct,
returned) really needs one allocation per iteration and is not reported.

Report-only: the change is a type decision (\`&str\` vs \`String\`), and hoisting moves code.
\`&"lit".to_string()\` and \`x == "lit".to_string()\` are \`to-owned-literal\`, which has a fix.`,
  example: {
    before: 'for row in rows { let sep = ",".to_string(); out.push_str(&sep); }',
    after: 'for row in rows { out.push_str(","); }',
  },
  query: `(call_expression
  function: (field_expression value: [(string_literal) (raw_string_literal)] field: (field_identifier) @m)
  (#any-of? @m "to_string" "to_owned")) @match
(call_expression
  function: (scoped_identifier name: (identifier) @m)
  arguments: (arguments . [(string_literal) (raw_string_literal)] .)
  (#eq? @m "from")) @match`,
  check(m, ctx) {
    const p = plan(ctx, m.node);
    if (!p) return false;
    if (p.how === 'let') return { message: `\`${p.name}\` is a String allocated from ${p.lit.text} on every iteration, and only read`, help: `use ${p.lit.text} directly (a \`&'static str\`), or build the String once before the loop` };
    return { message: `${p.lit.text} is copied into a String on every iteration only to be read`, help: `call the method on ${p.lit.text} itself` };
  },
});
