// Loop analysis for `for` loops: how many times the body runs (trip count), as an expression text
// that can be evaluated before the loop, and the shape of the body (single statement, early exits).
//
// Trip counts are only ever derived from the iterable itself (patterns.md B1, §5): `0..n` → `n`,
// `a..b` → `(a..b).len()` (never `b - a`, which underflows on an empty range), `&xs`, `xs.iter()`,
// `xs.iter_mut()`, `xs.into_iter()`, `xs` → `xs.len()`. The expression is evaluated once more than in
// the original program, so it must be free of side effects: only places (`xs`, `self.a.b`, `x.0`),
// literals, and `.len()` of places qualify. Anything else yields null ("unknown").
import type { Node } from 'web-tree-sitter';

/** Iterator adapters that keep the number of items of an exact-size iterator unchanged. */
const COUNT_PRESERVING = new Set(['enumerate', 'rev', 'copied', 'cloned', 'map', 'inspect']);

/** Methods on a collection whose item count is `collection.len()` for std types. */
const LEN_ITERATORS = new Set(['iter', 'iter_mut', 'into_iter', 'keys', 'values', 'values_mut', 'into_keys', 'into_values', 'bytes']);

const STATEMENT_COMMENTS = new Set(['line_comment', 'block_comment']);

/** Kinds of trip count, for callers that want to word their message. */
export type TripKind = 'range-from-zero' | 'range' | 'len';

export interface TripCount {
  /** The capacity expression text, e.g. `n`, `(a..b).len()`, `xs.len()`. */
  text: string;
  kind: TripKind;
  /** The node whose value determines the count (the range's end, or the collection place). */
  source: Node;
}

/** The named children of a node, without nulls. */
function named(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => c !== null);
}

function children(n: Node): Node[] {
  return n.children.filter((c): c is Node => c !== null);
}

/**
 * A place expression whose evaluation has no side effects and can be repeated: `x`, `self`,
 * `self.a.b`, `x.0`, `*x` of a place, `xs[i]` / `xs[a..b]` of pure operands (a repeat panics the same).
 */
export function isPlace(n: Node): boolean {
  switch (n.type) {
    case 'identifier':
    case 'self':
      return true;
    case 'field_expression':
      return isPlace(n.childForFieldName('value')!);
    case 'parenthesized_expression': {
      const inner = named(n);
      return inner.length === 1 && isPlace(inner[0]!);
    }
    case 'index_expression': {
      const [base, index] = named(n);
      return !!base && !!index && isPlace(base) && isPureExpr(index);
    }
    default:
      return false;
  }
}

/**
 * An expression that is side-effect free and cheap to evaluate a second time: places, integer
 * literals, `place.len()`, casts and arithmetic of those, and ranges of those (an overflow or an
 * out-of-range index panics in both evaluations alike).
 */
export function isPureExpr(n: Node): boolean {
  switch (n.type) {
    case 'integer_literal':
    case 'boolean_literal':
    case 'char_literal':
      return true;
    case 'type_cast_expression':
      return isPureExpr(n.childForFieldName('value')!);
    case 'binary_expression': {
      const op = operatorOf(n);
      if (!['+', '-', '*', '/', '%'].includes(op)) return false;
      return isPureExpr(n.childForFieldName('left')!) && isPureExpr(n.childForFieldName('right')!);
    }
    case 'range_expression':
      return named(n).every(isPureExpr);
    case 'parenthesized_expression': {
      const inner = named(n);
      return inner.length === 1 && isPureExpr(inner[0]!);
    }
    case 'call_expression': {
      const call = methodCall(n);
      return !!call && call.method === 'len' && call.args.length === 0 && isPlace(call.receiver);
    }
    default:
      return isPlace(n);
  }
}

/** The operator token of a binary or range expression (`..`, `..=`, `+`, ...). */
export function operatorOf(n: Node): string {
  for (const c of children(n)) if (!c.isNamed) return c.type;
  return '';
}

export interface MethodCall {
  call: Node;
  receiver: Node;
  method: string;
  methodNode: Node;
  args: Node[];
  /** Turbofish type arguments (`collect::<Vec<_>>`), when written. */
  turbofish: Node | null;
}

/** `recv.method(args)` / `recv.method::<T>(args)`, or null. */
export function methodCall(n: Node | null | undefined): MethodCall | null {
  if (!n || n.type !== 'call_expression') return null;
  let fn = n.childForFieldName('function');
  let turbofish: Node | null = null;
  if (fn?.type === 'generic_function') {
    turbofish = fn.childForFieldName('type_arguments');
    fn = fn.childForFieldName('function');
  }
  if (!fn || fn.type !== 'field_expression') return null;
  const receiver = fn.childForFieldName('value');
  const field = fn.childForFieldName('field');
  const args = n.childForFieldName('arguments');
  if (!receiver || !field || field.type !== 'field_identifier' || !args) return null;
  return { call: n, receiver, method: field.text, methodNode: field, args: named(args).filter((a) => !STATEMENT_COMMENTS.has(a.type)), turbofish };
}

/**
 * The collection whose `.len()` equals the number of items the iterable yields: `xs` for `&xs`,
 * `&mut xs`, `xs`, `xs.iter()`, `xs.iter_mut()`, `xs.into_iter()`, `xs.keys()`, `s.bytes()`, and
 * those behind count-preserving adapters (`enumerate`, `rev`, `copied`, `cloned`, `map`). The
 * collection must be a place (no side effects when evaluated again). Null otherwise.
 */
export function lenCollection(iterable: Node): Node | null {
  let cur = iterable;
  if (cur.type === 'parenthesized_expression' && named(cur).length === 1) cur = named(cur)[0]!;
  if (cur.type === 'reference_expression') {
    const v = cur.childForFieldName('value');
    return v && isPlace(v) ? v : null;
  }
  if (isPlace(cur)) return cur;
  // strip count-preserving adapters
  for (let call = methodCall(cur); call; call = methodCall(cur)) {
    if (COUNT_PRESERVING.has(call.method)) {
      if (call.method === 'enumerate' || call.method === 'rev' || call.method === 'copied' || call.method === 'cloned') {
        if (call.args.length !== 0) return null;
      } else if (call.args.length !== 1) return null;
      cur = call.receiver;
      continue;
    }
    if (LEN_ITERATORS.has(call.method) && call.args.length === 0) return isPlace(call.receiver) ? call.receiver : null;
    if (call.method === 'drain' && call.args.length === 1 && call.args[0]!.type === 'range_expression' && named(call.args[0]!).length === 0) {
      return isPlace(call.receiver) ? call.receiver : null;
    }
    return null;
  }
  return null;
}

/** `a..b` parts of an exclusive range with both ends, or null (`..=`, open ranges). */
export function exclusiveRange(n: Node): { start: Node; end: Node } | null {
  let cur = n;
  while (cur.type === 'parenthesized_expression' && named(cur).length === 1) cur = named(cur)[0]!;
  if (cur.type !== 'range_expression' || operatorOf(cur) !== '..') return null;
  const parts = named(cur);
  if (parts.length !== 2) return null;
  return { start: parts[0]!, end: parts[1]! };
}

function isZero(n: Node): boolean {
  return n.type === 'integer_literal' && /^0+(_*)(usize|u8|u16|u32|u64|i8|i16|i32|i64|isize)?$/.test(n.text.replace(/_/g, ''));
}

/**
 * The number of iterations of a `for_expression`, as an expression text evaluated before the loop,
 * or null when unknown. Works on real and macro shadow trees alike (it reads `node.text`).
 */
export function tripCount(forExpr: Node): TripCount | null {
  if (forExpr.type !== 'for_expression') return null;
  const value = forExpr.childForFieldName('value');
  if (!value) return null;
  const range = exclusiveRange(value);
  if (range) {
    if (!isPureExpr(range.start) || !isPureExpr(range.end)) return null;
    if (isZero(range.start)) return { text: range.end.text, kind: 'range-from-zero', source: range.end };
    return { text: `(${range.start.text}..${range.end.text}).len()`, kind: 'range', source: range.end };
  }
  const coll = lenCollection(value);
  if (coll) {
    const recv = coll.type === 'identifier' || coll.type === 'self' || coll.type === 'field_expression' || coll.type === 'index_expression' ? coll.text : `(${coll.text})`;
    return { text: `${recv}.len()`, kind: 'len', source: coll };
  }
  return null;
}

/** The statements of a block, without comments. Tail expressions count as statements. */
export function blockStatements(block: Node): Node[] {
  return named(block).filter((c) => !STATEMENT_COMMENTS.has(c.type) && c.type !== 'label');
}

/** The expression of a statement: the inner expression of `expr;`, or the tail expression itself. */
export function statementExpression(stmt: Node): Node | null {
  if (stmt.type === 'expression_statement') return named(stmt).find((c) => !STATEMENT_COMMENTS.has(c.type)) ?? null;
  if (stmt.type === 'let_declaration' || stmt.type.endsWith('_item') || stmt.type === 'empty_statement') return null;
  return stmt;
}

const EXIT_TOKENS = new Set(['?', 'return', 'break', 'continue', 'await', 'yield']);

/**
 * True when `body` (a loop body) may leave an iteration early or suspend: `break`, `continue`,
 * `return`, `?`, `.await`, `yield`, or any of those tokens inside an unparsed macro argument.
 * `return`/`?` inside closures and `break`/`continue` of nested unlabeled loops are not exits of
 * this loop; labeled `break`/`continue` are always counted.
 */
export function hasEarlyExit(body: Node): boolean {
  const visit = (n: Node, inNestedLoop: boolean, inClosure: boolean): boolean => {
    switch (n.type) {
      case 'return_expression':
      case 'try_expression':
        if (!inClosure) return true;
        break;
      case 'await_expression':
      case 'yield_expression':
        if (!inClosure) return true;
        break;
      case 'break_expression':
      case 'continue_expression':
        if (inClosure) break;
        if (!inNestedLoop || n.namedChildren.some((c) => c?.type === 'label')) return true;
        break;
      case 'token_tree':
        for (const t of n.descendantsOfType(['?', 'return', 'break', 'continue', 'await', 'yield', 'identifier'])) {
          if (t && EXIT_TOKENS.has(t.text)) return true;
        }
        return false;
      case 'macro_invocation': {
        // tokens of a macro body are leaves of token_tree; handled above
        break;
      }
      case 'async_block':
        return false; // an async block's own awaits and returns stay inside it
      case 'function_item':
      case 'closure_expression':
        for (const c of children(n)) if (visit(c, inNestedLoop, true)) return true;
        return false;
      case 'for_expression':
      case 'while_expression':
      case 'loop_expression':
        for (const c of children(n)) if (visit(c, true, inClosure)) return true;
        return false;
    }
    for (const c of children(n)) if (visit(c, inNestedLoop, inClosure)) return true;
    return false;
  };
  return visit(body, false, false);
}

/**
 * True when identifier `name` is mentioned anywhere under `node`: as an identifier (also inside
 * unparsed macro token trees, `S { name }` shorthand), or as a capture in a string literal inside a
 * macro (`"{name}"`, `"{name:?}"`). Conservative: field names written as `x.name` in token trees
 * also count.
 */
export function mentions(node: Node, name: string): boolean {
  if (node.type === 'identifier' && node.text === name) return true;
  const ids = node.descendantsOfType(['identifier', 'string_literal', 'raw_string_literal']);
  const capture = new RegExp(`\\{${escapeRegExp(name)}[}:]`);
  for (const id of ids) {
    if (!id) continue;
    if (id.type === 'identifier') {
      if (id.text === name) return true;
    } else if (capture.test(id.text) && insideTokenTree(id, node)) return true;
  }
  return false;
}

function insideTokenTree(n: Node, stop: Node): boolean {
  for (let p = n.parent; p && p.id !== stop.id; p = p.parent) if (p.type === 'token_tree') return true;
  return stop.type === 'token_tree';
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The body block of a for loop. */
export function loopBody(forExpr: Node): Node | null {
  const b = forExpr.childForFieldName('body');
  return b && b.type === 'block' ? b : null;
}

/**
 * The single statement of a loop body when the body holds exactly one statement and cannot exit
 * early (see `hasEarlyExit`); null otherwise. Comments are ignored.
 */
export function singleStatementBody(forExpr: Node): Node | null {
  const body = loopBody(forExpr);
  if (!body) return null;
  const stmts = blockStatements(body);
  if (stmts.length !== 1) return null;
  if (hasEarlyExit(body)) return null;
  return stmts[0]!;
}

/**
 * The call `recv.method(args)` when `stmt` is exactly that call as a statement (`v.push(x);` or a
 * tail `v.push(x)`), with `recv` an identifier. Null otherwise.
 */
export function methodCallStatement(stmt: Node, methods: readonly string[]): (MethodCall & { receiverName: string }) | null {
  const expr = statementExpression(stmt);
  const call = methodCall(expr);
  if (!call || !methods.includes(call.method) || call.turbofish) return null;
  if (call.receiver.type !== 'identifier') return null;
  return { ...call, receiverName: call.receiver.text };
}

/**
 * The top-level statements of a loop body that are `recv.method(..)` calls on identifier `recv`
 * (unconditional: not nested in if/match/inner loops/closures), when the body has no early exit.
 */
export function unconditionalCalls(forExpr: Node, receiver: string, methods: readonly string[]): Node[] | null {
  const body = loopBody(forExpr);
  if (!body || hasEarlyExit(body)) return null;
  const out: Node[] = [];
  for (const s of blockStatements(body)) {
    const c = methodCallStatement(s, methods);
    if (c && c.receiverName === receiver) out.push(s);
  }
  return out;
}

/** The identifiers bound by a pattern (`x`, `(a, b)`, `&x`, `Point { x, y }`, `mut x`). */
export function patternBindings(pattern: Node): string[] {
  if (pattern.type === 'identifier') return [pattern.text];
  const out: string[] = [];
  for (const id of pattern.descendantsOfType(['identifier', 'shorthand_field_identifier'])) {
    if (!id) continue;
    // `Some(x)`: the path is an identifier in the `type` field; skip constructor names (capitalised)
    const parent = id.parent;
    if (parent && parent.type === 'tuple_struct_pattern' && parent.childForFieldName('type')?.id === id.id) continue;
    if (parent && (parent.type === 'scoped_identifier' || parent.type === 'struct_pattern')) continue;
    out.push(id.text);
  }
  return out;
}

/** The statement (direct child of a block) holding `node`, and that block. */
export function enclosingStatement(node: Node): { stmt: Node; block: Node } | null {
  let cur: Node = node;
  for (let p = node.parent; p; cur = p, p = p.parent) {
    if (p.type === 'block' || p.type === 'source_file') return p.type === 'block' ? { stmt: cur, block: p } : null;
  }
  return null;
}

/** The previous statement in the same block (comments skipped), or null. */
export function previousStatement(stmt: Node): Node | null {
  for (let s = stmt.previousNamedSibling; s; s = s.previousNamedSibling) {
    if (STATEMENT_COMMENTS.has(s.type)) continue;
    return s;
  }
  return null;
}

/** The next statement in the same block (comments skipped), or null. */
export function nextStatement(stmt: Node): Node | null {
  for (let s = stmt.nextNamedSibling; s; s = s.nextNamedSibling) {
    if (STATEMENT_COMMENTS.has(s.type)) continue;
    return s;
  }
  return null;
}

/** The for loop of a statement (`for ... {}` as a statement or as the tail expression), or null. */
export function forLoopOf(stmt: Node): Node | null {
  const e = statementExpression(stmt);
  return e && e.type === 'for_expression' ? e : null;
}
