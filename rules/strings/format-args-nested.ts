import type { Node } from 'web-tree-sitter';
import { defineRule, type Edit } from '../../src/engine/rule.js';
import type { FileContext } from '../../src/engine/context.js';
import { parseFormatString, stringLiteralParts } from '../../src/engine/format-string.js';
import { macroName } from '../../src/engine/macros.js';
import { isComment, isPlainStrLiteral, methodCall, userMacro } from './util.js';

const FORMAT_AT: Record<string, number> = { format: 0, print: 0, println: 0, eprint: 0, eprintln: 0, panic: 0, write: 1, writeln: 1 };

interface Plan {
  arg: Node;
  kind: 'to_string' | 'format';
  /** When the outer string is exactly "{}" and this is its only argument (not panic!): inline. */
  inline: { start: number; end: number; text: string } | null;
  outer: string;
}

function plan(ctx: FileContext, arg: Node): Plan | null {
  if (arg.tree === ctx.tree) return null;
  const args = arg.parent?.type === 'assignment_expression' ? arg.parent.parent : arg.parent;
  const shell = args?.parent;
  if (!args || args.type !== 'arguments' || !shell || shell.type !== 'call_expression') return null;
  const e = ctx.expansionOf(arg);
  if (!e || e.invocation.startIndex !== shell.startIndex || !(e.name in FORMAT_AT)) return null;
  if (userMacro(ctx, 'format') || userMacro(ctx, 'format_args') || userMacro(ctx, e.name)) return null;
  const list = args.namedChildren.filter((c): c is Node => !!c && !isComment(c));
  const fi = FORMAT_AT[e.name]!;
  const fmt = list[fi];
  if (!fmt || !isPlainStrLiteral(fmt)) return null;
  const parts = stringLiteralParts(fmt.text);
  const parsed = parts ? parseFormatString(parts.content) : null;
  if (!parsed) return null;
  // width/precision taken from arguments (`{:1$}`, `{:.*}`) shift the argument numbering: skip
  if (parsed.placeholders.some((p) => p.spec !== undefined && /[$*]/.test(p.spec))) return null;
  const rest = list.slice(fi + 1);
  const idx = rest.findIndex((n) => n.id === arg.id || (n.type === 'assignment_expression' && n.childForFieldName('right')?.id === arg.id));
  if (idx < 0) return null;
  const holder = rest[idx]!;
  const named = holder.type === 'assignment_expression' ? holder.childForFieldName('left')?.text ?? null : null;
  const positional = rest.filter((n) => n.type !== 'assignment_expression');
  const posIndex = named ? -1 : positional.findIndex((n) => n.id === holder.id);
  let implicit = 0;
  const refs = parsed.placeholders.filter((p) => {
    const target = p.arg === '' ? String(implicit++) : p.arg;
    return named ? target === named : target === String(posIndex);
  });
  if (refs.length !== 1 || refs[0]!.spec !== undefined) return null;

  let kind: Plan['kind'];
  if (arg.type === 'macro_invocation') {
    if (macroName(arg) !== 'format') return null;
    const tt = arg.children.find((c) => c?.type === 'token_tree');
    if (!tt || ctx.source.slice(tt.startIndex + 1, tt.endIndex - 1).trim() === '') return null;
    kind = 'format';
  } else {
    const mc = methodCall(arg);
    if (!mc || mc.method !== 'to_string' || mc.args.length !== 0) return null;
    kind = 'to_string';
  }
  let inline: Plan['inline'] = null;
  if (kind === 'format' && e.name !== 'panic' && parts!.content === '{}' && rest.length === 1 && !named) {
    const tt = arg.children.find((c) => c?.type === 'token_tree')!;
    inline = { start: fmt.startIndex, end: arg.endIndex, text: ctx.source.slice(tt.startIndex + 1, tt.endIndex - 1).trim() };
  }
  return { arg, kind, inline, outer: e.name };
}

export default defineRule({
  id: 'format-args-nested',
  aliases: ['format-in-format-args', 'to-string-in-format-args'],
  family: 'strings',
  severity: 'warning',
  tier: 'verify',
  clippy: 'clippy::format_in_format_args',
  message: 'a String is built only to be formatted again',
  help: 'format the value directly: drop `.to_string()`, or use `format_args!` instead of `format!`',
  docs: `An argument \`x.to_string()\` or \`format!(..)\` of \`format!\`, \`print!\`, \`println!\`, \`eprint!\`,
\`eprintln!\`, \`write!\`, \`writeln!\` or \`panic!\` allocates a temporary String that the outer macro then
copies; formatting \`x\` (or \`format_args!(..)\`) directly writes into the destination with no
temporary.

Matches only an argument referenced by exactly one placeholder, which is plain (\`{}\`, \`{0}\`,
\`{name}\` with no spec). Any spec is real formatting: \`String\`'s \`Display\` applies width, fill and
precision, but a user type's \`Display\` may ignore them and \`format_args!\` always does
(\`format!("{:>6}", format_args!("ab"))\` gives \`"ab"\`), and \`{:?}\` on a String adds quotes. Skipped
when a width/precision is taken from the arguments (\`{:1$}\`, \`{:.*}\`), or when the file defines its
own \`format!\`.

Fix: \`x.to_string()\` → \`x\`; \`format!(..)\` → \`format_args!(..)\`; when the outer string is exactly
\`"{}"\` and this is its only argument, the inner string and arguments are inlined
(\`println!("{}", format!("{}/{}", a, b))\` → \`println!("{}/{}", a, b)\`; never in \`panic!\`, where a
lone literal is not a format string before edition 2021). Tier verify: an inherent
\`fn to_string(&self)\` that differs from \`Display\` would win in the original, and a type with no
\`Display\` but such a method stops compiling. Clippy: \`format_in_format_args\`,
\`to_string_in_format_args\`.`,
  example: {
    before: 'println!("{}", format!("{}/{}", dir, file));\neprintln!("{}", id.to_string());',
    after: 'println!("{}/{}", dir, file);\neprintln!("{}", id);',
  },
  query: `(call_expression
  function: (identifier) @mac
  arguments: (arguments
    [(call_expression function: (field_expression field: (field_identifier) @m))
     (macro_invocation macro: [(identifier) @m (scoped_identifier name: (identifier) @m)])] @match)
  (#any-of? @mac "format" "print" "println" "eprint" "eprintln" "write" "writeln" "panic")
  (#any-of? @m "to_string" "format"))
(call_expression
  function: (identifier) @mac
  arguments: (arguments
    (assignment_expression right: [(call_expression function: (field_expression field: (field_identifier) @m))
     (macro_invocation macro: [(identifier) @m (scoped_identifier name: (identifier) @m)])] @match))
  (#any-of? @mac "format" "print" "println" "eprint" "eprintln" "write" "writeln" "panic")
  (#any-of? @m "to_string" "format"))`,
  check(m, ctx) {
    const p = plan(ctx, m.node);
    if (!p) return false;
    if (p.kind === 'to_string') return { message: `\`.to_string()\` inside \`${p.outer}!\` allocates a temporary String`, help: 'pass the value itself: the placeholder formats it with the same `Display`' };
    return { message: `\`format!\` inside \`${p.outer}!\` allocates a temporary String`, help: p.inline ? 'inline the inner format string and its arguments' : 'use `format_args!`, which formats lazily without allocating' };
  },
  fix(m, ctx) {
    const p = plan(ctx, m.node);
    if (!p) return null;
    if (p.inline) return [{ start: p.inline.start, end: p.inline.end, text: p.inline.text }];
    if (p.kind === 'format') {
      const mac = p.arg.childForFieldName('macro')!;
      const name = mac.type === 'scoped_identifier' ? mac.childForFieldName('name')! : mac;
      return [{ start: name.startIndex, end: name.endIndex, text: 'format_args' }];
    }
    const mc = methodCall(p.arg)!;
    const edits: Edit[] = [{ start: p.arg.startIndex, end: p.arg.endIndex, text: ctx.text(mc.recv) }];
    return edits;
  },
});
