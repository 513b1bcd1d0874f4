import type { Node } from 'web-tree-sitter';
import { defineRule, INSIDE_LOOP } from '../../src/engine/rule.js';
import type { FileContext } from '../../src/engine/context.js';
import { resolveBinding } from '../../src/engine/analysis/uses.js';
import { loopBodyOf, methodCall } from './util.js';

/** True when `name` is assigned (`=`, `+=`, ...) somewhere inside `loop`. */
function assignedIn(loop: Node, name: string): boolean {
  for (const a of loop.descendantsOfType(['assignment_expression', 'compound_assignment_expr'])) {
    if (a?.childForFieldName('left')?.text === name) return true;
  }
  return false;
}

/**
 * The index expression varies per iteration of a loop around the call: it names a `for` pattern
 * binding of an enclosing loop, or a variable assigned inside the enclosing loop.
 */
function variesPerIteration(ctx: FileContext, index: Node, loop: Node): boolean {
  const idents = index.type === 'identifier' ? [index] : index.descendantsOfType('identifier').filter((n): n is Node => !!n);
  for (const id of idents) {
    const b = resolveBinding(ctx, id);
    if (!b) continue;
    if (b.kind === 'for') return true;
    if (b.mutable && assignedIn(loop, id.text)) return true;
  }
  return false;
}

interface Plan {
  chars: string;
  index: Node;
}

function plan(ctx: FileContext, call: Node): Plan | null {
  const outer = methodCall(call);
  if (!outer) return null;
  let index: Node | undefined;
  let charsCall: Node;
  if (outer.method === 'nth' && outer.args.length === 1) {
    index = outer.args[0];
    charsCall = outer.recv;
  } else if (outer.method === 'next' && outer.args.length === 0) {
    const skip = methodCall(outer.recv);
    if (!skip || skip.method !== 'skip' || skip.args.length !== 1) return null;
    index = skip.args[0];
    charsCall = skip.recv;
  } else return null;
  const chars = methodCall(charsCall);
  if (!chars || (chars.method !== 'chars' && chars.method !== 'char_indices') || chars.args.length !== 0 || !index) return null;
  const loop = loopBodyOf(ctx, call);
  if (!loop || !variesPerIteration(ctx, index, loop)) return null;
  return { chars: chars.method, index };
}

export default defineRule({
  id: 'chars-nth-in-loop',
  family: 'strings',
  requires: INSIDE_LOOP, // plan(): loopBodyOf
  severity: 'warning',
  tier: 'report-only',
  clippy: null,
  message: '`chars().nth(i)` in a loop walks the string from the start on every iteration',
  help: 'iterate once with `char_indices()` (or `chars().enumerate()`), or collect a `Vec<char>` before the loop',
  docs: `\`s.chars().nth(i)\` (and \`s.chars().skip(i).next()\`) decodes UTF-8 from the start of \`s\` up to
char \`i\`: O(i). Called with the loop counter, the loop is O(n²) in the string length. It also
mixes units: \`for i in 0..s.len()\` counts bytes while \`nth\` counts chars, so non-ASCII text is
read at the wrong positions or yields \`None\` early.

Matches \`.chars().nth(i)\`/\`.char_indices().nth(i)\`/\`.chars().skip(i).next()\` inside a loop body when
\`i\` varies per iteration: it names a \`for\` pattern binding, or a \`mut\` variable assigned in the
loop. A constant index (\`nth(0)\`) is cheap and not reported.

Report-only, because the right fix depends on what the loop means: walk \`s.char_indices()\` (or
\`chars().enumerate()\`) once instead of counting; collect \`let cs: Vec<char> = s.chars().collect();\`
before the loop when random access is needed; or, for ASCII-only data, index \`s.as_bytes()[i]\`.
Related: patterns.md B7 (\`quadratic-vec-ops\`) and D1.`,
  example: {
    before: 'for i in 0..s.len() { if s.chars().nth(i) == Some(\' \') { n += 1; } }',
    after: 'for c in s.chars() { if c == \' \' { n += 1; } }',
  },
  query: `(call_expression
  function: (field_expression field: (field_identifier) @m)
  (#any-of? @m "nth" "next")) @match`,
  check(m, ctx) {
    const text = ctx.text(m.node);
    if (!text.includes('char')) return false;
    const p = plan(ctx, m.node);
    if (!p) return false;
    return { message: `\`${p.chars}()\` is walked up to \`${ctx.text(p.index)}\` on every loop iteration` };
  },
});
