import type { Node } from 'web-tree-sitter';
import { mentions, methodCallStatement, nextStatement } from '../../src/engine/analysis/loops.js';
import type { FileContext } from '../../src/engine/context.js';
import { userDefinedMacroNames } from '../../src/engine/macros.js';
import { defineRule } from '../../src/engine/rule.js';
import { letBinding, pathTypeName } from './shared.js';

/** Methods that only read a Vec (or a slice): calling them does not need `let mut`. */
const READ_ONLY_METHODS = new Set([
  'len', 'is_empty', 'iter', 'first', 'last', 'get', 'contains', 'join', 'concat', 'clone', 'to_vec',
  'as_slice', 'into_iter', 'starts_with', 'ends_with', 'capacity', 'binary_search', 'windows', 'chunks',
  'into_boxed_slice', 'eq', 'ne', 'to_owned', 'as_ptr', 'split_first', 'split_last', 'is_sorted',
]);

interface Plan {
  letDecl: Node;
  name: string;
  pushes: Node[];
  items: Node[];
  keepMut: boolean;
  text: string | null;
}

function indentOf(ctx: FileContext, node: Node): string {
  const lineStart = ctx.source.lastIndexOf('\n', node.startIndex - 1) + 1;
  return /^[ \t]*/.exec(ctx.source.slice(lineStart, node.startIndex))![0];
}

/** True when a later mention of `v` may need `let mut` (conservative). */
function mentionNeedsMut(id: Node): boolean {
  const p = id.parent;
  if (!p) return true;
  switch (p.type) {
    case 'field_expression': {
      if (p.childForFieldName('value')?.id !== id.id) return true;
      const call = p.parent;
      const field = p.childForFieldName('field');
      if (call?.type === 'call_expression' && call.childForFieldName('function')?.id === p.id && field) return !READ_ONLY_METHODS.has(field.text);
      return true;
    }
    case 'reference_expression':
      return p.children.some((c) => c?.type === 'mutable_specifier');
    case 'arguments':
    case 'return_expression':
    case 'let_declaration':
    case 'binary_expression':
    case 'expression_statement':
    case 'for_expression':
      return p.type === 'let_declaration' ? p.childForFieldName('value')?.id !== id.id : false;
    case 'block':
      return false; // tail expression: moved out
    case 'token_tree': {
      // a macro argument: `println!("{:?}", v)` only reads; `m!(v.push(1))`, `m!(&mut v)`, `m!(v[0] = 1)` may not
      const next = id.nextSibling;
      const prev = id.previousSibling;
      if (next?.type === '.') {
        const method = next.nextSibling;
        const args = method?.nextSibling;
        return !(method?.type === 'identifier' && READ_ONLY_METHODS.has(method.text) && args?.type === 'token_tree' && args.text.startsWith('('));
      }
      return next?.type === 'token_tree' || prev?.type === 'mut' || prev?.text === 'mut';
    }
    default:
      return true;
  }
}

/** True when a statement after `stmt` in its block may mutate `v` (so `let mut v` must stay). */
export function mutatedAfter(stmt: Node, v: string): boolean {
  for (let s = nextStatement(stmt); s; s = nextStatement(s)) {
    for (const id of [s, ...s.descendantsOfType('identifier')]) {
      if (id && id.type === 'identifier' && id.text === v && mentionNeedsMut(id)) return true;
    }
  }
  return false;
}

function planInitThenPush(letDecl: Node, ctx: FileContext): Plan | null {
  if (letDecl.tree !== ctx.tree || letDecl.parent?.type !== 'block') return null;
  const b = letBinding(letDecl);
  if (!b || !b.mutable || !b.value || b.value.type !== 'call_expression') return null;
  const fn = b.value.childForFieldName('function');
  const args = b.value.childForFieldName('arguments');
  if (!fn || fn.type !== 'scoped_identifier' || !args) return null;
  const path = fn.childForFieldName('path');
  const ctor = fn.childForFieldName('name')?.text;
  if (!path || pathTypeName(path) !== 'Vec') return null;
  const argList = args.namedChildren.filter((a): a is Node => a !== null);
  let capacity: number | null = null;
  if (ctor === 'new' || ctor === 'default') {
    if (argList.length !== 0) return null;
  } else if (ctor === 'with_capacity') {
    if (argList.length !== 1 || argList[0]!.type !== 'integer_literal') return null;
    capacity = Number.parseInt(argList[0]!.text.replace(/_/g, '').replace(/[a-z]+$/, ''), 10);
    if (!Number.isFinite(capacity)) return null;
  } else return null;
  const v = b.name;
  const pushes: Node[] = [];
  const items: Node[] = [];
  for (let s = nextStatement(letDecl); s; s = nextStatement(s)) {
    const call = methodCallStatement(s, ['push']);
    if (!call || call.receiverName !== v || call.args.length !== 1 || s.type !== 'expression_statement') break;
    // `v.push(v.len())`: inside `vec![..]` that `v` would name an outer binding (or nothing)
    if (mentions(call.args[0]!, v)) break;
    pushes.push(s);
    items.push(call.args[0]!);
  }
  if (pushes.length === 0) return null;
  // spare capacity is deliberate: later pushes would reallocate
  if (capacity !== null && capacity > pushes.length) return null;
  const last = pushes[pushes.length - 1]!;
  const keepMut = mutatedAfter(last, v);
  let text: string | null = null;
  const turbofish = path.type === 'generic_type';
  const commentsLost = letDecl.parent
    .descendantsOfType(['line_comment', 'block_comment'])
    .some((c) => c && c.startIndex >= letDecl.startIndex && c.endIndex <= last.endIndex && !items.some((i) => c.startIndex >= i.startIndex && c.endIndex <= i.endIndex));
  if (!(turbofish && !b.type) && !commentsLost && !userDefinedMacroNames(ctx.source).has('vec')) {
    const head = `let ${keepMut ? 'mut ' : ''}${v}${b.type ? `: ${b.type.text}` : ''} = `;
    const texts = items.map((i) => i.text);
    const flat = `${head}vec![${texts.join(', ')}];`;
    if (flat.length + indentOf(ctx, letDecl).length <= 100 && !flat.includes('\n')) text = flat;
    else {
      const ind = indentOf(ctx, letDecl);
      text = `${head}vec![\n${texts.map((t) => `${ind}    ${t},`).join('\n')}\n${ind}];`;
    }
  }
  return { letDecl, name: v, pushes, items, keepMut, text };
}

export default defineRule({
  id: 'vec-init-then-push',
  family: 'collections',
  severity: 'warning',
  tier: 'verify',
  clippy: 'clippy::vec_init_then_push',
  message: 'a Vec is created empty and then filled by consecutive pushes',
  help: 'build it with `vec![..]`: one allocation of the right size instead of growing on the pushes',
  docs: `\`let mut v = Vec::new();\` followed by \`v.push(a); v.push(b); ...\` allocates on the first push and
reallocates as the pushes exceed the capacity (4, 8, ...). \`vec![a, b, ...]\` allocates once, with the
exact length, and writes the elements in place.

When it is not slow: one or two pushes on a cold path; the gain is an allocation or two.

Matched: \`let mut v = Vec::new()\` (also \`Vec::default()\`, and \`Vec::with_capacity(k)\` with a literal
\`k\` no larger than the number of pushes) directly followed by consecutive \`v.push(e);\` statements.
Not when a pushed expression mentions \`v\` (\`v.push(v.len())\`: inside \`vec![..]\` that \`v\` would name
an outer binding or nothing), and not when the file defines its own \`vec!\` macro.

Fix: \`let v = vec![e1, e2, ...];\`, keeping any type annotation. \`mut\` is kept when a later statement
might mutate \`v\` (a method outside a read-only list, \`&mut v\`, an index, a macro). Elements are
evaluated in the same order. No fix (report-only) when comments between the statements would be lost
or the element type was only given by a turbofish (\`Vec::<u8>::new()\`). Tier verify: a dropped \`mut\`
can still be needed (compile error, caught), and a capacity is not carried over.`,
  example: {
    before: 'let mut args = Vec::new();\nargs.push("--release");\nargs.push("--locked");',
    after: 'let args = vec!["--release", "--locked"];',
  },
  query: `(let_declaration
  (mutable_specifier)
  pattern: (identifier)
  value: (call_expression
    function: (scoped_identifier
      path: [(identifier) @ty
             (scoped_identifier name: (identifier) @ty)
             (generic_type type: [(type_identifier) @ty (scoped_type_identifier name: (type_identifier) @ty)])]
      name: (identifier) @ctor)
    arguments: (arguments))
  (#eq? @ty "Vec")
  (#any-of? @ctor "new" "default" "with_capacity")) @match`,
  check(m, ctx) {
    const plan = planInitThenPush(m.node, ctx);
    if (!plan) return false;
    return { message: `\`${plan.name}\` is created empty and then filled by ${plan.pushes.length} consecutive push${plan.pushes.length > 1 ? 'es' : ''}` };
  },
  fix(m, ctx) {
    const plan = planInitThenPush(m.node, ctx);
    if (!plan || plan.text === null) return null;
    const last = plan.pushes[plan.pushes.length - 1]!;
    return [{ start: plan.letDecl.startIndex, end: last.endIndex, text: plan.text }];
  },
});
