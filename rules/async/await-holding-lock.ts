import type { Node } from 'web-tree-sitter';
import { inAsync } from '../../src/engine/analysis/async.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule } from '../../src/engine/rule.js';
import { lockBinding, lockSiteOf, obviouslyNotLock } from '../sync/shared.js';

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
  (#any-of? @method "lock" "read" "write")) @match`,
  check(m, ctx) {
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
