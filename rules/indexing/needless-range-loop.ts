import type { Node } from 'web-tree-sitter';
import { exclusiveRange, isPlace, isPureExpr, loopBody, methodCall } from '../../src/engine/analysis/loops.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule, type Edit } from '../../src/engine/rule.js';
import { isZeroLiteral } from './shared.js';

/**
 * Methods that need `&mut` on an element (or are conventionally mutating): an element used this way
 * makes the loop `iter_mut()`. Any other method is assumed to take `&self`; a wrong guess fails to
 * compile and is dropped by --verify, whereas guessing `iter_mut` for a read breaks on statics and
 * shared slices.
 */
const MUTATING_METHODS = new Set([
  'push', 'push_str', 'push_back', 'push_front', 'pop', 'pop_back', 'pop_front', 'insert', 'remove', 'clear',
  'sort', 'sort_unstable', 'sort_by', 'sort_by_key', 'sort_unstable_by', 'sort_unstable_by_key', 'reverse',
  'truncate', 'extend', 'extend_from_slice', 'append', 'retain', 'dedup', 'drain', 'swap', 'fill', 'resize',
  'take', 'replace', 'entry', 'split_off', 'make_ascii_lowercase', 'make_ascii_uppercase', 'rotate_left',
  'rotate_right', 'copy_from_slice', 'clone_from_slice', 'clone_from', 'write', 'write_all', 'write_str',
  'flush', 'read', 'next', 'reset', 'update', 'add_assign', 'sub_assign', 'get_or_insert', 'get_or_insert_with',
]);

const PATTERN_OWNERS = new Set(['let_declaration', 'closure_parameters', 'match_pattern', 'for_expression', 'let_condition', 'parameter']);

const KEYWORDS = new Set(['as', 'break', 'const', 'continue', 'crate', 'else', 'enum', 'extern', 'false', 'fn', 'for', 'if', 'impl', 'in', 'let', 'loop', 'match', 'mod', 'move', 'mut', 'pub', 'ref', 'return', 'self', 'static', 'struct', 'super', 'trait', 'true', 'type', 'unsafe', 'use', 'where', 'while', 'async', 'await', 'dyn', 'box', 'try', 'yield', 'gen']);

interface Plan {
  loop: Node;
  index: string;
  collection: string;
  elem: string;
  mutable: boolean;
  enumerate: boolean;
  edits: Edit[];
}

/** The root identifier of a place (`self` in `self.a.b`). */
function rootOf(place: Node): Node {
  let cur = place;
  while (cur.type === 'field_expression') cur = cur.childForFieldName('value')!;
  return cur;
}

/** True when identifier `id` is bound (not used) by the pattern it sits in. */
function inBindingPattern(id: Node, stop: Node): boolean {
  for (let p = id.parent, child: Node = id; p && p.id !== stop.id; child = p, p = p.parent) {
    if (p.type === 'let_declaration') return p.childForFieldName('pattern')?.id === child.id;
    if (p.type === 'for_expression') return p.childForFieldName('pattern')?.id === child.id;
    if (p.type === 'let_condition') return p.childForFieldName('pattern')?.id === child.id;
    if (p.type === 'closure_parameters' || p.type === 'match_pattern' || p.type === 'parameter') return true;
    if (PATTERN_OWNERS.has(p.type)) return false;
    if (p.type.endsWith('_expression') || p.type === 'block') return false;
  }
  return false;
}

/** The outermost place built on `node` by field accesses and indexing (`v[i].a[j]`). */
function placeTop(node: Node): Node {
  let cur = node;
  for (let p = cur.parent; p; cur = p, p = p.parent) {
    if (p.type === 'field_expression' && p.childForFieldName('value')?.id === cur.id) {
      // stop at a method call: `v[i].len()` reads
      if (p.parent?.type === 'call_expression' && p.parent.childForFieldName('function')?.id === p.id) return cur;
      continue;
    }
    if (p.type === 'index_expression' && p.namedChildren[0]?.id === cur.id) continue;
    return cur;
  }
  return cur;
}

/** True when the element place `v[i]` is written, borrowed mutably, or used by a method that may mutate. */
function needsMut(indexExpr: Node): boolean {
  const top = placeTop(indexExpr);
  const p = top.parent;
  if (!p) return true;
  if ((p.type === 'assignment_expression' || p.type === 'compound_assignment_expr') && p.childForFieldName('left')?.id === top.id) return true;
  if (p.type === 'reference_expression' && p.children.some((c) => c?.type === 'mutable_specifier')) return true;
  if (p.type === 'field_expression' && p.parent?.type === 'call_expression') {
    const method = p.childForFieldName('field')?.text ?? '';
    return MUTATING_METHODS.has(method) || method.startsWith('set_') || method.endsWith('_mut');
  }
  return false;
}

function elementName(collection: Node, fn: Node): string | null {
  const used = new Set(fn.descendantsOfType('identifier').map((n) => n?.text));
  const last = collection.type === 'field_expression' ? collection.childForFieldName('field')!.text : collection.text;
  const candidates: string[] = [];
  if (/ies$/.test(last) && last.length > 4) candidates.push(last.slice(0, -3) + 'y');
  else if (/[^s]s$/.test(last) && last.length > 2) candidates.push(last.slice(0, -1));
  candidates.push('item', 'elem', 'x', 'value');
  for (const c of candidates) if (/^[a-z_][a-z0-9_]*$/.test(c) && !KEYWORDS.has(c) && !used.has(c) && c !== last) return c;
  return null;
}

function plan(loop: Node, ctx: FileContext): Plan | null {
  if (loop.tree !== ctx.tree) return null;
  const pattern = loop.childForFieldName('pattern');
  const value = loop.childForFieldName('value');
  const body = loopBody(loop);
  if (!pattern || pattern.type !== 'identifier' || !value || !body) return null;
  const range = exclusiveRange(value);
  if (!range || !isPureExpr(range.start)) return null;
  const len = methodCall(range.end);
  if (!len || len.method !== 'len' || len.args.length !== 0 || len.turbofish) return null;
  const coll = len.receiver;
  if (!(coll.type === 'identifier' || coll.type === 'self' || (coll.type === 'field_expression' && isPlace(coll)))) return null;
  const i = pattern.text;
  const collText = coll.text.replace(/\s+/g, '');
  const root = rootOf(coll).text;
  // macros hide uses we cannot rewrite
  for (const tt of body.descendantsOfType('token_tree')) {
    if (tt && tt.descendantsOfType('identifier').some((id) => id && (id.text === i || id.text === root))) return null;
  }
  const indexes: Node[] = [];
  let otherIndexUses = 0;
  let otherCollUses = 0;
  for (const id of body.descendantsOfType('identifier')) {
    if (!id) continue;
    if (id.text === i) {
      if (inBindingPattern(id, body)) return null; // `i` is shadowed somewhere in the body
      const p = id.parent;
      if (p?.type === 'index_expression' && p.namedChildren[1]?.id === id.id && p.namedChildren[0]!.text.replace(/\s+/g, '') === collText) {
        indexes.push(p);
        continue;
      }
      otherIndexUses++;
    } else if (id.text === root) {
      if (inBindingPattern(id, body)) return null;
      // the root of an indexed place `v[i]`: counted with the index
      const top = coll.type === 'identifier' ? id : climbToText(id, collText);
      const p = top?.parent;
      if (top && p?.type === 'index_expression' && p.namedChildren[0]?.id === top.id && p.namedChildren[1]?.type === 'identifier' && p.namedChildren[1].text === i) continue;
      otherCollUses++;
      // `v[j] = ..` while iterating `v`: a borrow conflict with any iterator
      if (needsMut(top ?? id)) return null;
    }
  }
  if (coll.type === 'self' || root === 'self') {
    for (const s of body.descendantsOfType('self')) {
      if (!s) continue;
      const top = climbToText(s, collText);
      const p = top?.parent;
      if (!(top && p?.type === 'index_expression' && p.namedChildren[0]?.id === top.id && p.namedChildren[1]?.text === i)) {
        otherCollUses++;
        if (top && needsMut(top)) return null;
      }
    }
  }
  if (indexes.length === 0) return null;
  const mutable = indexes.some(needsMut);
  if (mutable && otherCollUses > 0) return null; // `iter_mut` would conflict with the other uses
  const fn = ctx.enclosingFunction(loop, true) ?? ctx.enclosingItem(loop);
  const elem = elementName(coll, fn);
  if (!elem) return null;
  const enumerate = otherIndexUses > 0;
  const start = isZeroLiteral(range.start) ? null : range.start.text;
  let iter = `${coll.text}.${mutable ? 'iter_mut' : 'iter'}()`;
  if (enumerate) iter += '.enumerate()';
  if (start !== null) iter += `.skip(${start})`;
  const edits: Edit[] = [
    { start: pattern.startIndex, end: pattern.endIndex, text: enumerate ? `(${i}, ${elem})` : elem },
    { start: value.startIndex, end: value.endIndex, text: iter },
  ];
  for (const ix of indexes) edits.push(replacement(ix, elem));
  return { loop, index: i, collection: coll.text, elem, mutable, enumerate, edits };
}

/** The ancestor of `n` whose whitespace-free text is `text`, climbing through field expressions. */
function climbToText(n: Node, text: string): Node | null {
  let cur: Node | null = n;
  while (cur && cur.text.replace(/\s+/g, '') !== text) {
    const p: Node | null = cur.parent;
    if (!p || p.type !== 'field_expression' || p.childForFieldName('value')?.id !== cur.id) return null;
    cur = p;
  }
  return cur;
}

/** The edit replacing one `v[i]` with the element binding. */
function replacement(ix: Node, elem: string): Edit {
  const p = ix.parent;
  // `&v[i]` / `&mut v[i]` is the element reference itself
  if (p?.type === 'reference_expression') return { start: p.startIndex, end: p.endIndex, text: elem };
  // `v[i].f`, `v[i].m()`, `v[i][j]`: auto-deref
  if (p?.type === 'field_expression' && p.childForFieldName('value')?.id === ix.id) return { start: ix.startIndex, end: ix.endIndex, text: elem };
  if (p?.type === 'index_expression' && p.namedChildren[0]?.id === ix.id) return { start: ix.startIndex, end: ix.endIndex, text: elem };
  // postfix operators bind tighter than `*`
  if (p?.type === 'try_expression' || p?.type === 'call_expression' || p?.type === 'await_expression') return { start: ix.startIndex, end: ix.endIndex, text: `(*${elem})` };
  return { start: ix.startIndex, end: ix.endIndex, text: `*${elem}` };
}

export default defineRule({
  id: 'needless-range-loop',
  family: 'indexing',
  severity: 'warning',
  tier: 'verify',
  clippy: 'clippy::needless_range_loop',
  message: 'the loop index is only used to index one collection',
  help: 'iterate over the collection instead of over its indices',
  docs: `\`for i in 0..v.len() { ... v[i] ... }\` bounds-checks every \`v[i]\` (LLVM removes the check only when
it can prove \`i < v.len()\` still holds, which a call or a write in the body often prevents), and it
says less than \`for x in v.iter()\`.

When it is not slow: often LLVM already removes the checks; bench the change (patterns.md §6).

Matched: \`for i in a..v.len()\` where \`v\` is a local or a field path (\`self.items\`), \`a\` is side-effect
free, and the body indexes \`v[i]\`. Not when \`i\` or \`v\` appears inside a macro's arguments (those
uses cannot be rewritten reliably), when \`i\` or \`v\` is rebound in the body, or when an element is
written through while \`v\` is also used another way (a mutable iterator would conflict).

Fix: \`for x in v.iter()\` (\`iter_mut()\` when an element is assigned, borrowed \`&mut\`, or receives
a known mutating method such as \`push\`/\`clear\`/\`sort\`/\`set_*\`/\`*_mut\`), \`.enumerate()\` with \`(i, x)\` when \`i\` is also used as a number
(other collections indexed by \`i\` keep their indexing and their panics), \`.skip(a)\` for a range
starting at \`a\` (\`skip\` does not panic when \`a > len\`, like the empty range). Each \`v[i]\` becomes
\`*x\`, or \`x\` where auto-deref applies (\`v[i].f\`, \`v[i].m()\`, \`&v[i]\`, \`v[i][j]\`).

Tier verify: \`v\` may be a custom type whose \`Index\` and \`iter()\` disagree, a method may need
\`&mut\` (compile error, caught), and moving out of \`*x\` fails where \`v[i]\` copied (caught).
Clippy: \`clippy::needless_range_loop\` (style).`,
  example: {
    before: 'for i in 0..scores.len() {\n    total += scores[i];\n}',
    after: 'for score in scores.iter() {\n    total += *score;\n}',
  },
  query: `(for_expression
  pattern: (identifier)
  value: (range_expression
    (call_expression function: (field_expression field: (field_identifier) @len)) .)
  (#eq? @len "len")) @match`,
  check(m, ctx) {
    const p = plan(m.node, ctx);
    if (!p) return false;
    return {
      message: p.enumerate ? `the loop walks the indices of \`${p.collection}\` to index it` : `the index \`${p.index}\` is only used to index \`${p.collection}\``,
      help: `iterate with \`for ${p.enumerate ? `(${p.index}, ${p.elem})` : p.elem} in ${p.collection}.${p.mutable ? 'iter_mut' : 'iter'}()${p.enumerate ? '.enumerate()' : ''}\``,
    };
  },
  fix(m, ctx) {
    return plan(m.node, ctx)?.edits ?? null;
  },
});
