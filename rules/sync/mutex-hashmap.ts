import type { Node } from 'web-tree-sitter';
import { resolvePath } from '../../src/engine/analysis/paths.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule, type Edit } from '../../src/engine/rule.js';
import { lockType, mapType, methodCall, typeArgs, typeHead, type LockFlavor } from './shared.js';

const SIMPLE_METHODS = new Set(['insert', 'get', 'remove', 'contains_key']);

export default defineRule({
  id: 'mutex-hashmap',
  aliases: ['mutex-hashmap-dashmap'],
  family: 'sync',
  severity: 'warning',
  tier: 'report-only',
  scope: 'file', // the fix rewrites every struct literal and lock site of the field in the file
  // lockType(): the lock's path, as the file spells or imports it, ends in `Mutex`/`RwLock`
  requires: [['Mutex', 'RwLock']],
  clippy: null,
  optInFix: true,
  fixDependencies: ['dashmap@6'],
  message: 'a whole map behind one lock serialises every access to it',
  help: 'shrink the critical sections (compute outside the lock, lock only to look up or insert); for many concurrent users shard by key hash (`Vec<Mutex<HashMap<..>>>`) or use a concurrent map such as `dashmap::DashMap` (`rxfix apply --verify --only mutex-hashmap` tries the DashMap rewrite)',
  docs: `\`Arc<Mutex<HashMap<K, V>>>\` (or \`RwLock\`, \`BTreeMap\`; std, parking_lot or tokio locks) makes
every reader and writer of the map take the same lock. Under contention threads queue on it, and any
work done while the guard lives (hashing big keys, cloning values, I/O) lengthens the queue.

When it is not slow: one thread, or low contention. An uncontended mutex costs a few nanoseconds and
is often faster than a concurrent map. One lock also makes multi-key updates and iteration atomic,
which a sharded map does not.

The fix, in order: (1) shrink critical sections: compute outside the lock, then lock only to look
up or insert; (2) an \`RwLock\` for maps that are mostly read; (3) shard by hash
(\`Vec<Mutex<HashMap<..>>>\`); (4) a concurrent map (\`dashmap::DashMap\`) after checking invariants
that span keys. A DashMap \`Ref\` held while touching the same map on the same thread (or across
\`.await\`) deadlocks.

Matched: the lock type whose first argument is the map, in fields, statics, \`let\` types, type
aliases and fn signatures; reported at the enclosing \`Arc<..>\` when there is one. Names are
resolved through \`use\` (a local type named \`Mutex\` is not a lock).

Tier: report-only. Guided fix, only with \`--only mutex-hashmap\` (then tier verify, kept only when
cargo check and the tests pass; adds the \`dashmap@6\` dependency): for a std or parking_lot lock of
a \`HashMap\` held in a struct field or a typed \`let\`, the type becomes \`DashMap<K, V>\` (keeping
the \`Arc\`), \`use dashmap::DashMap;\` is added, \`Mutex::new(HashMap::new())\` in that field's
initializer or the \`let\` becomes \`DashMap::new()\`, and the simple sites
\`x.lock().unwrap().insert/get/remove/contains_key(..)\` become \`x.insert/get/..(..)\`. Every other
use of the lock is left alone, so cargo check rejects the rewrite unless those were all there was.
Not offered for \`BTreeMap\` (ordered iteration), tokio locks (guards held across \`.await\`),
statics and signatures. Clippy has no equivalent.`,
  example: {
    before: 'struct Cache { map: Arc<Mutex<HashMap<String, u64>>> }\ncache.map.lock().unwrap().insert(k, v);',
    after: 'struct Cache { map: Arc<DashMap<String, u64>> }\ncache.map.insert(k, v);',
  },
  query: `(generic_type
  type: [(type_identifier) @lock (scoped_type_identifier name: (type_identifier) @lock)]
  type_arguments: (type_arguments . (generic_type
    type: [(type_identifier) @map (scoped_type_identifier name: (type_identifier) @map)]))
  (#match? @lock "(Mutex|RwLock)$")
  (#any-of? @map "HashMap" "BTreeMap")) @match`,
  check(m, ctx) {
    const plan = analyse(ctx, m.node);
    if (!plan) return false;
    const what = `${plan.outer ? 'Arc<' : ''}${plan.lockName}<${plan.mapName}<..>>${plan.outer ? '>' : ''}`;
    const help =
      plan.flavor === 'tokio'
        ? 'shrink the critical sections and release the guard before `.await` where possible; shard by key hash, or use a concurrent map such as `dashmap::DashMap` only if no entry reference is held across `.await` (that deadlocks)'
        : undefined;
    return { node: plan.reported, message: `\`${what}\`: every access to the map takes one lock`, ...(help ? { help } : {}) };
  },
  fix(m, ctx) {
    const plan = analyse(ctx, m.node);
    if (!plan || plan.flavor === 'tokio' || plan.mapName !== 'HashMap') return null;
    const decl = bindingOf(ctx, plan.reported);
    if (!decl) return null;
    const map = typeArgs(m.node)[0]!;
    const mapArgs = map.childForFieldName('type_arguments');
    if (!mapArgs || typeArgs(m.node).length !== 1) return null;
    const edits: Edit[] = [
      { start: m.node.startIndex, end: mapArgs.startIndex, text: 'DashMap' },
      ...(mapArgs.endIndex < m.node.endIndex ? [{ start: mapArgs.endIndex, end: m.node.endIndex, text: '' }] : []),
    ];
    const use = importEdit(ctx, decl.node);
    if (use) edits.push(use);
    edits.push(...constructorEdits(ctx, decl));
    edits.push(...lockSiteEdits(ctx, decl));
    return edits;
  },
});

interface Plan {
  flavor: LockFlavor;
  lockName: string;
  mapName: 'HashMap' | 'BTreeMap';
  /** `Arc<..>` around the lock, when there is one. */
  outer: Node | null;
  reported: Node;
}

function analyse(ctx: FileContext, ty: Node): Plan | null {
  const head = typeHead(ty);
  const map = typeArgs(ty)[0];
  const mapHead = map ? typeHead(map) : null;
  if (!head || !mapHead) return null;
  const lock = lockType(ctx, head);
  const mapName = mapType(ctx, mapHead);
  if (!lock || !mapName) return null;
  let outer: Node | null = null;
  const args = ty.parent;
  if (args?.type === 'type_arguments' && args.parent?.type === 'generic_type') {
    const oh = typeHead(args.parent);
    const r = oh ? resolvePath(ctx, oh.text, oh) : null;
    if (r && r.kind !== 'local' && /(^|::)Arc$/.test(r.path) && typeArgs(args.parent).length === 1) outer = args.parent;
  }
  return { flavor: lock.flavor, lockName: lock.name, mapName, outer, reported: outer ?? ty };
}

interface Binding {
  kind: 'field' | 'let';
  name: string;
  node: Node;
}

/** The struct field or `let` whose declared type is exactly `ty` (the reported type). */
function bindingOf(ctx: FileContext, ty: Node): Binding | null {
  const p = ty.parent;
  if (!p || p.childForFieldName('type')?.id !== ty.id) return null;
  if (p.type === 'field_declaration') {
    const name = p.childForFieldName('name');
    return name ? { kind: 'field', name: name.text, node: p } : null;
  }
  if (p.type === 'let_declaration') {
    const pat = p.childForFieldName('pattern');
    if (pat?.type === 'identifier') return { kind: 'let', name: pat.text, node: p };
    return null;
  }
  return null;
}

/** `use dashmap::DashMap;` in the module holding the declaration, unless DashMap is already imported. */
function importEdit(ctx: FileContext, decl: Node): Edit | null {
  const r = resolvePath(ctx, 'DashMap', decl);
  if (r.kind === 'import' && r.path === 'dashmap::DashMap') return null;
  let scope: Node = ctx.tree.rootNode;
  for (const a of ctx.ancestors(decl)) {
    if (a.type === 'declaration_list' && a.parent?.type === 'mod_item') {
      scope = a;
      break;
    }
  }
  const items = scope.namedChildren.filter((c): c is Node => c !== null);
  const firstUse = items.find((c) => c.type === 'use_declaration');
  const anchor = firstUse ?? items.find((c) => !/comment|inner_attribute_item/.test(c.type));
  if (!anchor) return null;
  const lineStart = ctx.source.lastIndexOf('\n', anchor.startIndex - 1) + 1;
  const indent = ctx.source.slice(lineStart, anchor.startIndex);
  if (!/^[ \t]*$/.test(indent)) return null;
  // before the anchor's attributes (`#[cfg(..)] use ..`) is wrong for a use; insert before the item itself
  return { start: anchor.startIndex, end: anchor.startIndex, text: `use dashmap::DashMap;\n${indent}` };
}

/** `Mutex::new(HashMap::new())` → `DashMap::new()` in the field initializer or the `let` value. */
function constructorEdits(ctx: FileContext, b: Binding): Edit[] {
  const values: Node[] = [];
  if (b.kind === 'let') {
    const v = b.node.childForFieldName('value');
    if (v) values.push(v);
  } else {
    for (const fi of ctx.tree.rootNode.descendantsOfType('field_initializer')) {
      if (fi?.childForFieldName('field')?.text === b.name) {
        const v = fi.childForFieldName('value');
        if (v) values.push(v);
      }
    }
  }
  const edits: Edit[] = [];
  for (let v of values) {
    // Arc::new(Mutex::new(..)) → look inside the Arc
    const inner = newCallArg(ctx, v, /(^|::)Arc$/);
    if (inner) v = inner.arg;
    const lockNew = newCallArg(ctx, v, /(^|::)(Mutex|RwLock)$/);
    if (!lockNew) continue;
    const init = lockNew.arg.text.replace(/\s+/g, '');
    let text: string | null = null;
    if (/^(HashMap::(new|default)|Default::default)\(\)$/.test(init)) text = 'DashMap::new()';
    else {
      const cap = /^HashMap::with_capacity\((.*)\)$/s.exec(lockNew.arg.text.trim());
      if (cap) text = `DashMap::with_capacity(${cap[1]})`;
    }
    if (text) edits.push({ start: lockNew.call.startIndex, end: lockNew.call.endIndex, text });
  }
  return edits;
}

/** `Path::new(arg)` where Path's last segment matches `head`: the call and its single argument. */
function newCallArg(ctx: FileContext, n: Node, head: RegExp): { call: Node; arg: Node } | null {
  if (n.type !== 'call_expression') return null;
  const f = n.childForFieldName('function');
  if (f?.type !== 'scoped_identifier' || f.childForFieldName('name')?.text !== 'new') return null;
  const path = f.childForFieldName('path');
  if (!path || !head.test(path.text.replace(/\s+/g, ''))) return null;
  const args = n.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null && !c.type.endsWith('comment')) ?? [];
  return args.length === 1 ? { call: n, arg: args[0]! } : null;
}

/** `x.lock().unwrap().insert(..)` → `x.insert(..)` for the binding's lock sites. */
function lockSiteEdits(ctx: FileContext, b: Binding): Edit[] {
  const edits: Edit[] = [];
  const scope = b.kind === 'let' ? b.node.parent : ctx.tree.rootNode;
  if (!scope) return edits;
  for (const call of scope.descendantsOfType('call_expression')) {
    if (!call || (b.kind === 'let' && call.startIndex < b.node.endIndex)) continue;
    const outer = methodCall(call);
    if (!outer || !SIMPLE_METHODS.has(outer.name)) continue;
    let acq = outer.recv;
    const unwrap = methodCall(acq);
    if (unwrap && (unwrap.name === 'unwrap' || unwrap.name === 'expect')) acq = unwrap.recv;
    const lock = methodCall(acq);
    if (!lock || !['lock', 'read', 'write'].includes(lock.name) || lock.args.namedChildCount > 0) continue;
    const target = lock.recv;
    const matches =
      b.kind === 'let'
        ? target.type === 'identifier' && target.text === b.name
        : target.type === 'field_expression' && target.childForFieldName('field')?.text === b.name;
    if (!matches) continue;
    const dot = outer.field.parent!.children.find((c) => c?.type === '.');
    if (!dot) continue;
    edits.push({ start: target.endIndex, end: dot.startIndex, text: '' });
  }
  return edits;
}
