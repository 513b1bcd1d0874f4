import type { Node } from 'web-tree-sitter';
import { defineRule, INSIDE_LOOP, type Edit } from '../../src/engine/rule.js';
import type { FileContext } from '../../src/engine/context.js';
import { parseFormatString, stringLiteralParts } from '../../src/engine/format-string.js';
import { macroName } from '../../src/engine/macros.js';
import { macroArguments, tokenTreeTokens } from '../../src/engine/syntax.js';
import { formatCaptures, resolveBinding } from '../../src/engine/analysis/uses.js';
import { fmtWriteImport, loopBodyOf, methodCall, userMacro } from './util.js';

type Plan =
  | { kind: 'append-format'; text: string }
  | { kind: 'append-plus'; text: string }
  | { kind: 'report'; why: string };

function isPlace(n: Node): boolean {
  if (n.type === 'identifier') return true;
  if (n.type === 'field_expression') {
    const v = n.childForFieldName('value');
    return !!v && (v.type === 'self' || isPlace(v));
  }
  return false;
}

const norm = (s: string) => s.replace(/\s+/g, '');

/**
 * Mentions of the place (`s`, `self.buf`) among the macro's tokens: any token sequence spelling it
 * that is not preceded by `.`/`::` (a field or path) and not followed by `::`. `s.len()` counts.
 */
function countPlaceTokens(tt: Node, place: string): number {
  const parts = place.split('.');
  const toks = tokenTreeTokens(tt);
  let k = 0;
  for (let i = 0; i < toks.length; i++) {
    const prev = toks[i - 1]?.type;
    if (prev === '.' || prev === '::') continue;
    let j = i;
    let ok = true;
    for (let p = 0; p < parts.length; p++) {
      if (p > 0) {
        if (toks[j]?.type !== '.') { ok = false; break; }
        j++;
      }
      if (toks[j]?.text !== parts[p]) { ok = false; break; }
      j++;
    }
    if (ok && toks[j]?.type !== '::') k++;
  }
  return k;
}

function planFormat(ctx: FileContext, lhs: Node, inv: Node): Plan | null {
  if (macroName(inv) !== 'format' || userMacro(ctx, 'format') || userMacro(ctx, 'write')) return null;
  const tt = inv.children.find((c) => c?.type === 'token_tree');
  const args = macroArguments(inv);
  if (!tt || !args || args.length === 0) return null;
  const fmtTok = tt.children[1];
  if (!fmtTok || (fmtTok.type !== 'string_literal' && fmtTok.type !== 'raw_string_literal') || fmtTok.endIndex !== args[0]!.end) return null;
  const parts = stringLiteralParts(fmtTok.text);
  const parsed = parts ? parseFormatString(parts.content) : null;
  if (!parts || !parsed) return null;
  const place = norm(ctx.text(lhs));
  const rest = args.slice(1);
  const namedArg = (a: { text: string }) => /^\s*([A-Za-z_]\w*)\s*=(?!=)/.exec(a.text)?.[1] ?? null;
  // which placeholder reads the assigned place?
  const captures = lhs.type === 'identifier' ? formatCaptures(fmtTok).filter((c) => c === place && !rest.some((a) => namedArg(a) === c)).length : 0;
  const tokenUses = countPlaceTokens(tt, place);
  if (captures + tokenUses !== 1) return null; // absent (not a rebuild) or read twice
  let implicit = 0;
  let selfIndex = -1;
  parsed.placeholders.forEach((p, i) => {
    const target = p.arg === '' ? String(implicit++) : p.arg;
    if (p.arg !== '' && p.arg === place && captures === 1) selfIndex = i;
    else if (/^\d+$/.test(target)) {
      const a = rest.filter((x) => !namedArg(x))[Number(target)];
      if (a && norm(a.text) === place) selfIndex = i;
    } else {
      const a = rest.find((x) => namedArg(x) === target);
      if (a && norm(a.text.replace(/^\s*[A-Za-z_]\w*\s*=/, '')) === place) selfIndex = i;
    }
  });
  if (selfIndex < 0) return null;
  const self = parsed.placeholders[selfIndex]!;
  const refsToSelf = parsed.placeholders.filter((p, i) => i !== selfIndex && (p.arg === self.arg && p.arg !== '')).length;
  if (selfIndex !== 0 || self.start !== 0 || self.spec !== undefined || refsToSelf > 0) {
    return { kind: 'report', why: 'the string is rebuilt around its old value (prepended, inserted or re-formatted): every iteration copies it' };
  }
  if (parsed.placeholders.some((p) => /^\d+$/.test(p.arg) || (p.spec !== undefined && /[$*]/.test(p.spec)))) {
    return { kind: 'report', why: 'appending through `format!` copies the whole string every iteration' };
  }
  const restFmt = parts.content.slice(self.end);
  let dropAt: number;
  if (self.arg === '') dropAt = rest.findIndex((a) => !namedArg(a)); // the first positional argument
  else dropAt = rest.findIndex((a) => namedArg(a) === self.arg); // `acc = acc`, or -1 for a capture
  if (self.arg === '' && (dropAt < 0 || norm(rest[dropAt]!.text) !== place)) return null;
  const restArgs = rest.filter((_, i) => i !== dropAt).map((a) => a.text.trim());
  if (restFmt === '' && restArgs.length === 0) return null;
  const lit = `${parts.prefix}${restFmt}${parts.suffix}`;
  return { kind: 'append-format', text: `write!(${ctx.text(lhs)}, ${[lit, ...restArgs].join(', ')}).unwrap()` };
}

function planPlus(ctx: FileContext, lhs: Node, rhs: Node): Plan | null {
  if (rhs.type !== 'binary_expression' || rhs.childForFieldName('operator')?.type !== '+') return null;
  const left = rhs.childForFieldName('left')!;
  const right = rhs.childForFieldName('right')!;
  const place = norm(ctx.text(lhs));
  const isSelf = (n: Node) => norm(ctx.text(n)) === place;
  const mc = methodCall(left);
  if (mc && ['clone', 'to_owned', 'to_string'].includes(mc.method) && mc.args.length === 0 && isSelf(mc.recv)) {
    if (countIn(right, place) > 0) return null;
    return { kind: 'append-plus', text: `${ctx.text(lhs)} += ${ctx.text(right)}` };
  }
  if (left.type === 'binary_expression') {
    // s = s.clone() + a + b: report; s = s + a + b is already in place
    let leaf = left;
    while (leaf.type === 'binary_expression' && leaf.childForFieldName('operator')?.type === '+') leaf = leaf.childForFieldName('left')!;
    const lm = methodCall(leaf);
    if (lm && ['clone', 'to_owned', 'to_string'].includes(lm.method) && isSelf(lm.recv)) return { kind: 'report', why: 'the string is cloned and rebuilt every iteration' };
    return null;
  }
  // prepend: s = x + &s / s = x.to_owned() + s.as_str()
  const r = right.type === 'reference_expression' ? right.childForFieldName('value') : methodCall(right)?.method === 'as_str' ? methodCall(right)!.recv : null;
  if (r && isSelf(r) && countIn(left, place) === 0) return { kind: 'report', why: 'prepending copies the whole string every iteration' };
  return null;
}

function countIn(n: Node, place: string): number {
  let k = 0;
  const walk = (x: Node) => {
    if ((x.type === 'identifier' || x.type === 'field_expression') && norm(x.text) === place) {
      k++;
      return;
    }
    for (const c of x.children) if (c) walk(c);
  };
  walk(n);
  return k;
}

function plan(ctx: FileContext, assign: Node): Plan | null {
  const lhs = assign.childForFieldName('left');
  const rhs = assign.childForFieldName('right');
  if (!lhs || !rhs || !isPlace(lhs)) return null;
  const loop = loopBodyOf(ctx, assign);
  if (!loop) return null;
  if (lhs.type === 'identifier') {
    const b = resolveBinding(ctx, lhs);
    if (!b || (b.ident.startIndex >= loop.startIndex && b.ident.endIndex <= loop.endIndex)) return null;
  }
  if (rhs.type === 'macro_invocation') return planFormat(ctx, lhs, rhs);
  return planPlus(ctx, lhs, rhs);
}

export default defineRule({
  id: 'string-rebuild-in-loop',
  family: 'strings',
  requires: INSIDE_LOOP, // plan(): loopBodyOf
  severity: 'warning',
  tier: 'verify',
  clippy: null,
  message: 'a String is rebuilt from its old value on every loop iteration',
  help: 'append in place: `write!(s, ..)`, `s.push_str(..)` or `s += ..`',
  docs: `\`s = format!("{}{}", s, x)\`, \`s = format!("{s}{x}")\` or \`s = s.clone() + x\` inside a loop allocate a
new String and copy all of \`s\` into it on every iteration: building an n-piece string costs O(n²)
bytes copied. Appending in place reuses \`s\`'s buffer (amortised O(1) growth).

Matches an assignment to a local declared outside the loop (or a field path), in a
\`for\`/\`while\`/\`loop\` body, whose right side reads the assigned place exactly once.

Fix (verify): \`s = format!("{}<rest>", s, args..)\` / \`s = format!("{s}<rest>")\` →
\`write!(s, "<rest>", args..).unwrap()\`, adding \`use std::fmt::Write as _;\` (\`core::fmt::Write\` in
no_std crates) when the module lacks it; \`s = s.clone() + x\` → \`s += x\`. The first placeholder must
be a plain \`{}\` at the very start bound to \`s\`, with no numbered placeholders and no width/precision
from arguments. Report-only: prepending or inserting (\`s = format!("{x}{s}")\`, \`s = x + &s\`) and
chains like \`s = s.clone() + a + b\`: collect the parts and \`concat()\`/\`join\` once, or build in
reverse. \`s = s + &x\` and \`s += &x\` already append in place and are never reported.

Tier verify: \`s\` must be a \`String\` (cargo check); \`write!\` into a String only fails if a \`Display\`
impl returns an error, where \`format!\` panicked too.`,
  example: {
    before: 'for w in words { acc = format!("{acc}{w} "); }',
    after: 'for w in words { write!(acc, "{w} ").unwrap(); }',
  },
  query: `(assignment_expression
  right: (macro_invocation macro: [(identifier) @mac (scoped_identifier name: (identifier) @mac)])
  (#eq? @mac "format")) @match
(assignment_expression
  right: (binary_expression operator: "+")
  (#match? @match "\\\\bclone\\\\b|\\\\bto_owned\\\\b|\\\\bto_string\\\\b")) @match`,
  check(m, ctx) {
    const p = plan(ctx, m.node);
    if (!p) return false;
    if (p.kind === 'report') return { tier: 'report-only', message: `a String is rebuilt in a loop: ${p.why}`, help: 'collect the pieces and join them once (`concat()`/`join`), or append in place' };
    return true;
  },
  fix(m, ctx) {
    const p = plan(ctx, m.node);
    if (!p || p.kind === 'report') return null;
    const edits: Edit[] = [{ start: m.node.startIndex, end: m.node.endIndex, text: p.text }];
    if (p.kind === 'append-format') edits.push(...fmtWriteImport(ctx, m.node));
    return edits;
  },
});
