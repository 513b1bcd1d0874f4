import type { Node } from 'web-tree-sitter';
import { defineRule } from '../../src/engine/rule.js';
import { lockBinding, lockSiteOf, methodCall } from './shared.js';

/** Methods that take `&mut self` on std collections and common types: trying `.read()` is pointless. */
const MUTATORS = new Set([
  'push', 'push_str', 'push_back', 'push_front', 'pop', 'pop_back', 'pop_front', 'insert', 'remove', 'clear', 'extend',
  'append', 'truncate', 'retain', 'drain', 'entry', 'get_mut', 'iter_mut', 'values_mut', 'sort', 'sort_by', 'sort_by_key',
  'sort_unstable', 'dedup', 'swap', 'swap_remove', 'reserve', 'resize', 'split_off', 'take', 'replace', 'set', 'as_mut',
  'last_mut', 'first_mut', 'or_insert', 'or_default', 'reverse', 'fill', 'shrink_to_fit', 'make_mut',
]);

export default defineRule({
  id: 'readonly-write-lock',
  family: 'sync',
  severity: 'warning',
  tier: 'verify',
  clippy: 'clippy::readonly_write_lock',
  message: 'a write lock is taken but the guard is only read',
  help: 'take a read lock (`.read()`): readers can then proceed concurrently',
  docs: `\`let g = lock.write()…;\` on an \`RwLock\` (std, parking_lot or tokio; the \`.unwrap()\`,
\`.expect(..)\`, \`?\` and \`.await\` forms count) excludes every other reader and writer while \`g\`
lives. When nothing is written through \`g\`, \`.read()\` lets readers run in parallel.

Matched only on locks this file declares as an \`RwLock\` (a typed or \`RwLock::new\` \`let\`, a
parameter, a static, a struct field), when no later statement in the block assigns through the
guard, takes \`&mut\` of it, or calls a known mutating method on it (\`push\`, \`insert\`, \`entry\`,
...).

Fix: \`.write()\` → \`.read()\`. Tier verify: a read guard has no \`DerefMut\`, so if cargo check
passes, nothing mutates through the guard; the tests must still pass.

Not offered when the guard's lifetime covers a side effect (printing, file or stream I/O, sleeping,
joins, channel receives): the write lock may serialise it on purpose, and readers could then run it
concurrently. Lock hold semantics otherwise stay the same.`,
  example: {
    before: 'let cfg = settings.write().unwrap();\nlet port = cfg.port;',
    after: 'let cfg = settings.read().unwrap();\nlet port = cfg.port;',
  },
  query: `(let_declaration
  pattern: (identifier) @guard
  value: [
    (call_expression function: (field_expression value: (call_expression
      function: (field_expression value: (_) @target field: (field_identifier) @method) arguments: (arguments) @args)))
    (await_expression (call_expression
      function: (field_expression value: (_) @target field: (field_identifier) @method) arguments: (arguments) @args))
    (try_expression (call_expression
      function: (field_expression value: (_) @target field: (field_identifier) @method) arguments: (arguments) @args))
    (call_expression
      function: (field_expression value: (_) @target field: (field_identifier) @method) arguments: (arguments) @args)
  ]
  (#eq? @method "write")) @stmt`,
  check(m, ctx) {
    const call = m.cap('args').parent!;
    const site = lockSiteOf(ctx, call);
    const value = m.node.childForFieldName('value');
    if (!site || !value || site.full.id !== value.id) return false;
    const lock = lockBinding(ctx, m.cap('target'), call);
    if (!lock || lock.name !== 'RwLock') return false;
    const guard = m.cap('guard').text;
    if (!onlyRead(m.node, guard)) return false;
    return { node: call };
  },
  fix(m) {
    const method = m.cap('method');
    return [{ start: method.startIndex, end: method.endIndex, text: 'read' }];
  },
});

/** Statements after `decl` in its block while the guard lives (until `drop(g)` or a shadowing `let`). */
function guardScope(decl: Node, guard: string): Node[] | null {
  const block = decl.parent;
  if (!block || block.type !== 'block') return null;
  const out: Node[] = [];
  for (const s of block.namedChildren) {
    if (!s || s.startIndex < decl.endIndex || s.type.endsWith('comment')) continue;
    if (new RegExp(`^(std::mem::|mem::)?drop\\(${guard}\\);?$`).test(s.text.replace(/\s+/g, ''))) break;
    out.push(s);
    if (s.type === 'let_declaration' && s.childForFieldName('pattern')?.text === guard) break;
  }
  return out;
}

const SIDE_EFFECT_MACROS = /^(println|print|eprintln|eprint|write|writeln|dbg)$/;
const SIDE_EFFECT_METHODS = new Set(['write_all', 'flush', 'read_to_string', 'read_to_end', 'read_line', 'send', 'recv', 'join', 'sync_all']);

function onlyRead(decl: Node, guard: string): boolean {
  const scope = guardScope(decl, guard);
  if (!scope) return false;
  let used = false;
  for (const s of scope) {
    for (const id of s.descendantsOfType('identifier')) {
      if (!id || id.text !== guard) continue;
      used = true;
      if (mutatedAt(id)) return false;
    }
    for (const tt of s.descendantsOfType('token_tree')) {
      if (tt && new RegExp(`&\\s*mut\\s+\\*?${guard}\\b|\\b${guard}\\s*\\.\\s*(${[...MUTATORS].join('|')})\\s*\\(`).test(tt.text)) return false;
    }
    for (const mi of s.descendantsOfType('macro_invocation')) {
      if (mi && SIDE_EFFECT_MACROS.test(mi.childForFieldName('macro')?.text ?? '')) return false;
    }
    for (const c of s.descendantsOfType('call_expression')) {
      if (!c) continue;
      const mc = methodCall(c);
      if (mc && SIDE_EFFECT_METHODS.has(mc.name)) return false;
      const f = c.childForFieldName('function');
      if (f && /^(std::)?(thread::sleep|fs::|process::)|^sleep$/.test(f.text.replace(/\s+/g, ''))) return false;
    }
  }
  return used;
}

/** Is this use of the guard a write: assigned to, `&mut`, or the receiver of a mutating method? */
function mutatedAt(id: Node): boolean {
  let cur: Node = id;
  for (let p = id.parent; p; cur = p, p = p.parent) {
    if (p.type === 'field_expression' && p.childForFieldName('value')?.id === cur.id) {
      const call = p.parent;
      if (call?.type === 'call_expression' && call.childForFieldName('function')?.id === p.id) {
        return MUTATORS.has(p.childForFieldName('field')?.text ?? '');
      }
      continue; // `g.a.b`: keep climbing the place
    }
    if (p.type === 'index_expression' && p.namedChildren[0]?.id === cur.id) continue;
    if (p.type === 'unary_expression' && p.text.startsWith('*')) continue;
    if (p.type === 'parenthesized_expression') continue;
    if ((p.type === 'assignment_expression' || p.type === 'compound_assignment_expr') && p.childForFieldName('left')?.id === cur.id) return true;
    if (p.type === 'reference_expression' && p.children.some((c) => c?.type === 'mutable_specifier')) return true;
    return false;
  }
  return false;
}
