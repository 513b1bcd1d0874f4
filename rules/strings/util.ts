// Helpers shared by the alloc and strings rules (not a rule: not listed in any index).
import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../../src/engine/context.js';
import type { Edit } from '../../src/engine/rule.js';
import { userDefinedMacroNames } from '../../src/engine/macros.js';
import { isStringType, isStrLike, literalKind, primitiveShadowed, typeHintOf } from '../../src/engine/analysis/types.js';

/** Parts of a method call `recv.method(args)` (also with a turbofish), or null. */
export interface MethodCall {
  call: Node;
  recv: Node;
  method: string;
  field: Node;
  args: Node[];
  argsNode: Node;
}

export function methodCall(call: Node | null | undefined): MethodCall | null {
  if (!call || call.type !== 'call_expression') return null;
  let fn = call.childForFieldName('function');
  if (fn?.type === 'generic_function') fn = fn.childForFieldName('function');
  if (!fn || fn.type !== 'field_expression') return null;
  const recv = fn.childForFieldName('value');
  const field = fn.childForFieldName('field');
  const argsNode = call.childForFieldName('arguments');
  if (!recv || !field || !argsNode || field.type !== 'field_identifier') return null;
  return { call, recv, method: field.text, field, args: argsNode.namedChildren.filter((c): c is Node => !!c && !isComment(c)), argsNode };
}

export function isComment(n: Node): boolean {
  return n.type === 'line_comment' || n.type === 'block_comment';
}

/** True when a comment lies inside `n` (a fix replacing `n` wholesale would drop it). */
export function hasComment(n: Node): boolean {
  if (isComment(n)) return true;
  for (const c of n.children) if (c && hasComment(c)) return true;
  return false;
}

/** A plain (not byte, not C) string literal node, normal or raw. */
export function isPlainStrLiteral(n: Node | null | undefined): boolean {
  return !!n && (n.type === 'string_literal' || n.type === 'raw_string_literal') && literalKind(n) === 'str';
}

/** The path text of a call's function (`String::from`, `std::iter::repeat`), or null. */
export function calleePath(call: Node): string | null {
  if (call.type !== 'call_expression') return null;
  const fn = call.childForFieldName('function');
  if (!fn || (fn.type !== 'scoped_identifier' && fn.type !== 'identifier')) return null;
  return fn.text.replace(/\s+/g, '');
}

/** `String::from("lit")`, `"lit".to_string()` or `"lit".to_owned()` (also `.into()` is NOT included): the literal, else null. */
export function ownedStringOfLiteral(n: Node): Node | null {
  const mc = methodCall(n);
  if (mc && (mc.method === 'to_string' || mc.method === 'to_owned') && mc.args.length === 0 && isPlainStrLiteral(mc.recv)) return mc.recv;
  if (n.type === 'call_expression') {
    const path = calleePath(n);
    const args = n.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c && !isComment(c)) ?? [];
    if (path && /^(((::)?(std|alloc)::)?string::)?String::from$/.test(path) && args.length === 1 && isPlainStrLiteral(args[0])) return args[0]!;
  }
  return null;
}

/**
 * The written type of `self.name` inside an `impl T` whose struct `T` is declared in this file,
 * else null (a field of a type declared elsewhere is not visible).
 */
export function selfFieldTypeText(ctx: FileContext, field: Node): string | null {
  const f = field.childForFieldName('field');
  const v = field.childForFieldName('value');
  if (!f || f.type !== 'field_identifier' || v?.type !== 'self') return null;
  let impl: Node | null = null;
  for (const a of ctx.ancestors(field)) if (a.type === 'impl_item') { impl = a; break; }
  const ty = impl?.childForFieldName('type');
  const name = ty?.type === 'generic_type' ? ty.childForFieldName('type')?.text : ty?.text;
  if (!name) return null;
  const structs = ctx.tree.rootNode.descendantsOfType('struct_item').filter((s): s is Node => !!s && s.childForFieldName('name')?.text === name);
  if (structs.length !== 1) return null;
  for (const d of structs[0]!.descendantsOfType('field_declaration')) {
    if (d?.childForFieldName('name')?.text === f.text) return d.childForFieldName('type')?.text.replace(/\s+/g, ' ') ?? null;
  }
  return null;
}

/** The visible type of an identifier (binding, static) or of `self.field` (a struct of this file). */
export function visibleTypeText(ctx: FileContext, expr: Node): string | null {
  if (expr.type === 'identifier') return typeHintOf(ctx, expr).type;
  if (expr.type === 'field_expression') return selfFieldTypeText(ctx, expr);
  return null;
}

const STR_TO_STR = new Set(['trim', 'trim_start', 'trim_end', 'as_str', 'to_lowercase', 'to_uppercase', 'to_ascii_lowercase', 'to_ascii_uppercase']);

/**
 * True when `expr` is visibly a `str`/`String`: a string literal, a binding or static whose written
 * type is str-like, or a chain of str→str methods (`trim`, `as_str`, `to_lowercase`...) on one.
 */
export function visiblyStr(ctx: FileContext, expr: Node): boolean {
  if (['String', 'str', 'Cow', 'Box', 'Rc', 'Arc'].some((n) => primitiveShadowed(ctx, n))) return false;
  let e = expr;
  while (e.type === 'parenthesized_expression' && e.namedChildren[0]) e = e.namedChildren[0];
  if (e.type === 'reference_expression' && !e.children.some((c) => c?.type === 'mutable_specifier') && e.childForFieldName('value')) {
    return visiblyStr(ctx, e.childForFieldName('value')!);
  }
  if (isPlainStrLiteral(e)) return true;
  if (e.type === 'identifier' || e.type === 'field_expression') {
    const t = visibleTypeText(ctx, e);
    return !!t && isStrLike(t) && !/^\s*(impl|dyn)\b/.test(t);
  }
  const mc = methodCall(e);
  if (mc && mc.args.length === 0 && STR_TO_STR.has(mc.method)) return visiblyStr(ctx, mc.recv);
  return false;
}

/** True when `expr` (an identifier or field) has the written type `String` (or `&mut String` when `allowMutRef`). */
export function visiblyString(ctx: FileContext, expr: Node, allowMutRef = true): boolean {
  if (primitiveShadowed(ctx, 'String')) return false;
  const t = visibleTypeText(ctx, expr);
  if (!t) return false;
  const norm = t.replace(/\s+/g, ' ').trim();
  if (isStringType(norm, false)) return true;
  return allowMutRef && /^&\s*('[A-Za-z_]\w*\s+)?mut\s+(std::string::)?String$/.test(norm);
}

/**
 * True when the written type of `expr` is visible and is not a string (`Path`, `OsStr`, a set...):
 * a `char` pattern would not fit a method of that name there.
 */
export function visiblyNotStr(ctx: FileContext, expr: Node): boolean {
  let e = expr;
  while (e.type === 'parenthesized_expression' && e.namedChildren[0]) e = e.namedChildren[0];
  if (e.type !== 'identifier' && e.type !== 'field_expression') return false;
  const t = visibleTypeText(ctx, e);
  return !!t && !isStrLike(t) && !/^\s*(impl|dyn)\b|^[A-Z]$/.test(t.trim());
}

/** True when the file defines a macro with this name (a user `format!`, `write!`...: trap 8). */
export function userMacro(ctx: FileContext, name: string): boolean {
  return userDefinedMacroNames(ctx.source).has(name);
}

/** The module body (source_file or mod_item declaration_list) enclosing `node`. */
function enclosingModule(ctx: FileContext, node: Node): Node {
  for (const a of ctx.ancestors(node)) {
    if (a.type === 'source_file') return a;
    if (a.type === 'declaration_list' && a.parent?.type === 'mod_item') return a;
  }
  return ctx.tree.rootNode;
}

/**
 * An edit adding `use std::fmt::Write as _;` (`core::fmt::Write` in no_std crates) to the module
 * that holds `node`, or `[]` when that module (or a parent scope, for `use` inside the function)
 * already imports `fmt::Write` in some form. Placed after the module's last `use`, else before its
 * first item (after inner attributes and `//!` docs). `as _` avoids clashing with `io::Write`.
 */
export function fmtWriteImport(ctx: FileContext, node: Node): Edit[] {
  const mod = enclosingModule(ctx, node);
  const importsWrite = (n: Node) =>
    n.type === 'use_declaration' && /\bfmt\s*::\s*(\{[^}]*\bWrite\b|Write\b|\*)/.test(n.text);
  for (const c of mod.namedChildren) if (c && importsWrite(c)) return [];
  // a `use` inside the enclosing function(s) or blocks also brings the trait in scope
  for (const a of ctx.ancestors(node)) {
    if (a.id === mod.id) break;
    if (a.type === 'block') for (const c of a.namedChildren) if (c && importsWrite(c)) return [];
  }
  const path = ctx.crate.noStd ? 'core::fmt::Write' : 'std::fmt::Write';
  const kids = mod.namedChildren.filter((c): c is Node => !!c);
  const uses = kids.filter((c) => c.type === 'use_declaration');
  const indentOf = (n: Node) => {
    const lineStart = ctx.source.lastIndexOf('\n', n.startIndex - 1) + 1;
    return /^[ \t]*/.exec(ctx.source.slice(lineStart, n.startIndex))![0];
  };
  if (uses.length > 0) {
    const last = uses[uses.length - 1]!;
    return [{ start: last.endIndex, end: last.endIndex, text: `\n${indentOf(last)}use ${path} as _;` }];
  }
  const first = kids.find((c) => c.type !== 'inner_attribute_item' && !(isComment(c) && /^\/[/*]!/.test(c.text)));
  if (!first) {
    const at = mod.type === 'source_file' ? 0 : mod.startIndex + 1;
    return [{ start: at, end: at, text: `${mod.type === 'source_file' ? '' : '\n'}use ${path} as _;\n` }];
  }
  const indent = indentOf(first);
  const lineStart = first.startIndex - indent.length;
  return [{ start: lineStart, end: lineStart, text: `${indent}use ${path} as _;\n${mod.type === 'source_file' ? '\n' : ''}` }];
}

/** The loop (for/while/loop body) holding `node` inside its function, crossing macro arguments. */
export function loopBodyOf(ctx: FileContext, node: Node): Node | null {
  let child: Node = node;
  for (const a of ctx.ancestors(node)) {
    if (a.type === 'function_item' || a.type === 'closure_expression' || a.type === 'async_block' || a.type === 'const_item' || a.type === 'static_item') return null;
    if (a.type === 'for_expression') {
      const v = a.childForFieldName('value');
      if (!(v && child.startIndex >= v.startIndex && child.endIndex <= v.endIndex)) return a;
    }
    if (a.type === 'while_expression' || a.type === 'loop_expression') return a;
    child = a;
  }
  return null;
}
