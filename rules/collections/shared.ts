// Helpers shared by the collections rules: recognising std collection constructors and
// the statements around a `let`.
import type { Node } from 'web-tree-sitter';
import { resolvePath } from '../../src/engine/analysis/paths.js';
import { resolveBinding } from '../../src/engine/analysis/uses.js';
import type { FileContext } from '../../src/engine/context.js';
import { lastSegment } from '../../src/engine/syntax.js';

export type N = Node;

/** `Vec::new()`, `std::collections::VecDeque::<T>::new()`, ... */
export interface EmptyCtor {
  call: Node;
  /** Last path segment of the type: `Vec`, `VecDeque`, `HashMap`, ... */
  type: string;
  /** The `new` identifier. */
  name: Node;
  args: Node;
}

/** The type name of a constructor path (`Vec`, `std::vec::Vec`, `Vec::<u8>`), or null. */
export function pathTypeName(path: Node): string | null {
  if (path.type === 'identifier' || path.type === 'type_identifier') return path.text;
  if (path.type === 'scoped_identifier' || path.type === 'scoped_type_identifier') return lastSegment(path.childForFieldName('name')?.text ?? '') || null;
  if (path.type === 'generic_type') {
    const t = path.childForFieldName('type');
    return t ? pathTypeName(t) : null;
  }
  return null;
}

/** `T::<fn>()` with no arguments, where T's last segment is one of `types`. */
export function emptyCtor(n: Node | null | undefined, types: ReadonlySet<string>, fnName = 'new'): EmptyCtor | null {
  if (!n || n.type !== 'call_expression') return null;
  const fn = n.childForFieldName('function');
  const args = n.childForFieldName('arguments');
  if (!fn || fn.type !== 'scoped_identifier' || !args || args.namedChildCount !== 0) return null;
  const name = fn.childForFieldName('name');
  const path = fn.childForFieldName('path');
  if (!name || name.text !== fnName || !path) return null;
  const type = pathTypeName(path);
  if (!type || !types.has(type)) return null;
  return { call: n, type, name, args };
}

/** For `let [mut] x [: T] = value;`: the binding name, or null when the pattern is not one identifier. */
export function letBinding(letDecl: Node): { name: string; mutable: boolean; value: Node | null; type: Node | null } | null {
  if (letDecl.type !== 'let_declaration') return null;
  const pat = letDecl.childForFieldName('pattern');
  if (!pat || pat.type !== 'identifier') return null;
  if (letDecl.children.some((c) => c?.type === 'else')) return null; // let-else
  return {
    name: pat.text,
    mutable: letDecl.children.some((c) => c?.type === 'mutable_specifier'),
    value: letDecl.childForFieldName('value'),
    type: letDecl.childForFieldName('type'),
  };
}

/** `<recv>.collect::<T<..>>()` as a receiver of another call: its parts, or null. */
export interface CollectCall {
  call: Node;
  receiver: Node;
  /** The `collect` field identifier (edits start here to keep the receiver untouched). */
  field: Node;
  /** The turbofish target type node (`Vec<_>`), and its last-segment name (`Vec`). */
  target: Node;
  targetName: string;
  /** Element type text (`_`, `String`), when written. */
  element: string | null;
}

export function collectCall(n: Node | null | undefined): CollectCall | null {
  if (!n || n.type !== 'call_expression') return null;
  const fn = n.childForFieldName('function');
  const args = n.childForFieldName('arguments');
  if (!fn || fn.type !== 'generic_function' || !args || args.namedChildCount !== 0) return null;
  const field = fn.childForFieldName('function');
  const targs = fn.childForFieldName('type_arguments');
  if (!field || field.type !== 'field_expression' || !targs) return null;
  const name = field.childForFieldName('field');
  const receiver = field.childForFieldName('value');
  if (!name || name.text !== 'collect' || !receiver) return null;
  const types = targs.namedChildren.filter((c): c is Node => c !== null);
  if (types.length !== 1) return null;
  const target = types[0]!;
  let targetName: string | null = null;
  let element: string | null = null;
  if (target.type === 'generic_type') {
    targetName = pathTypeName(target.childForFieldName('type')!);
    const inner = target.childForFieldName('type_arguments')?.namedChildren.filter((c): c is Node => c !== null) ?? [];
    element = inner.length === 1 ? inner[0]!.text : null;
  } else targetName = pathTypeName(target);
  if (!targetName) return null;
  return { call: n, receiver, field: name, target, targetName, element };
}

/** True when a comment lies in [start, end) of the file (edits there would drop it). */
export function hasCommentIn(root: Node, start: number, end: number): boolean {
  // only the smallest node spanning the range can hold such a comment (not the whole file: quadratic)
  const cover = root.descendantForIndex(start, Math.max(start, end)) ?? root;
  return [cover, ...cover.descendantsOfType(['line_comment', 'block_comment'])].some(
    (c) => !!c && (c.type === 'line_comment' || c.type === 'block_comment') && c.startIndex >= start && c.endIndex <= end,
  );
}

/** A prelude or std name, not redefined or imported from elsewhere in this file (trap 8). */
export function isStdName(ctx: FileContext, name: string, at: Node): boolean {
  const r = resolvePath(ctx, name.replace(/::<.*$/, '').replace(/<.*$/, ''), at);
  if (r.kind === 'unresolved') return !r.path.includes('::') || /^(::)?(std|alloc|core)::/.test(r.path);
  return r.kind === 'import' && /^(std|alloc|core)::/.test(r.path);
}


/** The kind of sequence a local visibly is, from its written type or its initializer. */
export type SeqKind = 'vec' | 'slice' | 'array' | 'deque';

export function visibleSeqKind(ctx: FileContext, ident: Node): SeqKind | null {
  if (ident.type !== 'identifier') return null;
  const b = resolveBinding(ctx, ident);
  if (!b || !b.simple) return null;
  if (b.type) {
    let t = b.type.text.replace(/\s+/g, ' ').trim();
    for (;;) {
      const r = /^&\s*('[A-Za-z_]+\s*)?(mut\s+)?/.exec(t);
      if (!r || r[0].length === 0) break;
      t = t.slice(r[0].length).trim();
    }
    if (/^((std|alloc)::vec::)?Vec\s*</.test(t)) return isStdName(ctx, 'Vec', ident) ? 'vec' : null;
    if (/^((std::collections::)?VecDeque)\s*</.test(t)) return 'deque';
    if (/^\[[^;]*\]$/.test(t)) return 'slice';
    if (/^\[.*;.*\]$/.test(t)) return 'array';
    return null;
  }
  const v = b.value;
  if (!v || b.kind !== 'let') return null;
  if (v.type === 'macro_invocation' && v.childForFieldName('macro')?.text === 'vec') return 'vec';
  if (v.type === 'array_expression') return 'array';
  const ctor = emptyCtor(v, new Set(['Vec'])) ?? emptyCtor(v, new Set(['Vec']), 'with_capacity');
  if (ctor || (v.type === 'call_expression' && /^(std::vec::)?Vec::with_capacity$/.test(v.childForFieldName('function')?.text ?? ''))) {
    return isStdName(ctx, 'Vec', ident) ? 'vec' : null;
  }
  const c = collectCall(v);
  if (c && c.targetName === 'Vec') return 'vec';
  return null;
}

/**
 * True when `node` sits in a function (or method) named one of `names`. A rewrite that introduces a
 * call to `x.extend(..)`/`self.next()`/... inside the very implementation of that method (`impl Extend
 * for T { fn extend(..) { for v in it { self.push(v) } } }`) would recurse forever.
 */
export function insideFnNamed(ctx: FileContext, node: Node, names: readonly string[]): boolean {
  for (const a of ctx.ancestors(node)) {
    if (a.type === 'function_item') {
      const n = a.childForFieldName('name')?.text;
      if (n && names.includes(n)) return true;
    }
  }
  return false;
}

export type CollectionKind = 'vec' | 'deque' | 'string' | 'set' | 'map' | 'slice' | 'array' | 'pathbuf';

/** Classifies a written type text (behind any `&`/`&mut`) as a std collection kind, or null. */
export function collectionKindOfType(typeText: string): CollectionKind | null {
  let t = typeText.replace(/\s+/g, ' ').trim();
  for (;;) {
    const r = /^&\s*('[A-Za-z_]+\s*)?(mut\s+)?/.exec(t);
    if (!r || r[0].length === 0) break;
    t = t.slice(r[0].length).trim();
  }
  t = t.replace(/^(std|alloc)::(vec|collections|string|path)::/, '').replace(/^(hash_set|hash_map|btree_set|btree_map|vec_deque)::/, '');
  if (/^Vec\s*</.test(t)) return 'vec';
  if (/^VecDeque\s*</.test(t)) return 'deque';
  if (t === 'String') return 'string';
  if (t === 'PathBuf') return 'pathbuf';
  if (/^(HashSet|BTreeSet|IndexSet)\s*</.test(t)) return 'set';
  if (/^(HashMap|BTreeMap|IndexMap)\s*</.test(t)) return 'map';
  if (/^\[[^;]*\]$/.test(t)) return 'slice';
  if (/^\[.*;.*\]$/.test(t)) return 'array';
  return null;
}

/**
 * The std collection kind an expression visibly has: a local or parameter with a written type or a
 * telling initializer (`Vec::new()`, `vec![..]`, `String::new()`, `HashSet::new()`, `collect::<Vec<_>>()`),
 * or `self.field` whose field is declared in this file's struct of the enclosing impl.
 */
export function collectionKind(ctx: FileContext, expr: Node): CollectionKind | null {
  if (expr.type === 'identifier') {
    const b = resolveBinding(ctx, expr);
    if (!b || !b.simple) return null;
    if (b.type) return collectionKindOfType(b.type.text);
    const v = b.value;
    if (!v || b.kind !== 'let') return null;
    if (v.type === 'macro_invocation' && v.childForFieldName('macro')?.text === 'vec') return 'vec';
    if (v.type === 'array_expression') return 'array';
    if (v.type === 'call_expression') {
      const fn = v.childForFieldName('function');
      if (fn?.type === 'scoped_identifier') {
        const path = fn.childForFieldName('path');
        const name = fn.childForFieldName('name')?.text ?? '';
        const ty = path ? pathTypeName(path) : null;
        if (ty && ['new', 'with_capacity', 'default', 'from'].includes(name) && isStdName(ctx, ty, expr)) return collectionKindOfType(`${ty}<_>`) ?? collectionKindOfType(ty);
      }
      const c = collectCall(v);
      if (c) return collectionKindOfType(`${c.targetName}<_>`) ?? collectionKindOfType(c.targetName);
    }
    return null;
  }
  if (expr.type === 'field_expression' && expr.childForFieldName('value')?.type === 'self') {
    const field = expr.childForFieldName('field')?.text;
    let impl: Node | null = null;
    for (const a of ctx.ancestors(expr)) if (a.type === 'impl_item') { impl = a; break; }
    const typeName = impl?.childForFieldName('type');
    const name = typeName ? pathTypeName(typeName.type === 'generic_type' ? typeName.childForFieldName('type')! : typeName) : null;
    if (!field || !name) return null;
    for (const s of ctx.tree.rootNode.descendantsOfType('struct_item')) {
      if (!s || s.childForFieldName('name')?.text !== name) continue;
      for (const f of s.descendantsOfType('field_declaration')) {
        if (f?.childForFieldName('name')?.text === field) {
          const t = f.childForFieldName('type');
          return t ? collectionKindOfType(t.text) : null;
        }
      }
    }
  }
  return null;
}
