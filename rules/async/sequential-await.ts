import type { Node } from 'web-tree-sitter';
import { inAsync } from '../../src/engine/analysis/async.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule } from '../../src/engine/rule.js';
import { declarationOf, methodCall } from '../sync/shared.js';

/** Calls whose order is the point: sleeping, locking, channels, streams, transactions. */
const ORDERED = /^(sleep|sleep_until|timeout|lock|read|write|recv|send|acquire|acquire_owned|next|try_next|accept|flush|close|shutdown|commit|rollback|begin|wait|notified|join|changed|tick|yield_now|ready|readable|writable|connect|bind|login|authenticate|migrate|init|initialize|start|stop)$/;

export default defineRule({
  id: 'sequential-await',
  family: 'async',
  severity: 'warning',
  tier: 'report-only',
  clippy: null,
  message: 'independent futures are awaited one after the other',
  help: 'run them concurrently: `tokio::join!(f(..), g(..))` / `try_join!` for a fixed set, `futures::future::join_all` / `try_join_all` over a loop\'s items (`stream::iter(items).map(f).buffered(n)` to bound concurrency and keep order)',
  docs: `Two shapes, in async code (patterns.md F4):

(a) a \`for\` loop whose body awaits exactly one free-function call (\`fetch(url).await\`) that
mentions the loop variable, with no visible dependency between iterations: the body has no
\`break\`/\`return\`, and none of the call's arguments is assigned or mutably borrowed in the loop.
The calls run one at a time although nothing orders them.

(b) two consecutive statements \`let a = f(..).await;\` \`let b = g(..).await;\` (with or without
\`?\`) where \`g\`'s call does not mention \`a\`.

Not matched, because the order is usually the point: method calls on one receiver (a connection,
a transaction, \`self\`: often \`&mut\` and sequential by construction), calls named like ordered
operations (\`sleep\`, \`lock\`, \`recv\`, \`send\`, \`next\`, \`acquire\`, \`commit\`, \`connect\`, ...),
calls taking \`&mut\` arguments, two calls sharing a variable that is a \`&mut\` or \`mut\` binding
or named like a resource (\`conn\`, \`stream\`, \`client\`, \`tx\`, \`db\`, ...: its protocol orders the
calls), a method call in a loop (the receiver may be a single connection), and a call through a
closure or fn-pointer variable (an \`FnMut\` cannot run twice at once). Local closures and blocks
are not followed.

Fix: (a) \`join_all\`/\`try_join_all\` over \`items.iter().map(f)\`, or
\`stream::iter(items).map(f).buffered(n)\` to bound concurrency and keep order; (b)
\`tokio::join!\`/\`try_join!\`. Tier: report-only: side-effect order changes; \`?\` in a loop stops at
the first error while \`join_all\` runs everything (\`try_join_all\` cancels the rest); rate limits,
pools and transactions may need sequential calls; \`join!\` is concurrency on one task, not
parallelism.`,
  example: {
    before: 'let user = load_user(id).await?;\nlet prefs = load_prefs(id).await?;',
    after: 'let (user, prefs) = tokio::try_join!(load_user(id), load_prefs(id))?;',
  },
  query: `(await_expression (call_expression) @call) @match`,
  check(m, ctx) {
    if (!inAsync(ctx, m.node)) return false;
    const call = m.cap('call');
    return inLoop(ctx, m.node, call) || pair(ctx, m.node, call);
  },
});

interface Callee {
  name: string;
  /** Root identifier of a method receiver, or null for a free function. */
  root: string | null;
}

function calleeOf(call: Node): Callee | null {
  const f = call.childForFieldName('function');
  if (!f) return null;
  if (f.type === 'identifier') return { name: f.text, root: null };
  if (f.type === 'scoped_identifier') return { name: f.childForFieldName('name')?.text ?? '', root: null };
  const mc = methodCall(call);
  if (!mc) return null;
  let r: Node | null = mc.recv;
  while (r && (r.type === 'field_expression' || r.type === 'call_expression' || r.type === 'reference_expression')) {
    r = r.type === 'field_expression' ? r.childForFieldName('value') : r.type === 'call_expression' ? r.childForFieldName('function') : r.childForFieldName('value');
  }
  return { name: mc.name, root: r ? r.text : '?' };
}

function identifiersIn(n: Node): Set<string> {
  const out = new Set<string>();
  for (const id of n.descendantsOfType(['identifier', 'self'])) if (id) out.add(id.text);
  if (n.type === 'identifier') out.add(n.text);
  return out;
}

function takesMutRef(call: Node): boolean {
  return call.descendantsOfType('mutable_specifier').length > 0;
}

/** Shape (a). */
function inLoop(ctx: FileContext, awaitNode: Node, call: Node): false | { message: string } {
  const loop = ctx.closest(awaitNode, ['for_expression', 'while_expression', 'loop_expression', 'closure_expression', 'async_block', 'function_item']);
  if (!loop || loop.type !== 'for_expression') return false;
  const body = loop.childForFieldName('body');
  const pat = loop.childForFieldName('pattern');
  if (!body || !pat || !(awaitNode.startIndex >= body.startIndex && awaitNode.endIndex <= body.endIndex)) return false;
  const callee = calleeOf(call);
  if (!callee || callee.root !== null || ORDERED.test(callee.name) || takesMutRef(call)) return false;
  // a closure or fn pointer held in a variable (`routine(x).await` with `routine: FnMut`) cannot run concurrently
  const f = call.childForFieldName('function');
  if (f?.type === 'identifier' && declarationOf(ctx, f, call)) return false;
  const awaits = body.descendantsOfType('await_expression').filter((a) => a !== null && ctx.closest(a, ['closure_expression', 'async_block', 'for_expression'])?.id === loop.id);
  if (awaits.length !== 1) return false;
  if (body.descendantsOfType(['break_expression', 'return_expression']).length > 0) return false;
  const loopVars = identifiersIn(pat);
  const used = identifiersIn(call.childForFieldName('arguments')!);
  if (![...loopVars].some((v) => used.has(v))) return false;
  // a dependency between iterations: an argument assigned or mutably borrowed in the loop
  for (const a of body.descendantsOfType(['assignment_expression', 'compound_assignment_expr'])) {
    const left = a?.childForFieldName('left');
    if (left && [...identifiersIn(left)].some((v) => used.has(v) && !loopVars.has(v))) return false;
  }
  for (const r of body.descendantsOfType('reference_expression')) {
    if (r && r.children.some((c) => c?.type === 'mutable_specifier') && [...identifiersIn(r)].some((v) => used.has(v))) return false;
  }
  return { message: `each iteration awaits \`${callee.name}(..)\` before starting the next: the calls run one at a time` };
}

/** The `let` statement holding `awaitNode` as its value (`let a = f().await;` or with `?`). */
function letOf(ctx: FileContext, awaitNode: Node): Node | null {
  let v = ctx.parent(awaitNode);
  if (v?.type === 'try_expression') v = ctx.parent(v);
  if (v?.type !== 'let_declaration') return null;
  const value = v.childForFieldName('value');
  if (!value || (value.id !== awaitNode.id && value.namedChildren[0]?.id !== awaitNode.id)) return null;
  return v;
}

function awaitedCallOf(letNode: Node): Node | null {
  let v = letNode.childForFieldName('value');
  if (v?.type === 'try_expression') v = v.namedChildren[0] ?? null;
  if (v?.type !== 'await_expression') return null;
  const c = v.namedChildren[0];
  return c?.type === 'call_expression' ? c : null;
}

function independent(ctx: FileContext, first: Node, second: Node): boolean {
  const a = awaitedCallOf(first);
  const b = awaitedCallOf(second);
  if (!a || !b) return false;
  const ca = calleeOf(a);
  const cb = calleeOf(b);
  if (!ca || !cb || ORDERED.test(ca.name) || ORDERED.test(cb.name)) return false;
  if (ca.root === 'self' || cb.root === 'self' || (ca.root !== null && ca.root === cb.root)) return false;
  if (takesMutRef(a) || takesMutRef(b)) return false;
  const bound = identifiersIn(first.childForFieldName('pattern')!);
  const used = identifiersIn(b);
  if ([...bound].some((x) => used.has(x))) return false;
  // one resource passed to both (a connection, a stream, a `&mut` binding): its protocol orders them
  const inA = identifiersIn(a);
  for (const x of used) {
    if (!inA.has(x)) continue;
    if (RESOURCE.test(x)) return false;
    const d = declarationOf(ctx, identifierNode(b, x)!, second);
    if (d && d.kind !== 'field' && (isMutBinding(d.node) || (d.type !== null && d.type.type === 'reference_type' && d.type.text.replace(/\s+/g, '').startsWith('&mut')) || (d.type !== null && d.type.text.includes('&mut')))) return false;
  }
  return true;
}

const RESOURCE = /^(conn|connection|con|tx|txn|transaction|client|stream|socket|sock|db|database|session|reader|writer|rx|tx_|sender|receiver|sink|framed|io|pool|channel|chan|file|handle|ws|websocket)$/;

function identifierNode(n: Node, name: string): Node | null {
  return n.descendantsOfType('identifier').find((i) => i?.text === name) ?? null;
}

/** `let mut x` or a `mut x` parameter. */
function isMutBinding(decl: Node): boolean {
  return decl.children.some((c) => c?.type === 'mutable_specifier') || decl.childForFieldName('pattern')?.type === 'mut_pattern';
}

/** Shape (b): this let and the previous statement are independent awaited lets. */
function pair(ctx: FileContext, awaitNode: Node, _call: Node): false | { message: string } {
  const second = letOf(ctx, awaitNode);
  if (!second) return false;
  const first = prevStatement(second);
  if (!first || first.type !== 'let_declaration' || !independent(ctx, first, second)) return false;
  // a run of three independent lets is reported once, at its second statement
  const before = prevStatement(first);
  if (before && before.type === 'let_declaration' && independent(ctx, before, first)) return false;
  const name = first.childForFieldName('pattern')!.text;
  return { message: `this await does not depend on \`${name}\`, awaited just before: the two run one after the other` };
}

function prevStatement(n: Node): Node | null {
  for (let s = n.previousNamedSibling; s; s = s.previousNamedSibling) {
    if (s.type.endsWith('comment')) continue;
    return s;
  }
  return null;
}
