import type { Node } from 'web-tree-sitter';
import { defineRule } from '../../src/engine/rule.js';
import type { FileContext } from '../../src/engine/context.js';
import { lastSegment, needsParens } from '../../src/engine/syntax.js';
import { calleePath, isComment, isPlainStrLiteral, methodCall } from './util.js';
import { primitiveShadowed } from '../../src/engine/analysis/types.js';

interface Plan {
  value: Node;
  count: Node;
  text: string;
  literal: boolean;
}

/** True when `path` names std's `iter::repeat`/`iter::repeat_n` in this file. */
function isStdRepeat(ctx: FileContext, path: string, fn: 'repeat' | 'repeat_n'): boolean {
  if (path === `std::iter::${fn}` || path === `core::iter::${fn}` || path === `::std::iter::${fn}`) return true;
  const src = ctx.source;
  if (path === `iter::${fn}`) return /\buse\s+(::)?(std|core)::(iter\s*;|\{[^}]*\biter\b)/.test(src);
  if (path === fn) return new RegExp(`\\buse\\s+(::)?(std|core)::iter::(${fn}\\s*;|\\{[^}]*\\b${fn}\\b)`).test(src) && !new RegExp(`\\bfn\\s+${fn}\\b`).test(src);
  return false;
}

function isStringType(n: Node | null | undefined): boolean {
  return !!n && /^((::)?(std|alloc)::string::)?String$/.test(n.text.replace(/\s+/g, ''));
}

/** `'c'` → `"c"` with the escapes a string literal needs. */
function charToStr(text: string): string | null {
  if (!/^'.*'$/s.test(text) || text.startsWith('b')) return null;
  const inner = text.slice(1, -1);
  if (inner === '"') return '"\\""';
  if (inner === "\\'") return `"'"`;
  return `"${inner}"`;
}

function plan(ctx: FileContext, call: Node): Plan | null {
  const collect = methodCall(call);
  if (!collect || collect.method !== 'collect' || collect.args.length !== 0) return null;
  const fn = call.childForFieldName('function');
  let stringTarget = false;
  if (fn?.type === 'generic_function') {
    const targs = fn.childForFieldName('type_arguments');
    stringTarget = !!targs && targs.namedChildCount === 1 && isStringType(targs.namedChildren[0]);
  } else {
    const p = ctx.parent(call);
    stringTarget = p?.type === 'let_declaration' && p.childForFieldName('value')?.id === call.id && isStringType(p.childForFieldName('type'));
  }
  if (!stringTarget || primitiveShadowed(ctx, 'String')) return null;
  let value: Node | undefined;
  let count: Node | undefined;
  const take = methodCall(collect.recv);
  if (take && take.method === 'take' && take.args.length === 1) {
    const rep = take.recv;
    const path = rep.type === 'call_expression' ? calleePath(rep) : null;
    const args = rep.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c && !isComment(c)) ?? [];
    if (!path || lastSegment(path) !== 'repeat' || !isStdRepeat(ctx, path, 'repeat') || args.length !== 1) return null;
    value = args[0];
    count = take.args[0];
  } else if (collect.recv.type === 'call_expression') {
    const path = calleePath(collect.recv);
    const args = collect.recv.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c && !isComment(c)) ?? [];
    if (!path || lastSegment(path) !== 'repeat_n' || !isStdRepeat(ctx, path, 'repeat_n') || args.length !== 2) return null;
    value = args[0];
    count = args[1];
  }
  if (!value || !count) return null;
  const n = ctx.text(count);
  if (isPlainStrLiteral(value)) return { value, count, literal: true, text: `${value.text}.repeat(${n})` };
  if (value.type === 'char_literal') {
    const s = charToStr(value.text);
    return s ? { value, count, literal: true, text: `${s}.repeat(${n})` } : null;
  }
  const v = ctx.text(value);
  return { value, count, literal: false, text: `${needsParens(v) ? `(${v})` : v}.repeat(${n})` };
}

export default defineRule({
  id: 'manual-str-repeat',
  family: 'strings',
  severity: 'warning',
  tier: 'safe',
  clippy: 'clippy::manual_str_repeat',
  message: 'a repeated string is collected piece by piece',
  help: 'use `str::repeat`: `"=".repeat(n)`',
  docs: `\`std::iter::repeat(s).take(n).collect::<String>()\` (and \`repeat_n(s, n)\`) pushes \`n\` pieces one by
one, growing the String as it goes. \`s.repeat(n)\` computes the final length, allocates once and
fills the buffer by doubling copies.

Matches only a visibly \`String\` target (\`collect::<String>()\` or \`let s: String = ...collect();\`)
and a \`repeat\`/\`repeat_n\` that is std's (a full path, or imported from \`std::iter\`/\`core::iter\`
in this file, with no local \`fn repeat\`).

Fix: a string literal stays as is (\`"ab".repeat(n)\`), a char literal becomes a one-character
string (\`'-'\` → \`"-".repeat(n)\`, with \`'"'\` → \`"\\""\`): tier safe, the result is the same String.
A variable \`x\` becomes \`x.repeat(n)\`: tier verify (a \`char\` or \`String\` variable needs
\`x.to_string().repeat(n)\`/\`x.as_str()\`; cargo check decides).`,
  example: {
    before: 'let rule: String = std::iter::repeat("=").take(width).collect();',
    after: 'let rule: String = "=".repeat(width);',
  },
  query: `(call_expression
  function: [(field_expression field: (field_identifier) @m) (generic_function function: (field_expression field: (field_identifier) @m))]
  (#eq? @m "collect")) @match`,
  check(m, ctx) {
    if (!/\brepeat/.test(ctx.text(m.node))) return false;
    const p = plan(ctx, m.node);
    if (!p) return false;
    return p.literal ? true : { tier: 'verify', help: `use \`${p.text}\` (if the value is a \`&str\`)` };
  },
  fix(m, ctx) {
    const p = plan(ctx, m.node);
    return p ? [{ start: m.node.startIndex, end: m.node.endIndex, text: p.text }] : null;
  },
});
