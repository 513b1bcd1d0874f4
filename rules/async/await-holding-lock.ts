import type { Node } from 'web-tree-sitter';
import { inAsync } from '../../src/engine/analysis/async.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule } from '../../src/engine/rule.js';
import { normalize, resolvePath } from '../../src/engine/analysis/paths.js';
import { declarationOf, lockBinding, lockSiteOf, obviouslyNotLock, typeArgs, typeHead } from '../sync/shared.js';

const BOUNDARIES = new Set(['closure_expression', 'async_block', 'function_item']);

export default defineRule({
  id: 'await-holding-lock',
  family: 'async',
  severity: 'warning',
  tier: 'report-only',
  clippy: 'clippy::await_holding_lock',
  message: 'a synchronous lock guard is held across an `.await`',
  help: 'end the guard before the `.await` (an inner block, or `drop(guard)`), or copy the data out; use `tokio::sync::Mutex` only if the lock must be held across the await',
  docs: `A std or parking_lot guard held across \`.await\` keeps the lock while the task is suspended: every
other task or thread that wants it blocks its worker thread (not just its task) until this task is
polled again and releases it, and a task on the same thread that wants it deadlocks.

Matched in async code (\`asyncContext\`: a plain closure ends it):
- \`let g = m.lock()…;\` (also \`.read()\`/\`.write()\`, with \`.unwrap()\`/\`.expect(..)\`/\`?\` or
  parking_lot's bare form) followed, in the same block and before \`drop(g)\`, a shadowing \`let\` or
  a move of \`g\`, by an \`.await\` outside any closure or async block;
- the same for a \`RefCell\` \`.borrow()\`/\`.borrow_mut()\` on a cell declared in this file
  (\`RefCell<..>\`, \`Rc<RefCell<..>>\`, \`RefCell::new\`): another task touching the cell while this
  one is suspended panics (clippy \`await_holding_refcell_ref\`);
- a lock temporary and a later \`.await\` in one statement (\`m.lock().unwrap().insert(k, f().await)\`,
  or a \`match\` on a guard's contents whose arms await): temporaries live to the end of the
  statement.
The lock must be a std or parking_lot \`Mutex\`/\`RwLock\` declared in the file (let, parameter,
static, struct field), or an unknown receiver whose acquisition is unwrapped
(\`.lock().unwrap()\`, a \`LockResult\`). tokio's \`lock().await\` is what tokio's Mutex is for and is
not matched; \`stdout().lock()\` is not a lock here.

Under multi-threaded \`tokio::spawn\` a std guard makes the future \`!Send\` (a compile error), so the
bug survives in \`block_on\`/\`LocalSet\`/\`spawn_local\` code, in \`#[tokio::main]\` bodies and with
parking_lot's \`send_guard\`.

Fix: end the guard in a block before the \`.await\` or copy the data out; \`tokio::sync::Mutex\` only
if the lock must be held across the await. Tier: report-only (lock scope is a design decision).
Not implemented: the inverse finding (a tokio Mutex never held across an await), which needs every
lock site of the mutex, possibly in other files.`,
  example: {
    before: 'let mut q = queue.lock().unwrap();\nq.push(job);\nnotify(&peer).await;',
    after: '{ queue.lock().unwrap().push(job); }\nnotify(&peer).await;',
  },
  query: `(call_expression
  function: (field_expression value: (_) @target field: (field_identifier) @method)
  arguments: (arguments) @args
  (#eq? @args "()")
  (#any-of? @method "lock" "read" "write" "borrow" "borrow_mut")) @match`,
  check(m, ctx) {
    const method = m.cap('method').text;
    if (method === 'borrow' || method === 'borrow_mut') return refCellHeld(ctx, m.node, m.cap('target'));
    const site = lockSiteOf(ctx, m.node);
    if (!site || site.awaited) return false;
    if (!inAsync(ctx, m.node)) return false;
    const target = m.cap('target');
    if (obviouslyNotLock(target)) return false;
    const lock = lockBinding(ctx, target, m.node);
    if (lock ? lock.flavor === 'tokio' : !site.unwrapped) return false;
    const held = heldByLet(ctx, site.full) ?? heldByStatement(ctx, site.full);
    if (!held) return false;
    const line = ctx.lines.position(held.await.startIndex).line;
    return {
      message: held.guard
        ? `guard \`${held.guard}\` of \`${target.text}\` is held across the \`.await\` at line ${line}`
        : `the temporary guard of \`${target.text}\` lives across the \`.await\` at line ${line} (end of statement)`,
    };
  },
});

/** `let b = cell.borrow_mut();` on a `RefCell` declared in this file, alive at a later `.await`. */
function refCellHeld(ctx: FileContext, call: Node, target: Node): false | { message: string; help: string } {
  if (!inAsync(ctx, call)) return false;
  if (!isRefCell(ctx, target, call)) return false;
  const held = heldByLet(ctx, call) ?? heldByStatement(ctx, call);
  if (!held) return false;
  const line = ctx.lines.position(held.await.startIndex).line;
  return {
    message: held.guard
      ? `\`RefCell\` borrow \`${held.guard}\` of \`${target.text}\` is held across the \`.await\` at line ${line}`
      : `a temporary \`RefCell\` borrow of \`${target.text}\` lives across the \`.await\` at line ${line}`,
    help: 'end the borrow before the `.await` (an inner block or `drop`): any other task touching the cell while this one is suspended panics with `BorrowMutError` (clippy::await_holding_refcell_ref)',
  };
}

/** Declared in this file as `RefCell<..>`, `Rc<RefCell<..>>`, `&RefCell<..>` or `RefCell::new(..)`/`Rc::new(RefCell::new(..))`. */
function isRefCell(ctx: FileContext, target: Node, at: Node): boolean {
  const d = declarationOf(ctx, target, at);
  if (!d) return false;
  const types = d.kind === 'field' ? d.types : d.type ? [d.type] : [];
  if (types.length > 0) return types.every((t) => refCellType(ctx, t));
  if (d.kind !== 'let' || !d.value) return false;
  const m = /^(?:(?:std::)?rc::)?(?:Rc::new\()?((?:(?:std::)?cell::)?RefCell)::new\(/.exec(d.value.text.replace(/\s+/g, ''));
  return m !== null && isStdRefCell(ctx, m[1]!, at);
}

function isStdRefCell(ctx: FileContext, name: string, at: Node): boolean {
  const r = resolvePath(ctx, name, at);
  return r.kind !== 'local' && r.kind !== 'glob' && normalize(r.path) === 'std::cell::RefCell';
}

function refCellType(ctx: FileContext, t: Node): boolean {
  let cur: Node | null = t;
  for (let i = 0; cur && i < 3; i++) {
    if (cur.type === 'reference_type') {
      cur = cur.childForFieldName('type');
      continue;
    }
    const head = typeHead(cur);
    if (!head) return false;
    if (isStdRefCell(ctx, head.text, head)) return true;
    if (!/(^|::)(Rc|Arc)$/.test(head.text) || typeArgs(cur).length !== 1) return false;
    cur = typeArgs(cur)[0]!;
  }
  return false;
}

/** The first `.await` in `n` in evaluation scope (not inside closures, async blocks or items). */
function firstAwait(n: Node, after = -1): Node | null {
  if (BOUNDARIES.has(n.type)) return null;
  if (n.type === 'await_expression' && n.startIndex >= after) {
    // the awaited operand runs first; an await inside it comes earlier
    const inner = n.namedChildren[0] ? firstAwait(n.namedChildren[0], after) : null;
    return inner ?? n;
  }
  for (const c of n.namedChildren) {
    if (!c || c.endIndex <= after) continue;
    const hit = firstAwait(c, after);
    if (hit) return hit;
  }
  return null;
}

function heldByLet(ctx: FileContext, acq: Node): { guard: string; await: Node } | null {
  const decl = ctx.parent(acq);
  if (decl?.type !== 'let_declaration' || decl.childForFieldName('value')?.id !== acq.id) return null;
  const pat = decl.childForFieldName('pattern');
  if (!pat || pat.type !== 'identifier') return null; // `let _ = ..` drops at once
  const name = pat.text;
  const block = decl.parent;
  if (!block || block.type !== 'block') return null;
  for (const s of block.namedChildren) {
    if (!s || s.startIndex < decl.endIndex || s.type.endsWith('comment')) continue;
    if (endsGuard(s, name)) return null;
    const a = firstAwait(s);
    if (a) return { guard: name, await: a };
    if (s.type === 'let_declaration' && s.childForFieldName('pattern')?.text === name) return null;
  }
  return null;
}

/** `drop(g)`, or `g` moved as a bare call argument or returned. */
function endsGuard(stmt: Node, name: string): boolean {
  for (const id of stmt.descendantsOfType('identifier')) {
    if (!id || id.text !== name) continue;
    const p = id.parent;
    if (p?.type === 'arguments') return true;
    if (p?.type === 'return_expression') return true;
  }
  return false;
}

function heldByStatement(ctx: FileContext, acq: Node): { guard: null; await: Node } | null {
  let stmt: Node | null = null;
  for (let cur: Node = acq, p = ctx.parent(acq); p; cur = p, p = ctx.parent(p)) {
    if (BOUNDARIES.has(p.type)) return null;
    if (p.type === 'block') {
      stmt = cur;
      break;
    }
    // a temporary inside a nested block's tail may drop early (edition 2024): stay conservative
    if (p.type === 'block_expression') return null;
  }
  if (!stmt || stmt.type === 'let_declaration' && stmt.childForFieldName('value')?.id === acq.id) return null;
  const a = firstAwait(stmt, acq.endIndex);
  return a ? { guard: null, await: a } : null;
}
