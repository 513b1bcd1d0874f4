import type { Node } from 'web-tree-sitter';
import { resolvePath, normalize } from '../../src/engine/analysis/paths.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule } from '../../src/engine/rule.js';
import { exprKey, lockBinding, lockSiteOf, loopAround, methodCall, obviouslyNotLock } from './shared.js';

export default defineRule({
  id: 'lock-in-loop',
  aliases: ['lock-granularity'],
  family: 'sync',
  severity: 'warning',
  tier: 'report-only',
  clippy: 'clippy::significant_drop_tightening',
  message: 'the lock is taken once per item',
  help: 'lock once around the loop, or collect the items first and take the lock once to apply them all (this holds the lock longer: check that other threads can wait)',
  docs: `Two shapes of coarse or repeated locking (alias \`lock-granularity\`, patterns.md E4):

(a) \`m.lock()\` (or \`.read()\`/\`.write()\`) inside a \`for\` loop body, on a lock declared outside
the loop: every item pays an acquire/release pair (two atomic read-modify-writes, a syscall under
contention) and other threads interleave between items. Fix: take the guard once before the loop,
or compute into a local buffer and apply it under one lock. \`while\`/\`loop\` bodies are not
reported: worker and polling loops lock per iteration on purpose so as not to hold the lock while
working. A lock chosen per item (\`for s in &shards { s.lock() }\`, or declared in the loop) is not
reported.

(c) \`m.lock()\` inside a \`match\` arm or an \`if let\`/\`while let\` body whose scrutinee locks the
same \`m\` (\`match m.lock().unwrap().get(k) { None => { m.lock().unwrap().insert(..) } .. }\`): the
scrutinee's guard lives through the whole construct (in every edition for \`match\` and the \`if let\`
body), so the second lock deadlocks. Fix: copy the value out first
(\`let v = m.lock().unwrap().get(k).cloned();\`).

(b) \`let g = m.lock()…;\` then, after the last use of \`g\` and before the block ends, slow work:
\`thread::sleep\`, \`std::fs\` calls, blocking reads/writes/\`flush\`, \`recv()\`, \`join()\`, a
\`Command\`'s \`output()\`/\`status()\`, or printing. The guard lives until the end of the block, so
everyone else waits for that work too. Fix: end the guard early with \`drop(g)\` or an inner block.
A guard that is never used after it is bound is a deliberate critical section and is not reported.

Only locks this file declares are considered (a \`let\` with a lock type or \`Mutex::new\`, a
parameter, a static, a struct field whose type is a std, parking_lot or tokio \`Mutex\`/\`RwLock\`);
\`stdout().lock()\` and unknown receivers are not locks.

Tier: report-only. Hold times and lock order change; a body that takes other locks can deadlock.`,
  example: {
    before: 'for ev in events { stats.lock().unwrap().record(ev); }',
    after: 'let mut s = stats.lock().unwrap();\nfor ev in events { s.record(ev); }',
  },
  query: `(call_expression
  function: (field_expression value: (_) @target field: (field_identifier) @method)
  arguments: (arguments) @args
  (#eq? @args "()")
  (#any-of? @method "lock" "read" "write")) @match`,
  check(m, ctx) {
    const site = lockSiteOf(ctx, m.node);
    if (!site) return false;
    const target = m.cap('target');
    if (obviouslyNotLock(target)) return false;
    const lock = lockBinding(ctx, target, m.node);
    if (!lock) return false;
    const relock = relockInScrutinee(ctx, m.node, target, lock.flavor);
    if (relock) return relock;
    const loop = loopAround(ctx, m.node);
    if (loop && loop.type === 'for_expression' && !declaredIn(loop, rootIdent(target))) {
      return { message: `\`${target.text}\` is locked once per item of this \`for\` loop` };
    }
    return heldAcrossSlowWork(ctx, site.full);
  },
});

/**
 * Shape (c): this lock call sits in a `match` arm or an `if let`/`while let` body whose scrutinee
 * holds a temporary guard of the same lock: the scrutinee's temporaries live through the whole
 * construct, so the second acquisition deadlocks (std) or panics.
 */
function relockInScrutinee(ctx: FileContext, call: Node, target: Node, flavor: string): false | { message: string; help: string } {
  if (flavor === 'tokio') return false;
  const key = exprKey(target);
  let child: Node = call;
  for (const a of ctx.ancestors(call)) {
    if (a.type === 'function_item' || a.type === 'closure_expression' || a.type === 'async_block') return false;
    let scrutinee: Node | null = null;
    let body: Node | null = null;
    if (a.type === 'match_expression') {
      scrutinee = a.childForFieldName('value');
      body = a.childForFieldName('body');
    } else if ((a.type === 'if_expression' || a.type === 'while_expression') && a.childForFieldName('condition')?.type === 'let_condition') {
      scrutinee = a.childForFieldName('condition')!.childForFieldName('value');
      body = a.childForFieldName('consequence') ?? a.childForFieldName('body');
    }
    if (scrutinee && body && body.startIndex <= child.startIndex && child.endIndex <= body.endIndex) {
      for (const c of [scrutinee, ...scrutinee.descendantsOfType('call_expression')]) {
        if (!c || c.type !== 'call_expression') continue;
        const site = lockSiteOf(ctx, c);
        if (!site || exprKey(site.target) !== key) continue;
        const line = ctx.lines.position(c.startIndex).line;
        return {
          message: `\`${target.text}\` is locked again while the guard from the ${a.type === 'match_expression' ? '`match`' : '`if let`/`while let`'} scrutinee at line ${line} is still alive: this deadlocks`,
          help: 'copy the value out of the lock before matching (`let v = m.lock().unwrap().get(k).cloned();`), then lock again inside',
        };
      }
    }
    child = a;
  }
  return false;
}

/** The root identifier of `a.b.c` (or `self`). */
function rootIdent(n: Node): string | null {
  let cur: Node | null = n;
  while (cur && cur.type === 'field_expression') cur = cur.childForFieldName('value');
  return cur && (cur.type === 'identifier' || cur.type === 'self') ? cur.text : null;
}

/** `name` is bound by the loop's pattern or by a `let` inside its body. */
function declaredIn(loop: Node, name: string | null): boolean {
  if (!name) return true;
  const pat = loop.childForFieldName('pattern');
  if (pat && pat.descendantsOfType('identifier').some((i) => i?.text === name)) return true;
  const body = loop.childForFieldName('body');
  for (const l of body?.descendantsOfType('let_declaration') ?? []) {
    const p = l?.childForFieldName('pattern');
    if (p && (p.text === name || p.descendantsOfType('identifier').some((i) => i?.text === name))) return true;
  }
  return false;
}

/** Shape (b): `let g = <acq>;` whose guard outlives its last use across slow work. */
function heldAcrossSlowWork(ctx: FileContext, acq: Node): false | { message: string; help: string; node: Node } {
  const decl = ctx.parent(acq);
  if (decl?.type !== 'let_declaration' || decl.childForFieldName('value')?.id !== acq.id) return false;
  const pat = decl.childForFieldName('pattern');
  if (pat?.type !== 'identifier' || pat.text === '_') return false;
  const block = decl.parent;
  if (block?.type !== 'block') return false;
  const after = block.namedChildren.filter((c): c is Node => c !== null && c.startIndex >= decl.endIndex && !c.type.endsWith('comment'));
  let lastUse = -1;
  after.forEach((s, i) => {
    if (mentions(s, pat.text)) lastUse = i;
  });
  if (lastUse < 0) return false; // a deliberate critical section
  if (isDrop(after[lastUse]!, pat.text)) return false; // ended explicitly
  for (const s of after.slice(lastUse + 1)) {
    if (s.type === 'let_declaration' && s.childForFieldName('pattern')?.text === pat.text) break; // shadowed
    const slow = slowWork(ctx, s);
    if (slow) {
      const line = ctx.lines.position(slow.startIndex).line;
      return {
        node: pat,
        message: `guard \`${pat.text}\` is still held during slow work at line ${line} (\`${slow.text.split('\n')[0]!.slice(0, 40)}\`)`,
        help: `end the guard after its last use: \`drop(${pat.text});\` or an inner block, so other threads do not wait for this work`,
      };
    }
  }
  return false;
}

/** `drop(g);` / `std::mem::drop(g);` */
function isDrop(stmt: Node, name: string): boolean {
  const t = stmt.text.replace(/\s+/g, '');
  return new RegExp(`^(std::mem::|mem::|core::mem::)?drop\\(${name}\\);?$`).test(t);
}

/** Any mention of `name` in a statement: identifiers, macro tokens and format-string captures. */
function mentions(stmt: Node, name: string): boolean {
  if (stmt.descendantsOfType('identifier').some((i) => i?.text === name)) return true;
  const re = new RegExp(`\\{${name}[}:]`);
  return stmt.descendantsOfType('string_literal').some((s) => s !== null && re.test(s.text));
}

const SLOW_METHODS = new Set(['read_to_string', 'read_to_end', 'read_line', 'read_exact', 'write_all', 'flush', 'sync_all', 'sync_data']);
const SLOW_ZERO_ARG = new Set(['recv', 'join']);
const PRINT_MACROS = new Set(['println', 'print', 'eprintln', 'eprint']);

/** The first slow operation in a statement (not inside a closure, which may never run), or null. */
function slowWork(ctx: FileContext, stmt: Node): Node | null {
  const visit = (n: Node): Node | null => {
    if (n.type === 'closure_expression' || n.type === 'function_item' || n.type === 'async_block') return null;
    if (n.type === 'macro_invocation') {
      const name = n.childForFieldName('macro')?.text ?? '';
      if (PRINT_MACROS.has(name)) return n;
    }
    if (n.type === 'call_expression') {
      const f = n.childForFieldName('function');
      if (f && (f.type === 'identifier' || f.type === 'scoped_identifier')) {
        const p = normalize(resolvePath(ctx, f.text, n).path);
        if (p === 'std::thread::sleep' || p.startsWith('std::fs::')) {
          const r = resolvePath(ctx, f.text, n);
          if (r.kind !== 'local' && r.kind !== 'glob') return n;
        }
      }
      const mc = methodCall(n);
      if (mc) {
        if (SLOW_METHODS.has(mc.name)) return n;
        if (SLOW_ZERO_ARG.has(mc.name) && mc.args.namedChildCount === 0) return n;
        if ((mc.name === 'output' || mc.name === 'status') && mc.args.namedChildCount === 0 && /\bCommand::new\b/.test(mc.recv.text)) return n;
      }
    }
    for (const c of n.namedChildren) {
      if (!c) continue;
      const hit = visit(c);
      if (hit) return hit;
    }
    return null;
  };
  return visit(stmt);
}
