// Unit tests of the loop analysis (src/engine/analysis/loops.ts) on parsed Rust.
import type { Node, Tree } from 'web-tree-sitter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blockStatements,
  forLoopOf,
  nextStatement,
  previousStatement,
  statementExpression,
  exclusiveRange,
  hasEarlyExit,
  isPureExpr,
  lenCollection,
  loopBody,
  mentions,
  methodCallStatement,
  patternBindings,
  singleStatementBody,
  tripCount,
  unconditionalCalls,
} from '../src/engine/analysis/loops.js';
import { loadRust, parseRust } from '../src/engine/parser.js';

const trees: Tree[] = [];
beforeAll(async () => {
  await loadRust();
});
afterAll(() => {
  for (const t of trees) t.delete();
});

function parse(body: string): Node {
  const tree = parseRust(`fn __t() {\n${body}\n}`);
  trees.push(tree);
  expect(tree.rootNode.hasError).toBe(false);
  return tree.rootNode;
}

/** The first `for_expression` of the snippet. */
function firstFor(body: string): Node {
  const f = parse(body).descendantsOfType('for_expression')[0];
  if (!f) throw new Error('no for loop in snippet');
  return f;
}

function trip(body: string): string | null {
  return tripCount(firstFor(body))?.text ?? null;
}

describe('tripCount', () => {
  it('takes the end of a range from zero', () => {
    expect(trip('for i in 0..n { v.push(i); }')).toBe('n');
    expect(trip('for i in 0..self.count { v.push(i); }')).toBe('self.count');
    expect(trip('for i in 0..xs.len() { v.push(xs[i]); }')).toBe('xs.len()');
    expect(trip('for _ in 0usize..n { v.push(0); }')).toBe('n');
  });

  it('uses (a..b).len() for other ranges, never b - a', () => {
    expect(trip('for i in 1..n { v.push(i); }')).toBe('(1..n).len()');
    expect(trip('for i in lo..hi { v.push(i); }')).toBe('(lo..hi).len()');
    expect(trip('for i in (lo..hi) { v.push(i); }')).toBe('(lo..hi).len()');
  });

  it('refuses inclusive, open and impure ranges', () => {
    expect(trip('for i in 0..=n { v.push(i); }')).toBeNull();
    expect(trip('for i in 0.. { v.push(i); }')).toBeNull();
    expect(trip('for i in 0..next() { v.push(i); }')).toBeNull();
    expect(trip('for i in 0..it.count() { v.push(i); }')).toBeNull();
    expect(trip('for i in 0..make().len() { v.push(i); }')).toBeNull();
  });

  it('takes len() of the collection a loop iterates', () => {
    expect(trip('for x in &xs { v.push(x); }')).toBe('xs.len()');
    expect(trip('for x in &mut xs { v.push(x); }')).toBe('xs.len()');
    expect(trip('for x in xs { v.push(x); }')).toBe('xs.len()');
    expect(trip('for x in xs.iter() { v.push(x); }')).toBe('xs.len()');
    expect(trip('for x in self.items.iter_mut() { v.push(x); }')).toBe('self.items.len()');
    expect(trip('for x in xs.into_iter() { v.push(x); }')).toBe('xs.len()');
    expect(trip('for (i, x) in xs.iter().enumerate() { v.push((i, x)); }')).toBe('xs.len()');
    expect(trip('for x in xs.iter().rev().copied() { v.push(x); }')).toBe('xs.len()');
    expect(trip('for b in s.bytes() { v.push(b); }')).toBe('s.len()');
    expect(trip('for k in m.keys() { v.push(k); }')).toBe('m.len()');
    expect(trip('for x in &xs[1..] { v.push(x); }')).toBe('xs[1..].len()');
  });

  it('returns null when the count is not the collection length or not repeatable', () => {
    expect(trip('for x in xs.iter().filter(|x| **x > 0) { v.push(x); }')).toBeNull();
    expect(trip('for x in xs.iter().skip(1) { v.push(x); }')).toBeNull();
    expect(trip('for x in a.iter().zip(b.iter()) { v.push(x); }')).toBeNull();
    expect(trip('for c in s.chars() { v.push(c); }')).toBeNull();
    expect(trip('for l in s.lines() { v.push(l); }')).toBeNull();
    expect(trip('for x in load() { v.push(x); }')).toBeNull();
    expect(trip('for x in &load() { v.push(x); }')).toBeNull();
    expect(trip('for x in [1, 2, 3] { v.push(x); }')).toBeNull();
    expect(trip('for x in xs.chunks(2) { v.push(x); }')).toBeNull();
  });

  it('returns null for non-for nodes', () => {
    const w = parse('while i < n { i += 1; }').descendantsOfType('while_expression')[0]!;
    expect(tripCount(w)).toBeNull();
  });
});

describe('purity and ranges', () => {
  const expr = (e: string) => parse(`let _ = ${e};`).descendantsOfType('let_declaration')[0]!.childForFieldName('value')!;
  it('accepts places, literals, len() and arithmetic', () => {
    for (const e of ['n', 'self.n', 'x.0', 'n + 1', 'n as usize', 'xs.len()', 'xs[i]', '(n * 2)']) expect(isPureExpr(expr(e)), e).toBe(true);
  });
  it('rejects calls, assignments and macros', () => {
    for (const e of ['f(n)', 'it.next()', 'xs.len(1)', 'n == 1', 'vec![1]', 'make().len()']) expect(isPureExpr(expr(e)), e).toBe(false);
  });
  it('splits exclusive ranges only', () => {
    expect(exclusiveRange(expr('a..b'))?.end.text).toBe('b');
    expect(exclusiveRange(expr('a..=b'))).toBeNull();
    expect(exclusiveRange(expr('..b'))).toBeNull();
  });
  it('finds the collection behind adapters', () => {
    expect(lenCollection(expr('xs.iter().map(|x| x + 1)'))?.text).toBe('xs');
    expect(lenCollection(expr('v.drain(..)'))?.text).toBe('v');
    expect(lenCollection(expr('v.drain(1..)'))).toBeNull();
  });
});

describe('loop bodies', () => {
  it('sees early exits of this loop only', () => {
    const exits = (b: string) => hasEarlyExit(loopBody(firstFor(b))!);
    expect(exits('for x in xs { v.push(x); }')).toBe(false);
    expect(exits('for x in xs { if x { break; } v.push(x); }')).toBe(true);
    expect(exits('for x in xs { if x { continue; } v.push(x); }')).toBe(true);
    expect(exits('for x in xs { v.push(x?); }')).toBe(true);
    expect(exits('for x in xs { v.push(f(x).await); }')).toBe(true);
    expect(exits('for x in xs { return; }')).toBe(true);
    expect(exits('for x in xs { v.push(m!(x?)); }')).toBe(true);
    expect(exits('for x in xs { v.push(m!(return)); }')).toBe(true);
    expect(exits('for x in xs { for y in x { break; } v.push(x); }')).toBe(false);
    expect(exits("'a: for x in xs { for y in x { break 'a; } v.push(x); }")).toBe(true);
    expect(exits('for x in xs { v.push(x.map(|y| y?)); }')).toBe(false);
    expect(exits('for x in xs { v.push(x.map(|y| { return y; })); }')).toBe(false);
    expect(exits('for x in xs { v.push(async { g().await }); }')).toBe(false);
    expect(exits('for x in xs { println!("{:?}", x); }')).toBe(false);
  });

  it('finds a single statement and the pushes of a receiver', () => {
    expect(singleStatementBody(firstFor('for x in xs { v.push(x); }'))?.text).toBe('v.push(x);');
    expect(singleStatementBody(firstFor('for x in xs { v.push(x) }'))?.text).toBe('v.push(x)');
    expect(singleStatementBody(firstFor('for x in xs { // c\n v.push(x); }'))?.text).toBe('v.push(x);');
    expect(singleStatementBody(firstFor('for x in xs { let y = x; v.push(y); }'))).toBeNull();
    expect(singleStatementBody(firstFor('for x in xs { v.push(x?); }'))).toBeNull();
    const f = firstFor('for x in xs { let y = x + 1; v.push(y); if y > 2 { v.push(x); } w.push(x); }');
    expect(unconditionalCalls(f, 'v', ['push'])?.map((s) => s.text)).toEqual(['v.push(y);']);
    expect(unconditionalCalls(firstFor('for x in xs { v.push(x); break; }'), 'v', ['push'])).toBeNull();
    const body = loopBody(f)!;
    expect(blockStatements(body).length).toBe(4);
    expect(methodCallStatement(blockStatements(body)[1]!, ['push'])?.receiverName).toBe('v');
    expect(methodCallStatement(blockStatements(body)[0]!, ['push'])).toBeNull();
  });

  it('finds mentions in code, token trees and format strings', () => {
    const root = parse('let a = v.len(); println!("{v:?}"); m!(v); let s = "v"; f(w);');
    const lets = root.descendantsOfType(['let_declaration', 'expression_statement']);
    expect(mentions(lets[0]!, 'v')).toBe(true);
    expect(mentions(lets[1]!, 'v')).toBe(true);
    expect(mentions(lets[2]!, 'v')).toBe(true);
    expect(mentions(lets[3]!, 'v')).toBe(false);
    expect(mentions(lets[4]!, 'v')).toBe(false);
  });

  it('lists pattern bindings', () => {
    const pat = (b: string) => patternBindings(firstFor(b).childForFieldName('pattern')!);
    expect(pat('for x in xs {}')).toEqual(['x']);
    expect(pat('for (i, (a, b)) in xs {}')).toEqual(['i', 'a', 'b']);
    expect(pat('for &x in xs {}')).toEqual(['x']);
    expect(pat('for Some(x) in xs {}')).toEqual(['x']);
    expect(pat('for P { x, y: z } in xs {}')).toEqual(['x', 'z']);
  });
});

describe('statements around a loop', () => {
  it('walks sibling statements, skipping comments, and finds the loop of a statement', () => {
    const root = parse('let mut v = Vec::new();\n// note\nfor x in xs { v.push(x); }\nv.len()');
    const block = root.descendantsOfType('block')[0]!;
    const stmts = blockStatements(block);
    expect(stmts.map((s) => s.type)).toEqual(['let_declaration', 'expression_statement', 'call_expression']);
    expect(nextStatement(stmts[0]!)?.id).toBe(stmts[1]!.id);
    expect(previousStatement(stmts[1]!)?.id).toBe(stmts[0]!.id);
    expect(previousStatement(stmts[0]!)).toBeNull();
    expect(nextStatement(stmts[2]!)).toBeNull();
    expect(forLoopOf(stmts[1]!)?.type).toBe('for_expression');
    expect(forLoopOf(stmts[0]!)).toBeNull();
    expect(statementExpression(stmts[2]!)?.text).toBe('v.len()');
    expect(statementExpression(stmts[0]!)).toBeNull();
  });

  it('counts the trip of a loop written as the tail expression', () => {
    const root = parse('let mut v = Vec::new();\nfor x in &xs { v.push(x) }');
    const block = root.descendantsOfType('block')[0]!;
    const loop = forLoopOf(blockStatements(block)[1]!)!;
    expect(tripCount(loop)).toMatchObject({ text: 'xs.len()', kind: 'len' });
  });
});
