// Helpers shared by the sync and async families: which lock a type or call is, lock call chains.
import type { Node } from 'web-tree-sitter';
import { normalize, resolvePath, type Resolution } from '../../src/engine/analysis/paths.js';
import type { FileContext } from '../../src/engine/context.js';

export type LockFlavor = 'std' | 'parking_lot' | 'tokio';

/** The path node of a type: `Mutex<T>` → `Mutex`, `std::sync::Mutex<T>` → `std::sync::Mutex`. */
export function typeHead(ty: Node): Node | null {
  if (ty.type === 'generic_type') return ty.childForFieldName('type');
  if (ty.type === 'type_identifier' || ty.type === 'scoped_type_identifier') return ty;
  return null;
}

/** The type arguments of a generic type (named children only). */
export function typeArgs(ty: Node): Node[] {
  if (ty.type !== 'generic_type') return [];
  const args = ty.childForFieldName('type_arguments');
  return args ? args.namedChildren.filter((c): c is Node => c !== null && c.type !== 'lifetime' && !c.type.endsWith('comment')) : [];
}

const last = (p: string) => p.slice(p.lastIndexOf(':') + 1);

/** A resolution's crate flavour for lock types. Null when the name is local, unknown or another crate. */
function flavorOf(r: Resolution): LockFlavor | null {
  if (r.kind === 'local') return null;
  const p = normalize(r.path);
  if (p.startsWith('std::sync::')) return 'std';
  if (p.startsWith('parking_lot::') || p.startsWith('lock_api::')) return 'parking_lot';
  if (p.startsWith('tokio::sync::')) return 'tokio';
  if (r.kind === 'glob' && !p.includes('::')) {
    // decided by the glob bases in scope: only when exactly one lock crate can provide it
    const kinds = new Set(r.globs.map((g) => (g === 'std::sync' ? 'std' : g === 'parking_lot' ? 'parking_lot' : g === 'tokio::sync' ? 'tokio' : 'other')));
    kinds.delete('other');
    if (kinds.size === 1) return [...kinds][0] as LockFlavor;
  }
  return null;
}

/** `Mutex`/`RwLock` of std, parking_lot or tokio named by `head` (a type path node), or null. */
export function lockType(ctx: FileContext, head: Node, names: readonly string[] = ['Mutex', 'RwLock']): { name: string; flavor: LockFlavor } | null {
  const r = resolvePath(ctx, head.text, head);
  const name = last(r.path);
  if (!names.includes(name)) return null;
  const flavor = flavorOf(r);
  return flavor ? { name, flavor } : null;
}

/** True when `head` names `HashMap`/`BTreeMap` (std, hashbrown, an alias of one); not a local type. */
export function mapType(ctx: FileContext, head: Node): 'HashMap' | 'BTreeMap' | null {
  const r = resolvePath(ctx, head.text, head);
  if (r.kind === 'local') return null;
  const name = last(r.path);
  if (name !== 'HashMap' && name !== 'BTreeMap') return null;
  const p = normalize(r.path);
  if (p.includes('::') && !p.startsWith('std::collections::') && !p.startsWith('hashbrown::')) return null;
  return name;
}

/** Method name and receiver of a method call `recv.name(args)` (turbofish allowed). */
export function methodCall(call: Node): { recv: Node; name: string; args: Node; field: Node } | null {
  if (call.type !== 'call_expression') return null;
  let f = call.childForFieldName('function');
  if (f?.type === 'generic_function') f = f.childForFieldName('function');
  if (!f || f.type !== 'field_expression') return null;
  const recv = f.childForFieldName('value');
  const field = f.childForFieldName('field');
  const args = call.childForFieldName('arguments');
  if (!recv || !field || !args) return null;
  return { recv, name: field.text, args, field };
}

/**
 * A lock acquisition ending at `node`: `x.lock()`, `x.lock().unwrap()`, `x.write().expect(..)`,
 * `x.read().await`. Returns the lock call, the locked expression and the full acquisition.
 */
export interface LockSite {
  /** `x.lock()` */
  call: Node;
  /** `x` */
  target: Node;
  method: 'lock' | 'read' | 'write';
  /** The outermost node of the acquisition (`x.lock().unwrap()`). */
  full: Node;
  unwrapped: boolean;
  awaited: boolean;
}

/** Recognises a lock acquisition whose lock call is `call` (`.lock()`/`.read()`/`.write()` with no args). */
export function lockSiteOf(ctx: FileContext, call: Node): LockSite | null {
  const mc = methodCall(call);
  if (!mc || (mc.name !== 'lock' && mc.name !== 'read' && mc.name !== 'write')) return null;
  if (mc.args.namedChildCount > 0) return null;
  let full = call;
  let unwrapped = false;
  let awaited = false;
  const p = ctx.parent(call);
  if (p?.type === 'await_expression') {
    full = p;
    awaited = true;
  } else if (p?.type === 'field_expression') {
    const outer = ctx.parent(p);
    const name = p.childForFieldName('field')?.text;
    if (outer?.type === 'call_expression' && (name === 'unwrap' || name === 'expect')) {
      full = outer;
      unwrapped = true;
    }
  } else if (p?.type === 'try_expression') {
    full = p;
    unwrapped = true;
  }
  return { call, target: mc.recv, method: mc.name as LockSite['method'], full, unwrapped, awaited };
}

/** Text of an expression without whitespace, for comparing lock targets (`self.state`). */
export function exprKey(n: Node): string {
  return n.text.replace(/\s+/g, '');
}

/** `x.lock()` on a receiver that is surely not a lock: stdout/stdin/stderr handles, files. */
export function obviouslyNotLock(target: Node): boolean {
  const t = exprKey(target);
  return /(^|::|\.)(stdout|stderr|stdin)\(\)$/.test(t) || /^(io::)?std(out|err|in)\(\)/.test(t);
}

/** Inside a loop body (for/while/loop) before reaching the enclosing fn or closure; the loop node. */
export function loopAround(ctx: FileContext, node: Node): Node | null {
  let child = node;
  for (const a of ctx.ancestors(node)) {
    if (a.type === 'function_item' || a.type === 'closure_expression' || a.type === 'async_block') return null;
    if (a.type === 'for_expression' || a.type === 'while_expression' || a.type === 'loop_expression') {
      // only the body repeats: the `for` iterable and a `while` condition's head are evaluated per
      // iteration too for while, but not the for iterable
      const body = a.childForFieldName('body');
      if (body && body.startIndex <= child.startIndex && child.endIndex <= body.endIndex) return a;
      if (a.type === 'while_expression') return a;
    }
    child = a;
  }
  return null;
}

const WRAPPERS = /(^|::)(Arc|Rc|Box|LazyLock|LazyCell|Lazy|Pin|CachePadded)$/;

/** The lock named by a type after stripping `&`, `Arc`, `Rc`, `Box`, `LazyLock`...; null if none. */
export function lockOfType(ctx: FileContext, ty: Node | null, names?: readonly string[]): { name: string; flavor: LockFlavor; type: Node } | null {
  for (let cur = ty, i = 0; cur && i < 6; i++) {
    if (cur.type === 'reference_type') {
      cur = cur.childForFieldName('type');
      continue;
    }
    const head = typeHead(cur);
    if (!head) return null;
    const lock = lockType(ctx, head, names);
    if (lock) return { ...lock, type: cur };
    if (!WRAPPERS.test(head.text.replace(/\s+/g, '')) || typeArgs(cur).length !== 1) return null;
    cur = typeArgs(cur)[0]!;
  }
  return null;
}

/** The lock an expression creates: `Mutex::new(..)`, `Arc::new(RwLock::new(..))`. */
function lockOfValue(ctx: FileContext, v: Node | null, at: Node, depth: number): { name: string; flavor: LockFlavor } | null {
  if (!v || depth > 4) return null;
  if (v.type === 'call_expression') {
    const f = v.childForFieldName('function');
    const args = v.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null) ?? [];
    if (f?.type === 'scoped_identifier' && f.childForFieldName('name')?.text === 'new') {
      const path = f.childForFieldName('path');
      if (!path) return null;
      const lock = lockType(ctx, path);
      if (lock) return lock;
      if (WRAPPERS.test(path.text.replace(/\s+/g, '')) && args.length === 1) return lockOfValue(ctx, args[0]!, at, depth + 1);
      return null;
    }
    // `Arc::clone(&x)`
    if (f?.type === 'scoped_identifier' && f.childForFieldName('name')?.text === 'clone' && args.length === 1) {
      const a = args[0]!.type === 'reference_expression' ? args[0]!.childForFieldName('value') : args[0]!;
      return a ? lockBinding(ctx, a, at, depth + 1) : null;
    }
    // `x.clone()`
    const mc = methodCall(v);
    if (mc && mc.name === 'clone' && mc.args.namedChildCount === 0) return lockBinding(ctx, mc.recv, at, depth + 1);
  }
  return null;
}

/** Where a place expression is declared in this file: its type and/or initial value. */
export type Declaration =
  | { kind: 'let'; type: Node | null; value: Node | null; node: Node }
  | { kind: 'param' | 'static'; type: Node | null; value: null; node: Node }
  | { kind: 'field'; types: Node[]; node: null };

/** The nearest declaration of an identifier (let, closure or fn parameter, static) or the fields of `x.f`. */
export function declarationOf(ctx: FileContext, target: Node, at: Node): Declaration | null {
  if (target.type === 'field_expression') {
    const field = target.childForFieldName('field')?.text;
    if (!field) return null;
    const types = itemsOf(ctx).fields.get(field) ?? [];
    return types.length ? { kind: 'field', types, node: null } : null;
  }
  if (target.type !== 'identifier') return null;
  const name = target.text;
  const patName = (p: Node | null) => (p?.type === 'mut_pattern' ? p.namedChildren[0]?.text : p?.text);
  for (const a of ctx.ancestors(at)) {
    if (a.type === 'block') {
      let best: Node | null = null;
      for (const c of a.namedChildren) {
        if (!c || c.startIndex >= at.startIndex) break;
        if (c.type === 'let_declaration' && patName(c.childForFieldName('pattern')) === name) best = c;
      }
      if (best) return { kind: 'let', type: best.childForFieldName('type'), value: best.childForFieldName('value'), node: best };
    }
    if (a.type === 'closure_expression' || a.type === 'function_item') {
      for (const p of a.childForFieldName('parameters')?.namedChildren ?? []) {
        if (!p) continue;
        const pn = p.type === 'parameter' ? patName(p.childForFieldName('pattern')) : p.text;
        if (pn === name) return { kind: 'param', type: p.type === 'parameter' ? p.childForFieldName('type') : null, value: null, node: p };
      }
      if (a.type === 'function_item') break;
    }
  }
  const st = itemsOf(ctx).statics.get(name);
  return st ? { kind: 'static', type: st.childForFieldName('type'), value: null, node: st } : null;
}

interface FileItems {
  /** Struct field name → declared types (every struct in the file). */
  fields: Map<string, Node[]>;
  statics: Map<string, Node>;
}

const itemsCache = new WeakMap<FileContext, FileItems>();

/** Field and static declarations of the file, collected once per file. */
function itemsOf(ctx: FileContext): FileItems {
  let items = itemsCache.get(ctx);
  if (items) return items;
  items = { fields: new Map(), statics: new Map() };
  for (const fd of ctx.tree.rootNode.descendantsOfType('field_declaration')) {
    const name = fd?.childForFieldName('name')?.text;
    const t = fd?.childForFieldName('type');
    if (!name || !t) continue;
    const list = items.fields.get(name) ?? [];
    list.push(t);
    items.fields.set(name, list);
  }
  for (const st of ctx.tree.rootNode.descendantsOfType('static_item')) {
    const name = st?.childForFieldName('name')?.text;
    if (st && name && !items.statics.has(name)) items.statics.set(name, st);
  }
  itemsCache.set(ctx, items);
  return items;
}

/**
 * The lock a place expression surely holds, from declarations in this file: a `let` (typed, or
 * initialised with `Mutex::new`/`Arc::new(..)`/a clone of a lock), a fn parameter, a static, or a
 * struct field (`self.f`, `x.f`: every field named `f` in the file is a lock). Null when unknown.
 */
export function lockBinding(ctx: FileContext, target: Node, at: Node, depth = 0): { name: string; flavor: LockFlavor } | null {
  if (depth > 4) return null;
  const d = declarationOf(ctx, target, at);
  if (!d) return null;
  if (d.kind === 'field') {
    let found: { name: string; flavor: LockFlavor } | null = null;
    for (const t of d.types) {
      const lock = lockOfType(ctx, t);
      if (!lock) return null;
      found = { name: lock.name, flavor: lock.flavor };
    }
    return found;
  }
  const lock = d.type ? lockOfType(ctx, d.type) : d.kind === 'let' ? lockOfValue(ctx, d.value, d.node, depth) : null;
  return lock ? { name: lock.name, flavor: lock.flavor } : null;
}
