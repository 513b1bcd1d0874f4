import type { Node } from 'web-tree-sitter';
import { normalize, resolvePath } from '../../src/engine/analysis/paths.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule } from '../../src/engine/rule.js';
import { declarationOf, loopAround, methodCall, typeArgs, typeHead } from './shared.js';

export default defineRule({
  id: 'rc-refcell-in-loop',
  family: 'sync',
  requires: [['for']], // check(): a `for` loop around
  severity: 'warning',
  tier: 'report-only',
  clippy: null,
  message: '`Rc<RefCell<..>>` churn inside a loop',
  help: 'borrow once before the loop (`let mut v = cell.borrow_mut();`) and use `v` inside it; drop per-iteration `Rc` clones that are only borrowed',
  docs: `Matched, inside a \`for\` loop body, on a binding declared outside the loop whose declaration in
this file shows it is an \`Rc<RefCell<T>>\` (a typed \`let\`, parameter, static or struct field, or
\`let x = Rc::new(RefCell::new(..))\` / a clone of such a binding):

(a) a clone of the \`Rc\` that is only borrowed: \`x.clone().borrow_mut()\`, or
\`let y = Rc::clone(&x);\` whose every use in the loop is \`y.borrow()\`/\`y.borrow_mut()\`. Each
iteration increments and decrements the reference count and runs the drop check for nothing: \`x\`
itself can be borrowed.

(b) \`x.borrow_mut()\` / \`x.borrow()\` used as a temporary in a loop body that calls no free
function and no method on \`self\`. Each iteration checks and sets the borrow flag, keeps a panic
path (\`BorrowMutError\`), and writes the flag back when the \`RefMut\` drops, which also stops the
optimiser from keeping the contents in registers across iterations. Borrowing once before the loop
does the check once.

When it is not slow or not wrong: short loops; and a loop body that (directly or through a callback)
borrows the same cell again would panic with one long borrow: that is why (b) is not reported when
the body calls free functions or methods on \`self\`, which might re-enter. \`while\`/\`loop\` bodies
are not reported (event loops borrow per event on purpose).

Tier: report-only: a longer borrow changes when \`BorrowMutError\` can happen.`,
  example: {
    before: 'for x in xs { let c = Rc::clone(&cell); c.borrow_mut().push(x); }',
    after: 'let mut v = cell.borrow_mut();\nfor x in xs { v.push(x); }',
  },
  query: `(call_expression
  function: (field_expression value: (_) @target field: (field_identifier) @method)
  arguments: (arguments) @args
  (#eq? @args "()")
  (#any-of? @method "borrow_mut" "borrow")) @match`,
  check(m, ctx) {
    const mc = methodCall(m.node);
    if (!mc || mc.args.namedChildCount > 0) return false;
    const loop = loopAround(ctx, m.node);
    if (!loop || loop.type !== 'for_expression') return false;
    const body = loop.childForFieldName('body')!;
    let target = m.cap('target');
    // (a) `x.clone().borrow_mut()`
    const clone = methodCall(target);
    if (clone && clone.name === 'clone' && clone.args.namedChildCount === 0 && isRcRefCell(ctx, clone.recv, m.node, loop)) {
      return { node: target, message: `\`${clone.recv.text}\` is cloned every iteration only to be borrowed`, help: `borrow \`${clone.recv.text}\` directly; the \`Rc\` clone and its drop do nothing here` };
    }
    if (target.type !== 'identifier') {
      if (target.type !== 'field_expression') return false;
    }
    // (a) `let y = Rc::clone(&x);` in the loop, only borrowed
    if (target.type === 'identifier') {
      const d = declarationOf(ctx, target, m.node);
      if (d && d.kind === 'let' && inside(d.node, body)) {
        const src = cloneSource(d.value);
        if (!src || !isRcRefCell(ctx, src, d.node, loop)) return false;
        if (!onlyBorrowed(d.node, target.text)) return false;
        // report once, at the first borrow
        if (firstUse(d.node, target.text)?.id !== target.id) return false;
        return { node: d.value!, message: `\`${src.text}\` is cloned every iteration only to be borrowed`, help: `borrow \`${src.text}\` directly; the \`Rc\` clone and its drop do nothing here` };
      }
    }
    // (b) a temporary borrow per iteration
    if (!isRcRefCell(ctx, target, m.node, loop)) return false;
    const parent = ctx.parent(m.node);
    if (parent?.type === 'let_declaration') return false; // a named borrow: the user scoped it
    if (mayReenter(body)) return false;
    target = m.cap('target');
    return { message: `\`${target.text}\` is borrowed once per item of this \`for\` loop` };
  },
});

function inside(n: Node, outer: Node): boolean {
  return n.tree === outer.tree && n.startIndex >= outer.startIndex && n.endIndex <= outer.endIndex;
}

/** `Rc::clone(&x)` / `x.clone()` → `x`. */
function cloneSource(v: Node | null): Node | null {
  if (!v || v.type !== 'call_expression') return null;
  const mc = methodCall(v);
  if (mc) return mc.name === 'clone' && mc.args.namedChildCount === 0 ? mc.recv : null;
  const f = v.childForFieldName('function');
  if (f?.type !== 'scoped_identifier' || !/^(std::rc::)?Rc::clone$/.test(f.text.replace(/\s+/g, ''))) return null;
  const args = v.childForFieldName('arguments')?.namedChildren ?? [];
  const a = args.length === 1 ? args[0] : null;
  return a?.type === 'reference_expression' ? a.childForFieldName('value') : null;
}

/** Every later use of `name` in the let's block is the receiver of `.borrow()`/`.borrow_mut()`. */
function onlyBorrowed(decl: Node, name: string): boolean {
  const block = decl.parent;
  if (!block) return false;
  let uses = 0;
  for (const id of block.descendantsOfType('identifier')) {
    if (!id || id.text !== name || id.startIndex < decl.endIndex) continue;
    const fe = id.parent;
    const call = fe?.parent;
    if (fe?.type !== 'field_expression' || fe.childForFieldName('value')?.id !== id.id || call?.type !== 'call_expression') return false;
    const field = fe.childForFieldName('field')?.text;
    if (field !== 'borrow' && field !== 'borrow_mut') return false;
    uses++;
  }
  // tokens of macros (`println!("{}", y.borrow())`) are not identifiers in a call: stay conservative
  if (block.descendantsOfType('token_tree').some((t) => t !== null && t.startIndex > decl.endIndex && new RegExp(`\\b${name}\\b`).test(t.text))) return false;
  return uses > 0;
}

function firstUse(decl: Node, name: string): Node | null {
  for (const id of decl.parent?.descendantsOfType('identifier') ?? []) {
    if (id && id.text === name && id.startIndex >= decl.endIndex) return id;
  }
  return null;
}

/** Declared outside `loop` as an `Rc<RefCell<..>>` (by type, or `Rc::new(RefCell::new(..))`, or a clone of one). */
function isRcRefCell(ctx: FileContext, target: Node, at: Node, loop: Node, depth = 0): boolean {
  if (depth > 4) return false;
  const d = declarationOf(ctx, target, at);
  if (!d) return false;
  if (d.kind === 'field') return d.types.every((t) => rcRefCellType(ctx, t));
  if (inside(d.node, loop)) return false;
  if (d.type) return rcRefCellType(ctx, d.type);
  if (d.kind !== 'let' || !d.value) return false;
  const v = d.value;
  const src = cloneSource(v);
  if (src) return isRcRefCell(ctx, src, d.node, loop, depth + 1);
  // Rc::new(RefCell::new(..))
  const m = /^(?:std::rc::)?Rc::new\(\s*(?:std::cell::)?RefCell::new\(/.exec(v.text);
  if (!m) return false;
  const rc = resolvePath(ctx, 'Rc', v);
  const cell = resolvePath(ctx, 'RefCell', v);
  const ok = (r: typeof rc, p: string) => r.kind !== 'local' && (normalize(r.path) === p || v.text.includes(p));
  return ok(rc, 'std::rc::Rc') && ok(cell, 'std::cell::RefCell');
}

function rcRefCellType(ctx: FileContext, t: Node): boolean {
  let ty = t;
  if (ty.type === 'reference_type') ty = ty.childForFieldName('type') ?? ty;
  const head = typeHead(ty);
  const inner = typeArgs(ty)[0];
  const innerHead = inner ? typeHead(inner) : null;
  if (!head || !innerHead || typeArgs(ty).length !== 1) return false;
  const rc = resolvePath(ctx, head.text, head);
  const cell = resolvePath(ctx, innerHead.text, innerHead);
  return rc.kind !== 'local' && normalize(rc.path) === 'std::rc::Rc' && cell.kind !== 'local' && normalize(cell.path) === 'std::cell::RefCell';
}

const PURE_ASSOC = /(^|::)(new|from|with_capacity|default|Some|Ok|Err)$/;

/** The loop body calls something that might borrow the cell again: a free fn or a method on `self`. */
function mayReenter(body: Node): boolean {
  for (const call of body.descendantsOfType('call_expression')) {
    if (!call) continue;
    const f = call.childForFieldName('function');
    if (!f) continue;
    if (f.type === 'identifier' || f.type === 'scoped_identifier') {
      if (/^[A-Z]/.test(f.text) && f.type === 'identifier') continue; // tuple struct / variant
      if (PURE_ASSOC.test(f.text)) continue;
      return true;
    }
    const mc = methodCall(call);
    if (mc && mc.recv.type === 'self') return true;
  }
  return body.descendantsOfType('macro_invocation').some((m) => m !== null && !/^(println|print|eprintln|eprint|format|write|writeln|vec|assert|assert_eq|debug_assert)$/.test(m.childForFieldName('macro')?.text ?? ''));
}
