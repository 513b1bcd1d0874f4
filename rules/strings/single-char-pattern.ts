import type { Node } from 'web-tree-sitter';
import { defineRule } from '../../src/engine/rule.js';
import type { FileContext } from '../../src/engine/context.js';
import { singleCharLiteral, stringLiteralParts } from '../../src/engine/format-string.js';
import { isPlainStrLiteral, methodCall, visiblyNotStr, visiblyStr, visiblyString, type MethodCall } from './util.js';

/** Pattern-taking `str` methods: the argument index of the pattern and the total argument count. */
const PATTERN_ARG: Record<string, [number, number]> = {
  split: [0, 1], rsplit: [0, 1], split_terminator: [0, 1], rsplit_terminator: [0, 1], split_inclusive: [0, 1],
  split_once: [0, 1], rsplit_once: [0, 1], contains: [0, 1], starts_with: [0, 1], ends_with: [0, 1],
  find: [0, 1], rfind: [0, 1], matches: [0, 1], rmatches: [0, 1], match_indices: [0, 1], rmatch_indices: [0, 1],
  strip_prefix: [0, 1], strip_suffix: [0, 1], trim_start_matches: [0, 1], trim_end_matches: [0, 1],
  replace: [0, 2], replacen: [0, 3], splitn: [1, 2], rsplitn: [1, 2],
  push_str: [0, 1], insert_str: [1, 2],
};

/** Methods whose return type names the pattern type (`Split<'_, &str>` vs `Split<'_, char>`). */
const PATTERN_TYPED_RESULT = new Set([
  'split', 'rsplit', 'split_terminator', 'rsplit_terminator', 'split_inclusive', 'splitn', 'rsplitn',
  'matches', 'rmatches', 'match_indices', 'rmatch_indices',
]);

const RENAME: Record<string, string> = { push_str: 'push', insert_str: 'insert' };

interface Plan {
  mc: MethodCall;
  lit: Node;
  charText: string;
}

function plan(m: Node): Plan | null {
  const mc = methodCall(m);
  if (!mc) return null;
  const spec = PATTERN_ARG[mc.method];
  if (!spec || mc.args.length !== spec[1]) return null;
  const lit = mc.args[spec[0]]!;
  if (!isPlainStrLiteral(lit)) return null;
  const parts = stringLiteralParts(lit.text);
  if (!parts) return null;
  const charText = singleCharLiteral(parts.content, parts.raw);
  return charText ? { mc, lit, charText } : null;
}

/** The result is consumed without naming its type: a method-call receiver or a `for` iterable. */
function resultTypeUnnamed(ctx: FileContext, call: Node): boolean {
  const p = ctx.parent(call);
  if (p?.type === 'field_expression') {
    const pp = ctx.parent(p);
    return pp?.type === 'call_expression' || pp?.type === 'generic_function';
  }
  return p?.type === 'for_expression' && p.childForFieldName('value')?.id === call.id;
}

/** null: no finding (the receiver is visibly not a string, or a string builder we cannot see). */
function tierOf(ctx: FileContext, p: Plan): 'safe' | 'verify' | null {
  const { mc } = p;
  // many string builders (clap's StyledStr, ropes, writers) have push_str without push: require String
  if (mc.method === 'push_str' || mc.method === 'insert_str') return visiblyString(ctx, mc.recv) ? 'safe' : null;
  if (visiblyNotStr(ctx, mc.recv)) return null;
  if (!visiblyStr(ctx, mc.recv)) return 'verify';
  if (PATTERN_TYPED_RESULT.has(mc.method) && !resultTypeUnnamed(ctx, mc.call)) return 'verify';
  return 'safe';
}

export default defineRule({
  id: 'single-char-pattern',
  aliases: ['single-char-str'],
  family: 'strings',
  severity: 'warning',
  tier: 'safe',
  clippy: 'clippy::single_char_pattern',
  message: 'a one-character string is used where a `char` would do',
  help: "use a char literal: `split(',')` instead of `split(\",\")`, `push('x')` instead of `push_str(\"x\")`",
  docs: `A \`&str\` pattern of one character runs the general substring searcher (Two-Way setup, a
memcmp per candidate); a \`char\` pattern compiles to a simple byte or UTF-8 scan. \`push_str("x")\`
copies through a slice where \`push('x')\` writes one char. Recent std narrowed the gap for
\`split\`/\`contains\`, so the gain is small: this is a cheap, mechanical cleanup.

Matches a plain string literal holding exactly one Unicode scalar after escapes, as the pattern of
\`split\`, \`rsplit\`, \`split_terminator\`, \`split_inclusive\`, \`split_once\`, \`rsplit_once\`,
\`contains\`, \`starts_with\`, \`ends_with\`, \`find\`, \`rfind\`, \`matches\`, \`match_indices\`,
\`strip_prefix\`, \`strip_suffix\`, \`trim_start_matches\`, \`trim_end_matches\`, \`replace\`/\`replacen\`
(first argument) or \`splitn\`/\`rsplitn\` (second), and \`push_str\`/\`insert_str\`.

Fix: \`"x"\` → \`'x'\` with exact escapes (\`"'"\` → \`'\\''\`, \`"\\""\` → \`'"'\`, \`"\\\\"\` → \`'\\\\'\`,
\`\\n\`/\`\\u{..}\` kept, a raw tab becomes no finding); \`push_str("x")\` → \`push('x')\`,
\`insert_str(i, "x")\` → \`insert(i, 'x')\`.

\`push_str\`/\`insert_str\` are reported only on a visible \`String\` (a binding, parameter or struct field
typed \`String\`/\`&mut String\`): many string builders (clap's \`StyledStr\`, ropes) have \`push_str\` and no
\`push\`. A receiver whose written type is visibly not a string (\`&Path\`, \`&OsStr\`, a set) is not
reported.

Tier: safe only when the receiver is visibly a \`str\`/\`String\` (a literal, or a binding whose written
type is \`&str\`/\`String\`/\`Cow<str>\`..., possibly through \`trim()\`/\`as_str()\`), and, for the
iterator-returning methods (\`split\`, \`matches\`...), when the result is consumed directly (a method
call on it or a \`for\` loop): their return type names the pattern type (\`Split<'_, &str>\`), so a
field or signature spelling it would stop compiling. Otherwise verify: \`Path::starts_with\`,
\`HashSet<&str>::contains\` or \`Option::replace\` take no \`char\`. patterns.md calls C4 safe
unconditionally; that is wrong for unknown receivers (the edit can fail to compile).

Multi-scalar graphemes (letter + combining accent, flags, ZWJ emoji) are never a char. Byte and C
strings are skipped. Alias: \`single-char-str\`. Clippy: \`single_char_pattern\`, \`single_char_add_str\`.`,
  example: {
    before: 'let cols: Vec<&str> = line.split(",").collect();\nout.push_str("\\n");',
    after: "let cols: Vec<&str> = line.split(',').collect();\nout.push('\\n');",
  },
  query: `(call_expression
  function: (field_expression field: (field_identifier) @method)
  arguments: (arguments [(string_literal) (raw_string_literal)])
  (#any-of? @method "split" "rsplit" "split_terminator" "rsplit_terminator" "split_inclusive" "split_once" "rsplit_once" "contains" "starts_with" "ends_with" "find" "rfind" "matches" "rmatches" "match_indices" "rmatch_indices" "strip_prefix" "strip_suffix" "trim_start_matches" "trim_end_matches" "replace" "replacen" "splitn" "rsplitn" "push_str" "insert_str")) @match`,
  check(m, ctx) {
    const p = plan(m.node);
    if (!p) return false;
    const tier = tierOf(ctx, p);
    if (!tier) return false;
    const rename = RENAME[p.mc.method];
    return {
      node: p.lit,
      tier,
      ...(rename ? { message: `\`${p.mc.method}\` of a one-character string`, help: `use \`${rename}(${p.mc.method === 'insert_str' ? '.., ' : ''}${p.charText})\`` } : {}),
      ...(tier === 'verify' ? { help: `use ${p.charText}; the receiver's type is not visible here, so cargo check must confirm it takes a char` } : {}),
    };
  },
  fix(m) {
    const p = plan(m.node);
    if (!p) return null;
    const edits = [{ start: p.lit.startIndex, end: p.lit.endIndex, text: p.charText }];
    const rename = RENAME[p.mc.method];
    if (rename) edits.push({ start: p.mc.field.startIndex, end: p.mc.field.endIndex, text: rename });
    return edits;
  },
});
