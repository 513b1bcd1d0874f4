import type { Node } from 'web-tree-sitter';
import { normalize, resolvePath } from '../../src/engine/analysis/paths.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule } from '../../src/engine/rule.js';
import { lockType, typeArgs, typeHead } from './shared.js';

const ATOMIC: Record<string, string> = {
  bool: 'AtomicBool', u8: 'AtomicU8', u16: 'AtomicU16', u32: 'AtomicU32', u64: 'AtomicU64', usize: 'AtomicUsize',
  i8: 'AtomicI8', i16: 'AtomicI16', i32: 'AtomicI32', i64: 'AtomicI64', isize: 'AtomicIsize',
};

export default defineRule({
  id: 'lighter-sync-primitive',
  family: 'sync',
  severity: 'warning',
  tier: 'report-only',
  clippy: 'clippy::mutex_atomic',
  message: 'a heavier synchronization primitive than the data needs',
  help: 'use an atomic for a standalone flag or counter, `Rc<RefCell<T>>` where `Rc` already rules out threads, and `Rc` where the contents cannot be shared across threads anyway',
  docs: `Three shapes, all report-only:

1. \`Mutex<bool>\`, \`Mutex<usize>\` and the other integer types up to 64 bits, and \`Mutex<*mut T>\`
   (std or parking_lot; also \`Mutex::new(false)\`/\`Mutex::new(0)\` bound by an untyped \`let\`): a
   lock, a possible syscall under contention and poisoning, to guard one word. \`AtomicBool\`,
   \`AtomicUsize\`, ... or \`AtomicPtr\` do it with one instruction (clippy \`mutex_atomic\`,
   \`mutex_integer\`).
2. \`Rc<Mutex<T>>\` / \`Rc<RwLock<T>>\`: \`Rc\` is not \`Send\`, so the value never leaves its thread
   and the lock only adds cost; \`Rc<RefCell<T>>\` gives the same interior mutability (clippy
   \`rc_mutex\`).
3. \`Arc<RefCell<T>>\` / \`Arc<Cell<T>>\`: \`RefCell\` and \`Cell\` are not \`Sync\`, so the \`Arc\` is
   neither \`Send\` nor \`Sync\` and its atomic reference counting buys nothing over \`Rc\` (clippy
   \`arc_with_non_send_sync\`).

When not to change it: a \`Mutex\` also orders the memory accesses around it and guards invariants
that span several fields, which a \`Relaxed\` atomic does not; a \`Condvar\` needs a \`Mutex\` (files
that mention \`Condvar\`, or name a \`MutexGuard\` of the value's type, are not reported for shape 1); a \`Mutex\` poisons or deadlocks where a
\`RefCell\` panics; \`Arc\` → \`Rc\` changes \`Send\`/\`Sync\` of every type containing it, a public
API change. 128-bit integers have no stable atomic and are not reported.

Names are resolved through \`use\`: a local type named \`Mutex\` or \`Rc\` is not reported; tokio's
\`Mutex\` is not reported for shape 1 (its guard may be held across \`.await\` on purpose).`,
  example: {
    before: 'static READY: Mutex<bool> = Mutex::new(false);\n*READY.lock().unwrap() = true;',
    after: 'static READY: AtomicBool = AtomicBool::new(false);\nREADY.store(true, Ordering::Release);',
  },
  query: `(generic_type
  type: [(type_identifier) @head (scoped_type_identifier name: (type_identifier) @head)]
  type_arguments: (type_arguments . [(primitive_type) (pointer_type)] @inner .)
  (#eq? @head "Mutex")) @match
(generic_type
  type: [(type_identifier) @head (scoped_type_identifier name: (type_identifier) @head)]
  type_arguments: (type_arguments . (generic_type
    type: [(type_identifier) @inner (scoped_type_identifier name: (type_identifier) @inner)]) .)
  (#any-of? @head "Rc" "Arc")
  (#any-of? @inner "Mutex" "RwLock" "RefCell" "Cell")) @match
(call_expression
  function: (scoped_identifier
    path: [(identifier) @head (scoped_identifier name: (identifier) @head)]
    name: (identifier) @new)
  arguments: (arguments . [(boolean_literal) (integer_literal) (unary_expression)] @inner .)
  (#eq? @head "Mutex")
  (#eq? @new "new")) @match`,
  check(m, ctx) {
    const node = m.node;
    if (node.type === 'call_expression') return checkNewCall(ctx, node, m.cap('inner'));
    const head = typeHead(node)!;
    const inner = typeArgs(node)[0]!;
    if (inner.type === 'primitive_type' || inner.type === 'pointer_type') {
      const lock = lockType(ctx, head, ['Mutex']);
      if (!lock || lock.flavor === 'tokio') return false;
      return wordForm(ctx, inner.type === 'pointer_type' ? 'ptr' : inner.text);
    }
    const outer = stdName(ctx, head);
    const innerHead = typeHead(inner)!;
    if (outer === 'std::rc::Rc') {
      const lock = lockType(ctx, innerHead);
      if (!lock || lock.flavor === 'tokio') return false;
      return {
        message: `\`Rc<${lock.name}<..>>\`: the value never leaves its thread, the lock only adds cost`,
        help: `use \`Rc<RefCell<..>>\` (a \`RefCell\` panics on a conflicting borrow where the ${lock.name} would deadlock), or \`Arc<${lock.name}<..>>\` if it must cross threads`,
      };
    }
    if (outer === 'std::sync::Arc') {
      const cell = stdName(ctx, innerHead);
      if (cell !== 'std::cell::RefCell' && cell !== 'std::cell::Cell') return false;
      const short = cell.slice(cell.lastIndexOf(':') + 1);
      return {
        message: `\`Arc<${short}<..>>\` is neither \`Send\` nor \`Sync\`: the atomic reference count buys nothing`,
        help: `use \`Rc<${short}<..>>\`, or \`Arc<Mutex<..>>\` if the value must cross threads`,
      };
    }
    return false;
  },
});

/** The std path a type head names (`Rc` → `std::rc::Rc`), or null when local/unknown/another crate. */
function stdName(ctx: FileContext, head: Node): string | null {
  const r = resolvePath(ctx, head.text, head);
  if (r.kind === 'local') return null;
  const p = normalize(r.path);
  if (p.startsWith('std::')) return p;
  if (r.kind === 'glob' && !p.includes('::')) {
    const known: Record<string, string> = { Rc: 'std::rc', Arc: 'std::sync', RefCell: 'std::cell', Cell: 'std::cell' };
    if (known[p] && r.globs.length === 1 && r.globs[0] === known[p]) return `${known[p]}::${p}`;
  }
  return null;
}

function wordForm(ctx: FileContext, inner: string): false | { message: string; help: string } {
  if (/\bCondvar\b/.test(ctx.source)) return false;
  // a guard of it handed out or stored: the lock is a critical section guarding more than the value
  if (inner !== 'int' && new RegExp(`MutexGuard<[^<>]*\\b${inner === 'ptr' ? '\\*mut' : inner}\\b`).test(ctx.source)) return false;
  const atomic = inner === 'ptr' ? 'AtomicPtr' : inner === 'int' ? 'AtomicUsize` or `AtomicI64' : ATOMIC[inner];
  if (!atomic) return false;
  const what = inner === 'ptr' ? '*mut T' : inner === 'int' ? '{integer}' : inner;
  return {
    message: `\`Mutex<${what}>\` locks to guard a single ${inner === 'bool' ? 'flag' : inner === 'ptr' ? 'pointer' : 'integer'}`,
    help: `use \`std::sync::atomic::${atomic}\` (\`load\`/\`store\`/\`fetch_add\`/\`compare_exchange\`), unless the lock also guards other data or pairs with a \`Condvar\``,
  };
}

/** `Mutex::new(false)` / `Mutex::new(0)` whose only type is inferred: an untyped `let` (through `Arc::new`). */
function checkNewCall(ctx: FileContext, call: Node, arg: Node): false | { message: string; help: string } {
  const head = call.childForFieldName('function')!.childForFieldName('path')!;
  const lock = lockType(ctx, head, ['Mutex']);
  if (!lock || lock.flavor === 'tokio') return false;
  if (arg.type === 'unary_expression' && !/^-\s*\d/.test(arg.text)) return false;
  // an integer literal with a 128-bit suffix has no stable atomic
  if (/(i|u)128$/.test(arg.text)) return false;
  let cur: Node = call;
  for (;;) {
    const p = ctx.parent(cur);
    if (!p) return false;
    if (p.type === 'let_declaration') {
      if (p.childForFieldName('type')) return false; // the annotation is reported instead
      break;
    }
    // walk out of `Arc::new(..)` / `Rc::new(..)`
    if (p.type === 'arguments') {
      const outer = ctx.parent(p);
      const fn = outer?.childForFieldName('function');
      if (outer?.type === 'call_expression' && fn?.type === 'scoped_identifier' && /^(std::sync::)?Arc::new$/.test(fn.text.replace(/\s+/g, '')) && p.namedChildCount === 1) {
        cur = outer;
        continue;
      }
    }
    return false;
  }
  const suffix = /(u8|u16|u32|u64|usize|i8|i16|i32|i64|isize)$/.exec(arg.text);
  return wordForm(ctx, arg.type === 'boolean_literal' ? 'bool' : suffix ? suffix[1]! : 'int');
}
