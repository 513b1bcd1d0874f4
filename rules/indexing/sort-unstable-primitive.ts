import type { Node } from 'web-tree-sitter';
import { INTEGER_TYPES, literalKind, primitiveShadowed, typeHintOf } from '../../src/engine/analysis/types.js';
import { resolveBinding } from '../../src/engine/analysis/uses.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule } from '../../src/engine/rule.js';
import { isStdName } from '../collections/shared.js';

/** Element types whose equal values are indistinguishable (total order, no identity): not floats. */
const ORDERED_PRIMITIVES = new Set([...INTEGER_TYPES, 'bool', 'char']);

/** The element type of `Vec<T>`, `[T]`, `[T; N]`, `Box<[T]>` behind any `&`/`&mut`, or null. */
function elementType(typeText: string): { elem: string; head: string | null } | null {
  let t = typeText.replace(/\s+/g, ' ').trim();
  for (;;) {
    const r = /^&\s*('[A-Za-z_]+\s*)?(mut\s+)?/.exec(t);
    if (!r || r[0].length === 0) break;
    t = t.slice(r[0].length).trim();
  }
  let m = /^((?:(?:std|alloc)::vec::)?Vec)\s*<\s*([A-Za-z0-9_]+)\s*>$/.exec(t);
  if (m) return { elem: m[2]!, head: m[1]! };
  m = /^\[\s*([A-Za-z0-9_]+)\s*(;[^\]]+)?\]$/.exec(t);
  if (m) return { elem: m[1]!, head: null };
  m = /^(Box)\s*<\s*\[\s*([A-Za-z0-9_]+)\s*\]\s*>$/.exec(t);
  if (m) return { elem: m[2]!, head: m[1]! };
  return null;
}

/** `vec![1, 2, 3]` / `vec![0u8; n]` / `[3, 1, 2]` of integer, bool or char literals (one kind). */
function literalElements(value: Node | null, ctx: FileContext): boolean {
  if (!value) return false;
  let arr: Node | null = null;
  if (value.type === 'array_expression') arr = value;
  else if (value.type === 'macro_invocation' && value.childForFieldName('macro')?.text === 'vec') {
    // the shadow tree parses `vec![..]` arguments as an array expression at the same position
    for (const s of ctx.shadows) {
      const n = s.tree.rootNode.descendantForIndex(value.startIndex + value.text.indexOf('['), value.endIndex - 1);
      for (let c: Node | null = n; c; c = c.parent) if (c.type === 'array_expression') { arr = c; break; }
      if (arr) break;
    }
  }
  if (!arr) return false;
  const items = arr.namedChildren.filter((c): c is Node => c !== null && c.type !== 'line_comment' && c.type !== 'block_comment');
  const repeat = arr.children.some((c) => c?.type === ';');
  const elems = repeat ? items.slice(0, 1) : items;
  if (elems.length === 0) return false;
  const kinds = new Set(elems.map((e) => literalKind(e)));
  if (kinds.size !== 1) return false;
  const k = [...kinds][0];
  if (k !== 'int' && k !== 'bool' && k !== 'char' && k !== 'byte') return false;
  // a float suffix on an integer-looking literal (`1f32`) is a float
  return !elems.some((e) => /f(32|64)$/.test(e.text) && !/^0x/i.test(e.text));
}

function primitiveElements(recv: Node, ctx: FileContext): string | null {
  if (recv.type !== 'identifier') return null;
  const hint = typeHintOf(ctx, recv);
  if (hint.type) {
    const et = elementType(hint.type);
    if (!et || !ORDERED_PRIMITIVES.has(et.elem) || primitiveShadowed(ctx, et.elem)) return null;
    if (et.head && !isStdName(ctx, et.head, recv)) return null;
    return et.elem;
  }
  const b = resolveBinding(ctx, recv);
  if (b && b.kind === 'let' && b.simple && !b.type && literalElements(b.value, ctx)) return 'literal elements';
  return null;
}

export default defineRule({
  id: 'sort-unstable-primitive',
  family: 'indexing',
  severity: 'warning',
  tier: 'verify',
  clippy: 'clippy::stable_sort_primitive',
  message: 'a stable sort of primitive values',
  help: 'use `sort_unstable()`: equal primitives are indistinguishable, so the result is identical, and it needs no buffer',
  docs: `\`v.sort()\` is a stable merge sort (driftsort): it allocates a buffer of up to \`n/2\` elements to
keep equal elements in their original order. For integers, \`bool\` and \`char\`, equal values cannot be
told apart, so stability buys nothing; \`v.sort_unstable()\` (pattern-defeating quicksort / ipnsort)
sorts in place and is usually faster.

When it is not slow: nearly sorted input, where the stable sort's run detection shines, and tiny
slices. Bench it.

Matched: \`v.sort()\` where \`v\` is a local or parameter whose written type is \`Vec<T>\`, \`[T]\`, \`[T; N]\` or
\`Box<[T]>\` (behind any \`&\`/\`&mut\`) with \`T\` an integer type, \`bool\` or \`char\` (not shadowed by a type
of the same name in the file), or a \`let\` initialised with \`vec![..]\`/\`[..]\` of integer, char or bool
literals. Never floats (\`-0.0\` and \`0.0\` compare equal yet print differently; \`f64\` has no \`Ord\`
anyway), structs or tuples (equal keys could reorder visibly), nor \`sort_by\`/\`sort_by_key\`.

Fix: \`sort()\` → \`sort_unstable()\`. The result is identical. Tier verify because the gain is
data-dependent (patterns.md §6). Clippy: \`clippy::stable_sort_primitive\` (pedantic).`,
  example: { before: 'ports.sort(); // ports: Vec<u16>', after: 'ports.sort_unstable();' },
  query: `(call_expression
  function: (field_expression value: (identifier) @recv field: (field_identifier) @sort)
  arguments: (arguments)
  (#eq? @sort "sort")) @match`,
  check(m, ctx) {
    if ((m.node.childForFieldName('arguments')?.namedChildCount ?? 1) !== 0) return false;
    const elem = primitiveElements(m.cap('recv'), ctx);
    if (!elem) return false;
    return { message: `a stable sort of primitive values (\`${elem}\`)` };
  },
  fix(m) {
    const s = m.cap('sort');
    return [{ start: s.startIndex, end: s.endIndex, text: 'sort_unstable' }];
  },
});
