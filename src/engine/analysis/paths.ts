// resolvePath (patterns.md §3 "Shared analyses"): what a name written in a file refers to, after
// the file's `use` declarations (renames, nested groups, `self`), its `type` aliases and its own
// items. `use parking_lot::Mutex` changes what `Mutex` and `.lock()` mean; `use tokio::time::sleep`
// changes what `sleep(..)` is; a local `fn sleep` is neither. Purely syntactic: a glob import
// (`use x::*`) is reported as such, never guessed through.
import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../context.js';

export type ResolutionKind =
  /** Imported by a `use` (possibly renamed): `path` is the imported path. */
  | 'import'
  /** A `type` alias in scope: `path` is the aliased type's path (generics dropped), itself resolved. */
  | 'alias'
  /** An item defined in this file (fn, struct, enum, mod, static, ...): `path` is `self::<name>`. */
  | 'local'
  /** Not found, but a glob import in scope may provide it: `globs` lists the glob bases. */
  | 'glob'
  /** Not imported, not defined here: the prelude, a crate root (`std::..`) or a path as written. */
  | 'unresolved';

export interface Resolution {
  kind: ResolutionKind;
  /** The full path with `::` separators and no whitespace, leading `::` removed. */
  path: string;
  /** Glob import bases in scope (`use tokio::*` → `tokio`), innermost scope first. */
  globs: string[];
  /** For `alias`: the aliased type node. */
  aliased?: Node;
}

interface Scope {
  /** Explicit imports: local name → full path. */
  imports: Map<string, string>;
  globs: string[];
  /** `type` aliases: name → aliased type node. */
  aliases: Map<string, Node>;
  /** Other items defined in this scope. */
  items: Set<string>;
}

const ITEM_TYPES = new Set([
  'function_item', 'function_signature_item', 'struct_item', 'enum_item', 'union_item', 'trait_item',
  'mod_item', 'static_item', 'const_item', 'macro_definition',
]);

const scopeCache = new WeakMap<FileContext, Map<string, Scope>>();

/** Path text of a `use` path node without whitespace, leading `::` dropped. */
export function pathText(node: Node): string {
  return node.text.replace(/\s+/g, '').replace(/^::/, '');
}

const join = (prefix: string, rest: string) => (prefix ? `${prefix}::${rest}` : rest);

function collectUse(arg: Node, prefix: string, scope: Scope): void {
  switch (arg.type) {
    case 'identifier':
    case 'scoped_identifier':
    case 'crate':
    case 'super':
    case 'self': {
      const full = join(prefix, pathText(arg));
      // `use a::b::{self}` imports `b`; a bare `self` with no prefix imports nothing useful
      if (arg.type === 'self') {
        if (prefix) scope.imports.set(lastOf(prefix), prefix);
        return;
      }
      scope.imports.set(lastOf(full), full);
      return;
    }
    case 'use_as_clause': {
      const p = arg.childForFieldName('path');
      const alias = arg.childForFieldName('alias');
      if (!p || !alias) return;
      const full = p.type === 'self' ? prefix : join(prefix, pathText(p));
      if (alias.text !== '_') scope.imports.set(alias.text, full);
      return;
    }
    case 'scoped_use_list': {
      const p = arg.childForFieldName('path');
      const list = arg.childForFieldName('list');
      const next = p ? join(prefix, pathText(p)) : prefix;
      if (list) collectUse(list, next, scope);
      return;
    }
    case 'use_list':
      for (const c of arg.namedChildren) if (c) collectUse(c, prefix, scope);
      return;
    case 'use_wildcard': {
      const base = arg.namedChildren[0];
      scope.globs.push(base ? join(prefix, pathText(base)) : prefix);
      return;
    }
    default:
      return;
  }
}

function lastOf(path: string): string {
  const i = path.lastIndexOf('::');
  return i < 0 ? path : path.slice(i + 2);
}

function scopeOf(ctx: FileContext, container: Node): Scope {
  let cache = scopeCache.get(ctx);
  if (!cache) scopeCache.set(ctx, (cache = new Map()));
  const key = `${container.startIndex}:${container.endIndex}:${container.type}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const scope: Scope = { imports: new Map(), globs: [], aliases: new Map(), items: new Set() };
  for (const c of container.namedChildren) {
    if (!c) continue;
    if (c.type === 'use_declaration') {
      const arg = c.childForFieldName('argument');
      if (arg) collectUse(arg, '', scope);
    } else if (c.type === 'type_item') {
      const name = c.childForFieldName('name');
      const ty = c.childForFieldName('type');
      if (name && ty) scope.aliases.set(name.text, ty);
    } else if (ITEM_TYPES.has(c.type)) {
      const name = c.childForFieldName('name');
      if (name) scope.items.add(name.text);
    } else if (c.type === 'extern_crate_declaration') {
      const name = c.childForFieldName('name');
      const alias = c.childForFieldName('alias');
      if (name && alias) scope.imports.set(alias.text, name.text);
    }
  }
  cache.set(key, scope);
  return scope;
}

/** The scopes that can hold `use`/items visible at `at`, innermost first (file scope last). */
function scopesAt(ctx: FileContext, at: Node | undefined): Node[] {
  const out: Node[] = [];
  if (at) {
    for (const a of [at, ...ctx.ancestors(at)]) {
      if (a.tree !== ctx.tree) continue;
      if (a.type === 'block' || a.type === 'declaration_list') {
        // a trait/impl body holds no `use`; a mod body does
        if (a.type === 'declaration_list' && a.parent?.type !== 'mod_item') continue;
        out.push(a);
      }
    }
  }
  out.push(ctx.tree.rootNode);
  return out;
}

/** The path an aliased type node names: `parking_lot::RwLock<..>` → `parking_lot::RwLock`. */
function typeHead(ty: Node): Node | null {
  if (ty.type === 'generic_type') return ty.childForFieldName('type');
  if (ty.type === 'type_identifier' || ty.type === 'scoped_type_identifier') return ty;
  return null;
}

/**
 * What `name` (`Mutex`, `sleep`, `task::spawn`, `std::thread::sleep`) refers to at `at` (default:
 * the file's top level). Only the first segment is looked up; the rest is appended.
 */
export function resolvePath(ctx: FileContext, name: string, at?: Node, depth = 0): Resolution {
  const clean = name.replace(/\s+/g, '').replace(/^::/, '').replace(/<.*$/, '');
  const sep = clean.indexOf('::');
  const head = sep < 0 ? clean : clean.slice(0, sep);
  const rest = sep < 0 ? '' : clean.slice(sep + 2);
  const globs: string[] = [];
  if (head === 'crate' || head === 'self' || head === 'super' || head === 'Self') return { kind: 'unresolved', path: clean, globs };
  for (const container of scopesAt(ctx, at)) {
    const scope = scopeOf(ctx, container);
    const imported = scope.imports.get(head);
    if (imported !== undefined) {
      // `use tokio::task; task::spawn` → `tokio::task::spawn`; imported paths are absolute enough
      return { kind: 'import', path: rest ? `${imported}::${rest}` : imported, globs };
    }
    const aliased = scope.aliases.get(head);
    if (aliased && depth < 8) {
      const h = typeHead(aliased);
      if (h) {
        const inner = resolvePath(ctx, h.text, container.type === 'source_file' ? undefined : container, depth + 1);
        return { kind: 'alias', path: rest ? `${inner.path}::${rest}` : inner.path, globs: inner.globs, aliased };
      }
      return { kind: 'alias', path: clean, globs, aliased };
    }
    if (scope.items.has(head)) return { kind: 'local', path: `self::${clean}`, globs };
    globs.push(...scope.globs);
  }
  return { kind: globs.length > 0 ? 'glob' : 'unresolved', path: clean, globs };
}

/**
 * True when `name` at `at` surely names one of `paths` (full paths such as `std::thread::sleep`).
 * A name that is not imported counts when it is written in full (`std::thread::sleep(..)`), or
 * when it is one of `preludeNames` (names in scope without import, e.g. `Mutex` never is).
 */
export function resolvesTo(ctx: FileContext, name: string, paths: readonly string[], at?: Node): boolean {
  const r = resolvePath(ctx, name, at);
  if (r.kind === 'local') return false;
  if (r.kind === 'glob') return false;
  return paths.includes(normalize(r.path));
}

/** `::std::x` → `std::x`; `core::` and `alloc::` re-exports of std items compare as `std::`. */
export function normalize(path: string): string {
  return path.replace(/^::/, '').replace(/^(core|alloc)::/, 'std::');
}
