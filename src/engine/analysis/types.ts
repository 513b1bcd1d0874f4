// Light type hints without type inference: what the source *visibly* says about a value's type.
// A written annotation (`let x: T`, parameter `x: T`, `static X: T`, `const X: T`), or a literal
// initializer (`let x = 5`). Anything else is unknown (null): callers must then not assume a type.
//
// Type text is compared after whitespace normalisation. Names are taken at face value, except
// that a file which declares its own type named like a primitive (`struct u8;`) disables the
// primitive reading of that name (`primitiveShadowed`).
import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../context.js';
import { resolveBinding, toRealNode } from './uses.js';

export type LiteralKind = 'int' | 'float' | 'str' | 'byte-str' | 'c-str' | 'char' | 'byte' | 'bool';

export const INTEGER_TYPES: ReadonlySet<string> = new Set([
  'i8', 'i16', 'i32', 'i64', 'i128', 'isize', 'u8', 'u16', 'u32', 'u64', 'u128', 'usize',
]);
export const FLOAT_TYPES: ReadonlySet<string> = new Set(['f16', 'f32', 'f64', 'f128']);
export const PRIMITIVE_COPY_TYPES: ReadonlySet<string> = new Set([...INTEGER_TYPES, ...FLOAT_TYPES, 'bool', 'char']);

/** Strips parentheses around an expression node. */
export function unparen(n: Node): Node {
  let cur = n;
  while (cur.type === 'parenthesized_expression' && cur.namedChildCount === 1 && cur.namedChildren[0]) cur = cur.namedChildren[0];
  return cur;
}

/** The kind of a literal expression (`5`, `-1.0`, `"s"`, `r"s"`, `b"s"`, `'c'`, `b'c'`, `true`), else null. */
export function literalKind(node: Node): LiteralKind | null {
  let n = unparen(node);
  if (n.type === 'unary_expression' && n.children[0]?.type === '-' && n.namedChildren[0]) n = unparen(n.namedChildren[0]);
  switch (n.type) {
    case 'integer_literal':
      return 'int';
    case 'float_literal':
      return 'float';
    case 'boolean_literal':
      return 'bool';
    case 'char_literal':
      return n.text.startsWith('b') ? 'byte' : 'char';
    case 'string_literal':
    case 'raw_string_literal':
      return n.text.startsWith('b') || n.text.startsWith('br') ? 'byte-str' : n.text.startsWith('c') || n.text.startsWith('cr') ? 'c-str' : 'str';
    default:
      return null;
  }
}

/**
 * The type a literal visibly has: `5u8` → `u8`, `1.5f32` → `f32`, `"s"` → `&str`, `'c'` → `char`,
 * `b'c'` → `u8`, `true` → `bool`, `b"ab"` → `&[u8; 2]` is not computed (null). An unsuffixed
 * integer is `{integer}`, an unsuffixed float `{float}` (some integer / float type: still Copy).
 */
export function literalTypeText(node: Node): string | null {
  const kind = literalKind(node);
  let n = unparen(node);
  if (n.type === 'unary_expression' && n.namedChildren[0]) n = unparen(n.namedChildren[0]);
  switch (kind) {
    case 'int': {
      const m = /(i8|i16|i32|i64|i128|isize|u8|u16|u32|u64|u128|usize|f32|f64)$/.exec(n.text.replace(/_/g, ''));
      // `0x1f32` is an integer with hex digits, not an f32 suffix
      if (m && !(n.text.startsWith('0x') && m[1]!.startsWith('f'))) return m[1]!;
      return '{integer}';
    }
    case 'float': {
      const m = /(f32|f64)$/.exec(n.text);
      return m ? m[1]! : '{float}';
    }
    case 'bool':
      return 'bool';
    case 'char':
      return 'char';
    case 'byte':
      return 'u8';
    case 'str':
      return '&str';
    default:
      return null;
  }
}

function normalize(t: string): string {
  return t.replace(/&\s*'[A-Za-z_][A-Za-z0-9_]*\s*/g, '&').replace(/\s+/g, ' ').replace(/\s*([<>(),;&*\[\]:])\s*/g, '$1').trim();
}

/** Splits `a, b<c, d>, e` at top-level commas. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '<' || c === '(' || c === '[') depth++;
    else if (c === '>' || c === ')' || c === ']') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur.trim() !== '') out.push(cur);
  return out;
}

/**
 * True when the type text is visibly a primitive Copy type or built only from them: integers,
 * floats, `bool`, `char`, `()`, and tuples or arrays `[T; N]` of those. No references: `r.clone()`
 * on `r: &T` calls `T::clone` when `T: Clone`, so it is not a copy of the reference.
 */
export function isPrimitiveCopyTypeText(type: string): boolean {
  const t = normalize(type);
  if (PRIMITIVE_COPY_TYPES.has(t) || t === '()' || t === '{integer}' || t === '{float}') return true;
  if (t.startsWith('(') && t.endsWith(')')) return splitTop(t.slice(1, -1)).every((p) => isPrimitiveCopyTypeText(p));
  const arr = /^\[(.*);([^;\]]+)\]$/.exec(t);
  if (arr) return isPrimitiveCopyTypeText(arr[1]!);
  return false;
}

/**
 * True when the type text is visibly `Copy`: the primitive Copy types, shared references `&T`
 * (any T), raw pointers, and tuples/arrays of Copy types. `&mut T` is not Copy.
 */
export function isCopyTypeText(type: string): boolean {
  const t = normalize(type);
  if (isPrimitiveCopyTypeText(t)) return true;
  if (t.startsWith('&')) return !/^&(mut\b|mut )/.test(t) && !t.startsWith('&mut');
  if (t.startsWith('*const') || t.startsWith('*mut')) return true;
  if (t.startsWith('(') && t.endsWith(')')) return splitTop(t.slice(1, -1)).every((p) => isCopyTypeText(p));
  const arr = /^\[(.*);([^;\]]+)\]$/.exec(t);
  if (arr) return isCopyTypeText(arr[1]!);
  return false;
}

/**
 * True when the type text is visibly a string that derefs to `str`: `str`, `&str`, `&&str`,
 * `String`, `&String`, `&mut String`, `Box<str>`, `Rc<str>`, `Arc<str>`, `Cow<str>` (any lifetime).
 */
export function isStrLike(type: string): boolean {
  let t = normalize(type).replace(/^(std|alloc)::(string|borrow|rc|sync|boxed)::/, '');
  while (t.startsWith('&')) t = t.slice(1).replace(/^mut\b\s*/, '');
  t = t.replace(/^(std|alloc)::(string|borrow|rc|sync|boxed)::/, '');
  if (t === 'str' || t === 'String') return true;
  return /^(Box|Rc|Arc)<str>$/.test(t) || /^Cow<(str|'[A-Za-z_]+,str)>$/.test(t.replace(/\s/g, ''));
}

/** True when the type text is exactly `String` (or `std::string::String`), possibly behind `&`/`&mut`. */
export function isStringType(type: string, allowRef = true): boolean {
  let t = normalize(type);
  if (allowRef) while (t.startsWith('&')) t = t.slice(1).replace(/^mut\b\s*/, '');
  return t === 'String' || t === 'std::string::String' || t === 'alloc::string::String';
}

/** True when the file declares or imports a type named like a primitive (`struct u8;`, `type char = ...`, `use x::Y as u8`). */
export function primitiveShadowed(ctx: FileContext, name: string): boolean {
  return new RegExp(`\\b(struct|enum|union|type|trait)\\s+${name}\\b|\\buse\\b[^;]*\\bas\\s+${name}\\b`).test(ctx.source);
}

export interface TypeHint {
  /** Written or literal-derived type text; null when not visible. */
  type: string | null;
  /** The literal kind of the initializer, for `let x = <literal>` without annotation. */
  literal: LiteralKind | null;
  source: 'annotation' | 'literal' | 'static' | 'const' | null;
}

/** The `static`/`const` item named `name` visible from `at`: items of enclosing blocks and modules. */
export function findConstOrStatic(ctx: FileContext, at: Node, name: string): Node | null {
  for (let p: Node | null = toRealNode(ctx, at); p; p = p.parent) {
    if (p.type !== 'block' && p.type !== 'declaration_list' && p.type !== 'source_file') continue;
    for (const c of p.namedChildren) {
      if ((c?.type === 'static_item' || c?.type === 'const_item') && c.childForFieldName('name')?.text === name) return c;
    }
    // items of an impl (associated consts) are not in scope unqualified; a module boundary ends the search
    if (p.type === 'declaration_list' && p.parent?.type === 'mod_item') return null;
  }
  return null;
}

/**
 * What the source says about the type of the value named by identifier `ident`: a local's
 * annotation (`let x: T`, `fn f(x: T)`, `|x: T|`), its literal initializer (`let x = 5`), or a
 * `static`/`const` item's type. Only simple patterns (`x`, `mut x`) are typed: in `let (a, b): (A, B)`
 * the component types are not split out.
 */
export function typeHintOf(ctx: FileContext, ident: Node): TypeHint {
  const b = resolveBinding(ctx, ident);
  if (b) {
    if (!b.simple || b.byRef) return { type: null, literal: null, source: null };
    if (b.type) return { type: ctx.text(b.type), literal: null, source: 'annotation' };
    if (b.kind === 'let' && b.value) {
      const lit = literalKind(b.value);
      return { type: lit ? literalTypeText(b.value) : null, literal: lit, source: lit ? 'literal' : null };
    }
    return { type: null, literal: null, source: null };
  }
  const item = findConstOrStatic(ctx, ident, ident.text);
  if (item) {
    const t = item.childForFieldName('type');
    return { type: t ? ctx.text(t) : null, literal: null, source: item.type === 'static_item' ? 'static' : 'const' };
  }
  return { type: null, literal: null, source: null };
}

/** The declared or literal type text of the binding `ident` names, or null. */
export function declaredTypeText(ctx: FileContext, ident: Node): string | null {
  return typeHintOf(ctx, ident).type;
}
