// Function-scoped use analysis for local bindings (patterns.md §3 "Shared analyses": laterUses,
// crossesLoopOrClosure). Pure functions over the real tree; nodes from a macro's shadow tree are
// mapped back to the real tree by position first, so callers may pass either.
//
// Scope of the analysis: one function body. A name is resolved like rustc's lexical scoping does
// for locals: the innermost preceding `let` in an enclosing block, else an enclosing `for`/`if let`/
// `while let`/`match` arm/closure pattern, else a parameter of the enclosing function. Nothing
// outside the function is ever a local (statics, consts and imports resolve to `null`).
//
// Uses are counted wherever the name can be read: ordinary expressions, identifiers inside any
// macro token tree (`matches!(x, ..)`, `dbg!(x)`, user DSLs: conservatively all of them), and inline
// format-string captures (`"{x}"`, `"{x:>8}"`) in string literals inside token trees. The analysis
// over-approximates uses, never under-approximates: a caller that needs "x is not used again" may
// trust an empty answer; a caller that needs "x is used" must not.
import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../context.js';
import { parseFormatString, stringLiteralParts } from '../format-string.js';

export type BindingKind = 'let' | 'param' | 'closure-param' | 'for' | 'match-arm' | 'if-let' | 'while-let';

/** A local binding introduced by a pattern. All nodes are in the real (file) tree. */
export interface Binding {
  name: string;
  /** The identifier (or shorthand field identifier) in the pattern that introduces the name. */
  ident: Node;
  kind: BindingKind;
  /** The node that owns the pattern: let_declaration, parameter, closure_expression, for_expression, match_arm, let_condition. */
  declarator: Node;
  /** True when the whole pattern is just the name (`x`, `mut x`), not a destructuring. */
  simple: boolean;
  /** Declared `mut` (`let mut x`, `mut x` parameter, `(mut a, b)`). */
  mutable: boolean;
  /** Bound with `ref`/`ref mut`: the binding is a reference into the matched value. */
  byRef: boolean;
  /** The written type for a simple `let x: T` / parameter `x: T`; null otherwise. */
  type: Node | null;
  /** The initializer of a `let` (null for `let x;` and for non-let bindings). */
  value: Node | null;
  /** Uses can only occur inside this node (the block, body, arm...) after `ident`. */
  scope: Node;
  /** The innermost function_item holding the binding, or null (e.g. in a const initializer). */
  fn: Node | null;
}

export type UseKind = 'expr' | 'macro-token' | 'format-capture';

export interface Use {
  /** identifier node, or the string_literal holding a format capture. Real tree. */
  node: Node;
  kind: UseKind;
}

const LOOPS = new Set(['for_expression', 'while_expression', 'loop_expression']);
const PATTERN_WRAPPERS = new Set([
  'tuple_pattern', 'tuple_struct_pattern', 'struct_pattern', 'field_pattern', 'ref_pattern', 'mut_pattern',
  'or_pattern', 'slice_pattern', 'captured_pattern', 'reference_pattern', 'match_pattern', 'remaining_field_pattern',
]);

/** The real-tree node with the same span as `node` (identity when `node` is already real). */
export function toRealNode(ctx: FileContext, node: Node): Node {
  if (node.tree === ctx.tree) return node;
  const real = ctx.tree.rootNode.descendantForIndex(node.startIndex, Math.max(node.startIndex, node.endIndex - 1));
  // descendantForIndex returns the smallest node spanning the range; climb to an exact span if any
  let cur: Node | null = real;
  while (cur && (cur.startIndex > node.startIndex || cur.endIndex < node.endIndex)) cur = cur.parent;
  return cur ?? real ?? node;
}

function sameNode(a: Node | null | undefined, b: Node | null | undefined): boolean {
  return !!a && !!b && a.tree === b.tree && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;
}

function contains(outer: Node, inner: Node): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

/** The identifier in `pattern` that binds `name`, or null. Handles nested, ref, mut, @ and shorthand patterns. */
export function patternBinding(pattern: Node, name: string): Node | null {
  if (pattern.type === 'identifier') return pattern.text === name ? pattern : null;
  if (pattern.type === 'shorthand_field_identifier') return pattern.text === name ? pattern : null;
  if (!PATTERN_WRAPPERS.has(pattern.type) && pattern.type !== 'closure_parameters' && pattern.type !== 'parameters' && pattern.type !== 'parameter') return null;
  for (let i = 0; i < pattern.childCount; i++) {
    const c = pattern.child(i);
    if (!c) continue;
    const field = pattern.fieldNameForChild(i);
    // `Some(x)`: `Some` is the type; `S { a: x }`: `a` is a field name; `p: T`: the type
    if (field === 'type' || field === 'condition' || (pattern.type === 'field_pattern' && field === 'name' && c.type === 'field_identifier')) continue;
    if (pattern.type === 'parameter' && field !== 'pattern') continue;
    const hit = patternBinding(c, name);
    if (hit) return hit;
  }
  return null;
}

function simplePattern(pattern: Node | null, ident: Node): boolean {
  return !!pattern && sameNode(pattern, ident);
}

function makeBinding(
  name: string, ident: Node, kind: BindingKind, declarator: Node, pattern: Node | null,
  scope: Node, extra: { type?: Node | null; value?: Node | null; declMut?: boolean },
): Binding {
  let mutable = !!extra.declMut && simplePattern(pattern, ident);
  let byRef = false;
  for (let p = ident.parent; p && !sameNode(p, declarator); p = p.parent) {
    if (p.type === 'mut_pattern') mutable = true;
    if (p.type === 'ref_pattern') byRef = true;
    if (p.type === 'ref_pattern' && p.children.some((c) => c?.type === 'mutable_specifier')) mutable = true;
  }
  const simple = simplePattern(pattern, ident);
  let fn: Node | null = null;
  for (let p: Node | null = declarator; p; p = p.parent) if (p.type === 'function_item') { fn = p; break; }
  return {
    name, ident, kind, declarator, simple, mutable, byRef,
    type: simple ? extra.type ?? null : null,
    value: extra.value ?? null,
    scope, fn,
  };
}

function hasMut(n: Node): boolean {
  return n.children.some((c) => c?.type === 'mutable_specifier');
}

/** Bindings from a `parameters`/`closure_parameters` node. */
function paramBinding(params: Node, name: string, kind: BindingKind, owner: Node, scope: Node): Binding | null {
  for (const c of params.namedChildren) {
    if (!c) continue;
    if (c.type === 'parameter') {
      const pat = c.childForFieldName('pattern');
      const hit = pat ? patternBinding(pat, name) : null;
      if (hit) return makeBinding(name, hit, kind, c, pat, scope, { type: c.childForFieldName('type'), declMut: hasMut(c) });
    } else {
      const hit = patternBinding(c, name);
      if (hit) return makeBinding(name, hit, kind, owner, c, scope, {});
    }
  }
  return null;
}

/**
 * Resolves the local binding that the identifier `ident` (an `identifier` node or any node whose
 * text is the name, e.g. from a token tree) refers to at its position. `name` defaults to the
 * node's text. Returns null for anything that is not a local of the enclosing function (statics,
 * consts, imports, items, unknown).
 */
export function resolveBinding(ctx: FileContext, ident: Node, name: string = ident.text): Binding | null {
  const at = toRealNode(ctx, ident);
  if (at.type === 'identifier' && isPatternPosition(at)) return bindingAtDeclaration(at, name);
  let child: Node = at;
  for (let p = at.parent; p; child = p, p = p.parent) {
    switch (p.type) {
      case 'block': {
        const kids = p.namedChildren;
        const idx = kids.findIndex((k) => sameNode(k, child));
        for (let i = idx - 1; i >= 0; i--) {
          const s = kids[i];
          if (!s || s.type !== 'let_declaration') continue;
          const pat = s.childForFieldName('pattern');
          const hit = pat ? patternBinding(pat, name) : null;
          if (hit) {
            return makeBinding(name, hit, 'let', s, pat, p, { type: s.childForFieldName('type'), value: s.childForFieldName('value'), declMut: hasMut(s) });
          }
        }
        break;
      }
      case 'for_expression': {
        if (!sameNode(p.childForFieldName('body'), child)) break;
        const pat = p.childForFieldName('pattern');
        const hit = pat ? patternBinding(pat, name) : null;
        if (hit) return makeBinding(name, hit, 'for', p, pat, child, {});
        break;
      }
      case 'closure_expression': {
        if (!sameNode(p.childForFieldName('body'), child)) break;
        const params = p.childForFieldName('parameters');
        const b = params ? paramBinding(params, name, 'closure-param', p, child) : null;
        if (b) return b;
        break;
      }
      case 'function_item': {
        if (!sameNode(p.childForFieldName('body'), child)) return null;
        const params = p.childForFieldName('parameters');
        return params ? paramBinding(params, name, 'param', p, child) : null;
      }
      case 'match_arm': {
        const pat = p.childForFieldName('pattern');
        if (!pat || contains(pat, at) && !inGuard(pat, at)) break;
        const hit = patternBinding(pat, name);
        if (hit) return makeBinding(name, hit, 'match-arm', p, pat.namedChildren[0] ?? pat, p, {});
        break;
      }
      case 'if_expression':
      case 'while_expression': {
        if (!sameNode(p.childForFieldName(p.type === 'if_expression' ? 'consequence' : 'body'), child)) break;
        const cond = p.childForFieldName('condition');
        if (!cond) break;
        const lets = cond.type === 'let_condition' ? [cond] : cond.type === 'let_chain' ? cond.namedChildren.filter((c): c is Node => c?.type === 'let_condition') : [];
        for (const lc of lets.reverse()) {
          const pat = lc.childForFieldName('pattern');
          const hit = pat ? patternBinding(pat, name) : null;
          if (hit) return makeBinding(name, hit, p.type === 'if_expression' ? 'if-let' : 'while-let', lc, pat, child, {});
        }
        break;
      }
      case 'source_file': case 'mod_item': case 'impl_item': case 'trait_item':
      case 'const_item': case 'static_item': case 'macro_definition':
        return null;
    }
  }
  return null;
}

/** The binding introduced by the pattern identifier `at` itself. */
function bindingAtDeclaration(at: Node, name: string): Binding | null {
  let child = at;
  let p = at.parent;
  while (p && PATTERN_WRAPPERS.has(p.type)) {
    child = p;
    p = p.parent;
  }
  if (!p) return null;
  switch (p.type) {
    case 'let_declaration': {
      const block = p.parent;
      if (!block) return null;
      return makeBinding(name, at, 'let', p, child, block, { type: p.childForFieldName('type'), value: p.childForFieldName('value'), declMut: hasMut(p) });
    }
    case 'parameter': {
      const owner = p.parent?.parent;
      const body = owner?.childForFieldName('body');
      if (!owner || !body) return null;
      return makeBinding(name, at, owner.type === 'function_item' ? 'param' : 'closure-param', p, child, body, { type: p.childForFieldName('type'), declMut: hasMut(p) });
    }
    case 'closure_parameters': {
      const body = p.parent?.childForFieldName('body');
      return body && p.parent ? makeBinding(name, at, 'closure-param', p.parent, child, body, {}) : null;
    }
    case 'for_expression': {
      const body = p.childForFieldName('body');
      return body ? makeBinding(name, at, 'for', p, child, body, {}) : null;
    }
    case 'match_arm':
      return makeBinding(name, at, 'match-arm', p, child.namedChildren[0] ?? child, p, {});
    case 'let_condition': {
      let owner: Node | null = p.parent;
      if (owner?.type === 'let_chain') owner = owner.parent;
      const body = owner?.childForFieldName(owner.type === 'if_expression' ? 'consequence' : 'body');
      return owner && body ? makeBinding(name, at, owner.type === 'if_expression' ? 'if-let' : 'while-let', p, child, body, {}) : null;
    }
  }
  return null;
}

/** The match guard is part of match_pattern in tree-sitter-rust: `Some(x) if x > 0`. */
function inGuard(pat: Node, at: Node): boolean {
  const cond = pat.childForFieldName('condition');
  return !!cond && contains(cond, at);
}

/** True when `ident` (real tree) is itself a binding position in a pattern, not a read. */
function isPatternPosition(ident: Node): boolean {
  let child = ident;
  let p = ident.parent;
  while (p && PATTERN_WRAPPERS.has(p.type)) {
    if (p.type === 'match_pattern') {
      const cond = p.childForFieldName('condition');
      if (cond && contains(cond, ident)) return false;
    }
    if (p.type === 'tuple_struct_pattern' && sameNode(p.childForFieldName('type'), child)) return false;
    child = p;
    p = p.parent;
  }
  if (!p) return false;
  if (p.type === 'closure_parameters' || p.type === 'parameters') return true;
  if (p.type === 'match_arm') return sameNode(p.childForFieldName('pattern'), child);
  if (['let_declaration', 'for_expression', 'let_condition', 'parameter'].includes(p.type)) {
    return sameNode(p.childForFieldName('pattern'), child);
  }
  return false;
}

/** True when `ident` is a read position: not a path segment, macro name or pattern binding. */
function isReadPosition(ident: Node): boolean {
  const p = ident.parent;
  if (!p) return false;
  if (p.type === 'scoped_identifier' || p.type === 'scoped_type_identifier' || p.type === 'scoped_use_list') return false;
  if (p.type === 'macro_invocation') return false;
  if (p.type === 'token_tree') {
    // `x::y` in a token tree is a path, `.x` a field or method: not the local `x`.
    const next = ident.nextSibling;
    const prev = ident.previousSibling;
    if (next?.type === '::' || prev?.type === '::' || prev?.type === '.') return false;
    return true;
  }
  return !isPatternPosition(ident);
}

/** Names captured inline by a format string literal (`"{x} {y:>8}"` → x, y). */
export function formatCaptures(literal: Node): string[] {
  const parts = stringLiteralParts(literal.text);
  if (!parts) return [];
  const parsed = parseFormatString(parts.content);
  if (parsed) return parsed.placeholders.map((p) => p.arg).filter((a) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(a));
  // malformed as a format string: still count anything that looks like a capture (conservative)
  return [...parts.content.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\s*[:}]/g)].map((m) => m[1]!);
}

/**
 * Every read of `binding` inside its scope, in source order (excluding the declaration). Uses in
 * nested closures count; nested fn items are not searched (they cannot see locals).
 * `from`/`to` restrict the search to a range of file indices.
 */
export function usesOf(ctx: FileContext, binding: Binding, from = binding.ident.endIndex, to = binding.scope.endIndex): Use[] {
  const out: Use[] = [];
  const visit = (n: Node) => {
    if (n.endIndex <= from || n.startIndex >= to) return;
    // no token of the name in this subtree: no use, nor a format capture (`"{name}"`), in it
    if (!ctx.mentions(binding.name, Math.max(n.startIndex, from), Math.min(n.endIndex, to))) return;
    if (n.type === 'function_item' || n.type === 'macro_definition' || n.type === 'line_comment' || n.type === 'block_comment') return;
    if (n.type === 'identifier' && n.text === binding.name) {
      if (isReadPosition(n) && sameNode(resolveBinding(ctx, n)?.ident, binding.ident)) {
        out.push({ node: n, kind: n.parent?.type === 'token_tree' ? 'macro-token' : 'expr' });
      }
      return;
    }
    if ((n.type === 'string_literal' || n.type === 'raw_string_literal') && n.parent?.type === 'token_tree') {
      if (formatCaptures(n).includes(binding.name) && sameNode(resolveBinding(ctx, n, binding.name)?.ident, binding.ident)) {
        out.push({ node: n, kind: 'format-capture' });
      }
      return;
    }
    for (const c of n.children) if (c) visit(c);
  };
  visit(binding.scope);
  return out;
}

/**
 * Reads of the binding that `ident` refers to, after `ident` (textually), stopping at shadowing
 * declarations. Returns null when `ident` does not resolve to a local binding: the caller must
 * then treat the value as possibly used. A textually later use is not the only way to be used
 * later at run time: see `crossesLoopOrClosure`.
 */
export function usesAfter(ctx: FileContext, ident: Node): Use[] | null {
  const real = toRealNode(ctx, ident);
  const b = resolveBinding(ctx, real);
  if (!b) return null;
  return usesOf(ctx, b, real.endIndex).filter((u) => !sameNode(u.node, real));
}

/**
 * True when a loop or closure (or async block) lies between `use` and the declaration `decl`
 * (a Binding or its identifier): the use can then run more than once, or later than its textual
 * position suggests. A `for` loop's iterable is evaluated once and does not count; its body does.
 */
export function crossesLoopOrClosure(ctx: FileContext, use: Node, decl: Node | Binding): boolean {
  const d = isBinding(decl) ? decl.ident : decl;
  let child = toRealNode(ctx, use);
  for (let p = child.parent; p; child = p, p = p.parent) {
    if (contains(p, d)) return false;
    if (p.type === 'for_expression') {
      if (!sameNode(p.childForFieldName('value'), child)) return true;
    } else if (LOOPS.has(p.type) || p.type === 'closure_expression' || p.type === 'async_block') return true;
    if (p.type === 'function_item') return true;
  }
  return true;
}

function isBinding(x: Binding | Node): x is Binding {
  return 'ident' in x && 'scope' in x && 'declarator' in x;
}

/** A Binding as is, or the binding an identifier refers to (null when not a local). */
export function asBinding(ctx: FileContext, x: Binding | Node): Binding | null {
  return isBinding(x) ? x : resolveBinding(ctx, x);
}

function isMoveClosure(n: Node): boolean {
  return (n.type === 'closure_expression' || n.type === 'async_block') && n.children.some((c) => c?.type === 'move');
}

/**
 * True when the binding is used inside a `move` closure or `async move` block that does not also
 * contain its declaration (it is captured by value there). Only the syntactic `move` is seen; a
 * non-move closure that moves the value out is counted by `usesOf`, not here. Accepts a Binding or
 * an identifier naming it; an identifier that is not a local answers true (unknown).
 */
export function isMovedIntoClosure(ctx: FileContext, bindingOrIdent: Binding | Node): boolean {
  const binding = asBinding(ctx, bindingOrIdent);
  if (!binding) return true; // unknown: conservatively captured
  for (const u of usesOf(ctx, binding)) {
    for (let p = u.node.parent; p && !contains(p, binding.ident); p = p.parent) if (isMoveClosure(p)) return true;
  }
  return false;
}

/**
 * True when the binding itself may be borrowed mutably or assigned: `&mut x`, `x = ..`, `x += ..`,
 * a method call on it (which may take `&mut self`), or a use inside a macro, for a `mut` binding.
 * A binding not declared `mut` (nor `ref mut`) cannot be, so the answer is false; note that a
 * binding holding a `&mut T` can still mutate through it without being borrowed mutably. Accepts a
 * Binding or an identifier; an identifier that is not a local answers true (unknown).
 */
export function isBorrowedMutably(ctx: FileContext, bindingOrIdent: Binding | Node): boolean {
  const binding = asBinding(ctx, bindingOrIdent);
  if (!binding) return true; // unknown: conservatively yes
  if (!binding.mutable) return false;
  if (binding.byRef) return true;
  for (const u of usesOf(ctx, binding)) {
    if (u.kind !== 'expr') return true;
    let child = u.node;
    let p = u.node.parent;
    // climb place projections: x.f, x[i], x.0
    while (p && (p.type === 'field_expression' || p.type === 'index_expression') && sameNode(p.childForFieldName('value') ?? p.namedChildren[0], child)) {
      if (p.type === 'field_expression' && p.parent?.type === 'call_expression' && sameNode(p.parent.childForFieldName('function'), p)) return true;
      child = p;
      p = p.parent;
    }
    if (!p) continue;
    if (p.type === 'reference_expression' && hasMut(p)) return true;
    if ((p.type === 'assignment_expression' || p.type === 'compound_assignment_expr') && sameNode(p.childForFieldName('left'), child)) return true;
  }
  return false;
}

/**
 * True when the value of the local at `ident` is not read again after `ident`: no textual later
 * use, and `ident` is not in a loop or closure nested inside the binding's scope. Unknown
 * bindings answer false.
 */
export function isLastUse(ctx: FileContext, ident: Node): boolean {
  const real = toRealNode(ctx, ident);
  const b = resolveBinding(ctx, real);
  if (!b) return false;
  const later = usesOf(ctx, b, real.endIndex).filter((u) => !sameNode(u.node, real));
  return later.length === 0 && !crossesLoopOrClosure(ctx, real, b);
}

/** True when `n` lies in a loop body (or repeated loop part) inside `within` (exclusive). */
export function inLoopWithin(n: Node, within: Node): boolean {
  let child = n;
  for (let p = n.parent; p && !sameNode(p, within); child = p, p = p.parent) {
    if (p.type === 'for_expression' && !sameNode(p.childForFieldName('value'), child)) return true;
    if (p.type === 'while_expression' || p.type === 'loop_expression') return true;
  }
  return false;
}

export { sameNode };
