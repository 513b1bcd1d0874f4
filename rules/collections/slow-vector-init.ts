import type { Node } from 'web-tree-sitter';
import {
  exclusiveRange,
  forLoopOf,
  isPureExpr,
  mentions,
  methodCall,
  methodCallStatement,
  nextStatement,
  patternBindings,
  previousStatement,
  singleStatementBody,
  statementExpression,
} from '../../src/engine/analysis/loops.js';
import type { FileContext } from '../../src/engine/context.js';
import { userDefinedMacroNames } from '../../src/engine/macros.js';
import { defineRule, type Edit } from '../../src/engine/rule.js';
import { hasCommentIn, insideFnNamed, letBinding, pathTypeName, visibleSeqKind } from './shared.js';
import { mutatedAfter } from './vec-init-then-push.js';

const norm = (s: string) => s.replace(/\s+/g, '');

interface Plan {
  name: string;
  edits: Edit[] | null;
  form: string;
}

/** `let mut v = Vec::new()` / `Vec::with_capacity(c)`: the binding, and `c` when written. */
function emptyVecLet(stmt: Node | null): { name: string; let: Node; value: Node; capacity: Node | null } | null {
  if (!stmt || stmt.type !== 'let_declaration') return null;
  const b = letBinding(stmt);
  if (!b || !b.mutable || !b.value || b.value.type !== 'call_expression') return null;
  const fn = b.value.childForFieldName('function');
  const args = b.value.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null) ?? [];
  if (!fn || fn.type !== 'scoped_identifier' || pathTypeName(fn.childForFieldName('path')!) !== 'Vec') return null;
  if (fn.childForFieldName('path')!.type === 'generic_type' && !b.type) return null; // Vec::<u8>: element type would be lost
  const ctor = fn.childForFieldName('name')?.text;
  if (ctor === 'new' && args.length === 0) return { name: b.name, let: stmt, value: b.value, capacity: null };
  if (ctor === 'with_capacity' && args.length === 1) return { name: b.name, let: stmt, value: b.value, capacity: args[0]! };
  return null;
}

/** A value that `vec![x; n]` may clone in place of evaluating it per push: a literal, or a binding. */
function repeatable(x: Node): boolean {
  if (x.type.endsWith('_literal')) return !x.text.startsWith('"') && x.type !== 'string_literal' && x.type !== 'raw_string_literal';
  if (x.type === 'unary_expression' && x.text.startsWith('-')) return x.namedChildren[0]?.type.endsWith('_literal') ?? false;
  return x.type === 'identifier';
}

/** `std::iter::repeat(x).take(n)`: [x, n]. */
function repeatTake(n: Node): [Node, Node] | null {
  const take = methodCall(n);
  if (!take || take.method !== 'take' || take.args.length !== 1) return null;
  const rep = take.receiver;
  if (rep.type !== 'call_expression') return null;
  const fn = rep.childForFieldName('function');
  if (!fn || !/(^|::)repeat$/.test(norm(fn.text))) return null;
  const a = rep.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null) ?? [];
  return a.length === 1 ? [a[0]!, take.args[0]!] : null;
}

/** Removes `mut` from the `let` when nothing after `last` may mutate `v` (avoids an unused_mut warning). */
function dropMut(letDecl: Node, last: Node, v: string): Edit[] {
  if (mutatedAfter(last, v)) return [];
  const mutSpec = letDecl.children.find((c) => c?.type === 'mutable_specifier');
  const next = mutSpec?.nextSibling;
  return mutSpec && next ? [{ start: mutSpec.startIndex, end: next.startIndex, text: '' }] : [];
}

function vecText(x: Node, n: Node): string {
  return `vec![${x.text}; ${n.text}]`;
}

/** (a) `let mut v = Vec::with_capacity(n); v.resize(n, 0);` (or `extend(repeat(0).take(n))`). */
function planResize(stmt: Node, ctx: FileContext): Plan | null {
  const call = methodCallStatement(stmt, ['resize', 'extend']);
  if (!call) return null;
  const init = emptyVecLet(previousStatement(stmt));
  if (!init || init.name !== call.receiverName) return null;
  let x: Node;
  let n: Node;
  if (call.method === 'resize' && call.args.length === 2) [n, x] = [call.args[0]!, call.args[1]!];
  else if (call.method === 'extend' && call.args.length === 1) {
    const rt = repeatTake(call.args[0]!);
    if (!rt) return null;
    [x, n] = rt;
  } else return null;
  if (!x.type.endsWith('_literal') && !(x.type === 'unary_expression' && repeatable(x))) return null;
  if (x.type === 'string_literal' || x.type === 'raw_string_literal') return null;
  if (!isPureExpr(n) || mentions(n, init.name)) return null;
  // spare capacity is deliberate: `with_capacity(2 * n)` then `resize(n, 0)`
  if (init.capacity && norm(init.capacity.text) !== norm(n.text)) return null;
  const lost = hasCommentIn(ctx.tree.rootNode, init.let.startIndex, stmt.endIndex) || userDefinedMacroNames(ctx.source).has('vec');
  return {
    name: init.name,
    form: call.method === 'resize' ? '`resize`' : '`extend(repeat(..).take(..))`',
    edits: lost ? null : [
      { start: init.value.startIndex, end: init.value.endIndex, text: vecText(x, n) },
      { start: init.let.endIndex, end: stmt.endIndex, text: '' },
      ...dropMut(init.let, stmt, init.name),
    ],
  };
}

/** (b) `for _ in 0..n { v.push(x); }` with `x` the same value every time. */
export function planPushLoop(loop: Node, ctx: FileContext): Plan | null {
  if (loop.type !== 'for_expression' || loop.tree !== ctx.tree) return null;
  const range = exclusiveRange(loop.childForFieldName('value')!);
  if (!range || range.start.text !== '0' || !isPureExpr(range.end)) return null;
  const pattern = loop.childForFieldName('pattern')!;
  const bound = patternBindings(pattern);
  const stmt = singleStatementBody(loop);
  const call = stmt ? methodCallStatement(stmt, ['push']) : null;
  if (!call || call.args.length !== 1) return null;
  const x = call.args[0]!;
  const v = call.receiverName;
  if (!repeatable(x) || bound.some((b) => mentions(x, b)) || mentions(x, v) || mentions(range.end, v) || bound.includes(v)) return null;
  if (bound.some((b) => mentions(range.end, b))) return null;
  const loopStmt = loop.parent?.type === 'expression_statement' ? loop.parent : loop;
  if (loopStmt.parent?.type !== 'block') return null;
  const n = range.end;
  const lost = hasCommentIn(ctx.tree.rootNode, loop.startIndex, loop.endIndex) || userDefinedMacroNames(ctx.source).has('vec');
  const init = emptyVecLet(previousStatement(loopStmt));
  if (init && init.name === v && (!init.capacity || norm(init.capacity.text) === norm(n.text))) {
    const lostInit = lost || hasCommentIn(ctx.tree.rootNode, init.let.endIndex, loopStmt.startIndex);
    const edits: Edit[] = [
      { start: init.value.startIndex, end: init.value.endIndex, text: vecText(x, n) },
      { start: init.let.endIndex, end: loopStmt.endIndex, text: '' },
      ...dropMut(init.let, loopStmt, v),
    ];
    return { name: v, form: 'a push loop', edits: lostInit ? null : edits };
  }
  // without a visible `Vec`, `v` may be a `String` (`push('=')`), which has no `resize`
  if (visibleSeqKind(ctx, call.receiver) !== 'vec') return null;
  return {
    name: v,
    form: 'a push loop',
    edits: lost ? null : [{ start: loop.startIndex, end: loop.endIndex, text: `${v}.resize(${v}.len() + ${n.text}, ${x.text});` }],
  };
}

function plan(node: Node, ctx: FileContext): Plan | null {
  if (insideFnNamed(ctx, node, ['resize', 'extend', 'from_elem'])) return null;
  if (node.type === 'for_expression') return planPushLoop(node, ctx);
  const stmt = node.parent;
  if (node.tree !== ctx.tree || stmt?.type !== 'expression_statement' || statementExpression(stmt)?.id !== node.id) return null;
  return planResize(stmt, ctx);
}

export default defineRule({
  id: 'slow-vector-init',
  family: 'collections',
  severity: 'warning',
  tier: 'verify',
  clippy: 'clippy::slow_vector_initialization',
  aliases: ['same-item-push'],
  message: 'a Vec is filled with one repeated value step by step',
  help: 'build it with `vec![x; n]`',
  docs: `\`let mut v = Vec::with_capacity(n); v.resize(n, 0);\` writes the zeros one by one after allocating;
\`vec![0; n]\` asks the allocator for zeroed memory (\`calloc\`, often free pages from the OS), and for
other values fills in one pass. \`for _ in 0..n { v.push(x) }\` additionally checks the capacity on every
push.

Matched: (a) \`let mut v = Vec::new()\` or \`Vec::with_capacity(n)\` directly followed by \`v.resize(n, x)\` or
\`v.extend(repeat(x).take(n))\`, \`x\` a literal, with the same side-effect-free \`n\`; (b) \`for _ in 0..n
{ v.push(x); }\` whose whole body is the push, with \`x\` a literal or a binding the loop does not
change.

Fix: (a) \`let mut v = vec![x; n];\`; (b) \`vec![x; n]\` when the loop directly follows an empty \`let\`
(dropping \`mut\` when nothing later mutates \`v\`), else \`v.resize(v.len() + n, x);\`.

When not: spare capacity is deliberate (\`with_capacity(2 * n)\` then \`resize(n, 0)\`); items that
differ between iterations or have side effects; \`vec![Vec::with_capacity(k); n]\` (clones lose the
capacity) and \`vec![Rc::new(x); n]\` (all elements would share one allocation) are never produced,
since only literals and plain bindings are repeated. Tier verify: a repeated binding must be \`Clone\`
(it is \`Copy\` if the loop compiled), and \`v\` may not be a \`Vec\` (\`resize\` missing, caught). Clippy:
\`clippy::slow_vector_initialization\` (perf), \`clippy::same_item_push\` (style).`,
  example: {
    before: 'let mut buf = Vec::with_capacity(len);\nbuf.resize(len, 0u8);',
    after: 'let mut buf = vec![0u8; len];',
  },
  query: `(call_expression
  function: (field_expression field: (field_identifier) @grow)
  (#any-of? @grow "resize" "extend")) @match
(for_expression
  body: (block
    [(expression_statement (call_expression function: (field_expression field: (field_identifier) @push)))
     (call_expression function: (field_expression field: (field_identifier) @push))])
  (#eq? @push "push")) @match`,
  check(m, ctx) {
    const p = plan(m.node, ctx);
    if (!p) return false;
    return { message: `\`${p.name}\` is filled with one repeated value by ${p.form}` };
  },
  fix(m, ctx) {
    return plan(m.node, ctx)?.edits ?? null;
  },
});
