import type { Node } from 'web-tree-sitter';
import { resolvesTo } from '../../src/engine/analysis/paths.js';
import { resolveBinding } from '../../src/engine/analysis/uses.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule } from '../../src/engine/rule.js';
import { insideFnNamed, isStdName, pathTypeName } from './shared.js';

/** Std types whose `new()` is exactly their `Default::default()`. */
const NEW_IS_DEFAULT = new Set(['Vec', 'String', 'HashMap', 'HashSet', 'BTreeMap', 'BTreeSet', 'VecDeque', 'BinaryHeap', 'LinkedList']);

/** Maps whose `Entry` has `or_default`, with the std paths they must resolve to. */
const STD_MAPS: Record<string, string[]> = {
  HashMap: ['std::collections::HashMap', 'std::collections::hash_map::HashMap', 'hashbrown::HashMap'],
  BTreeMap: ['std::collections::BTreeMap', 'std::collections::btree_map::BTreeMap'],
};

/** How sure we are that a value is its type's `Default::default()`. */
type DefaultKind = 'std' | 'other';

/** `T::new()` (T in NEW_IS_DEFAULT) or `X::default()` with no arguments. */
function defaultCall(n: Node, ctx: FileContext): DefaultKind | null {
  if (n.type !== 'call_expression' || (n.childForFieldName('arguments')?.namedChildCount ?? 1) !== 0) return null;
  return defaultPath(n.childForFieldName('function'), ctx);
}

/**
 * `Vec::new`, `String::new`, `Default::default`, `X::default` as a path: 'std' when the type is a std
 * one not shadowed in the file (so `new()` is exactly its `Default`), 'other' for any `X::default`
 * (an inherent `default()` on a type without `Default` would not compile as `or_default`).
 */
function defaultPath(fn: Node | null, ctx: FileContext): DefaultKind | null {
  if (!fn || fn.type !== 'scoped_identifier') return null;
  const name = fn.childForFieldName('name')?.text;
  const path = fn.childForFieldName('path');
  if (!path || (name !== 'default' && name !== 'new')) return null;
  const t = pathTypeName(path);
  const std = t !== null && (NEW_IS_DEFAULT.has(t) || t === 'Default') && isStdName(ctx, path.text, fn);
  if (name === 'default') return std ? 'std' : 'other';
  return t !== null && NEW_IS_DEFAULT.has(t) ? (std ? 'std' : 'other') : null;
}

/** The value expression passed to or_insert / or_insert_with is just the type's default. */
function defaultValue(method: string, arg: Node, ctx: FileContext): DefaultKind | null {
  if (method === 'or_insert') return defaultCall(arg, ctx);
  if (arg.type === 'scoped_identifier') return defaultPath(arg, ctx);
  if (arg.type === 'closure_expression') {
    const params = arg.childForFieldName('parameters');
    const body = arg.childForFieldName('body');
    if (!params || params.namedChildCount !== 0 || !body) return null;
    return defaultCall(body, ctx);
  }
  return null;
}

/** Splits the top-level type arguments of `Map<K, V, S>` text. */
function typeArgs(typeNode: Node): Node[] | null {
  const args = typeNode.childForFieldName('type_arguments');
  return args ? args.namedChildren.filter((c): c is Node => c !== null && c.type !== 'line_comment' && c.type !== 'block_comment') : null;
}

/**
 * True when `mapExpr` is a local or parameter whose written type is a std `HashMap`/`BTreeMap`
 * (possibly behind `&mut`) with a fully written value type: then `or_default()` has the same `V`
 * and cannot leave a type to infer.
 */
function visiblyStdMap(mapExpr: Node, ctx: FileContext): boolean {
  if (mapExpr.type !== 'identifier') return false;
  const b = resolveBinding(ctx, mapExpr);
  if (!b || !b.type) return false;
  let t: Node | null = b.type;
  while (t && t.type === 'reference_type') t = t.childForFieldName('type');
  if (!t || t.type !== 'generic_type') return false;
  const head = t.childForFieldName('type');
  if (!head) return false;
  const name = pathTypeName(head);
  const paths = name ? STD_MAPS[name] : undefined;
  if (!name || !paths || !resolvesTo(ctx, head.text, paths, mapExpr)) return false;
  const args = typeArgs(t);
  if (!args || args.length < 2) return false;
  const v = args[1]!;
  return !/\b_\b/.test(v.text) && !v.text.includes('impl ');
}

interface Plan {
  method: Node;
  args: Node;
  safe: boolean;
}

function plan(call: Node, ctx: FileContext): Plan | null {
  const fn = call.childForFieldName('function');
  const args = call.childForFieldName('arguments');
  if (!fn || fn.type !== 'field_expression' || !args) return null;
  // the entry API's own `or_default` is written this way
  if (insideFnNamed(ctx, call, ['or_default'])) return null;
  const method = fn.childForFieldName('field')!;
  const argList = args.namedChildren.filter((c): c is Node => c !== null);
  const kind = argList.length === 1 ? defaultValue(method.text, argList[0]!, ctx) : null;
  if (!kind) return null;
  // comments inside the argument list would be lost
  if (argList.some((a) => a.descendantsOfType(['line_comment', 'block_comment']).length > 0)) return null;
  if (args.children.some((c) => c?.type === 'line_comment' || c?.type === 'block_comment')) return null;
  const entry = fn.childForFieldName('value')!;
  const entryFn = entry.childForFieldName('function');
  const mapExpr = entryFn?.type === 'field_expression' ? entryFn.childForFieldName('value') : null;
  // `let mut m = HashMap::new(); m.entry(k).or_insert(Vec::new()).push(x)`: the value type is only
  // known from this argument; `or_default().push(x)` would not compile ("type annotations needed")
  if (mapExpr?.type === 'identifier' && (call.parent?.type === 'field_expression' || call.parent?.type === 'index_expression')) {
    const b = resolveBinding(ctx, mapExpr);
    if (b && b.kind === 'let' && !b.type) return null;
  }
  return { method, args, safe: kind === 'std' && !!mapExpr && visiblyStdMap(mapExpr, ctx) };
}

export default defineRule({
  id: 'or-insert-new',
  family: 'collections',
  severity: 'note',
  tier: 'safe',
  clippy: 'clippy::unwrap_or_default',
  aliases: ['or-default'],
  message: 'an empty default is spelled out for a map entry',
  help: 'use `.or_default()`',
  docs: `\`map.entry(k).or_insert(Vec::new())\` (also \`String::new()\`, \`HashMap::new()\`, \`BTreeMap::new()\`,
\`Default::default()\`, \`X::default()\`, and \`.or_insert_with(Vec::new)\` / \`.or_insert_with(|| Vec::new())\`)
says what \`.or_default()\` says. The empty std collections do not allocate, so the speed-up is nil
for them; the value of the rewrite is that \`or_default\` never builds a value eagerly, and for
\`X::default()\` of a costly type on a hit-heavy map \`or_insert\` builds and drops one per call.

Fix: \`.or_default()\`. It needs \`V: Default\`, which every value above is, and it returns the same
\`&mut V\`; \`new()\` of those std types is exactly their \`Default\`.

Tier: safe only when the value is a std type's \`new()\`/\`default()\` or \`Default::default()\` (names
not shadowed in the file) and the map is visibly a std \`HashMap\`/\`BTreeMap\` (a local or parameter whose
written type resolves to std, or hashbrown, and whose value type is written out with no \`_\`).
Otherwise verify: a custom \`entry\` API may lack \`or_default\`, and when the map's value type is only
inferred from this very \`or_insert(Vec::new())\`, \`or_default()\` leaves \`V\` unknown and a following
\`.push(x)\` fails to compile ("type annotations needed").

Clippy: \`clippy::unwrap_or_default\` (style), which covers the \`or_insert_with\` forms.`,
  example: {
    before: 'groups.entry(key).or_insert(Vec::new()).push(item);',
    after: 'groups.entry(key).or_default().push(item);',
  },
  query: `(call_expression
  function: (field_expression
    value: (call_expression function: (field_expression field: (field_identifier) @entry))
    field: (field_identifier) @method)
  arguments: (arguments)
  (#eq? @entry "entry")
  (#any-of? @method "or_insert" "or_insert_with")) @match`,
  check(m, ctx) {
    const p = plan(m.node, ctx);
    if (!p) return false;
    return p.safe ? true : { tier: 'verify' };
  },
  fix(m, ctx) {
    const p = plan(m.node, ctx);
    if (!p) return null;
    return [{ start: p.method.startIndex, end: p.args.endIndex, text: 'or_default()' }];
  },
});
