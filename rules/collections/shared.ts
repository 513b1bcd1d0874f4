// Helpers shared by the collections rules: recognising std collection constructors and
// the statements around a `let`.
import type { Node } from 'web-tree-sitter';
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
