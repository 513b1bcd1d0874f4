// Unit tests for src/engine/analysis/uses.ts: binding resolution, later uses (token trees,
// format captures, shadowing), closures, mutable borrows, loops.
import type { Node, Tree } from 'web-tree-sitter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileContext } from '../src/engine/context.js';
import { expandMacros } from '../src/engine/macros.js';
import { loadRust, parseRust } from '../src/engine/parser.js';
import {
  crossesLoopOrClosure, isBorrowedMutably, isLastUse, isMovedIntoClosure, resolveBinding, usesAfter, usesOf,
} from '../src/engine/analysis/uses.js';

const trees: Tree[] = [];
beforeAll(async () => {
  await loadRust();
});
afterAll(() => trees.forEach((t) => t.delete()));

function ctxOf(source: string): FileContext {
  const tree = parseRust(source);
  const shadows = expandMacros(source, tree, () => true);
  trees.push(tree, ...shadows.map((s) => s.tree));
  return new FileContext('src/lib.rs', source, tree, shadows, { noStd: false, edition: null });
}

/** The identifier whose text is `name` at the `n`th occurrence of `marker` (a substring starting with the name). */
function identAt(ctx: FileContext, marker: string, nth = 0): Node {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = ctx.source.indexOf(marker, at + 1);
  if (at < 0) throw new Error(`marker ${marker} not found`);
  const n = ctx.tree.rootNode.descendantForIndex(at, at + 1);
  if (!n) throw new Error('no node');
  return n;
}

const line = (ctx: FileContext, n: Node) => ctx.lines.position(n.startIndex).line;

describe('resolveBinding', () => {
  it('finds let, parameter, closure, for, match-arm, if-let bindings', () => {
    const ctx = ctxOf(`fn f(mut a: u8, (b, c): (u8, u8)) {
    let x: String = String::new();
    let S { y, z: w } = s;
    let cl = |p: u8, q| p + q;
    for (i, v) in it { use_(i, v); }
    match o { Some(m) if m > 0 => m, _ => 0 };
    if let Ok(k) = r { k; }
    a; b; x; y; w;
}`);
    const kinds = (marker: string, nth = 0) => {
      const b = resolveBinding(ctx, identAt(ctx, marker, nth));
      return b ? [b.kind, b.simple, b.mutable, b.type?.text ?? null] : null;
    };
    expect(kinds('a;')).toEqual(['param', true, true, 'u8']);
    expect(kinds('b;')).toEqual(['param', false, false, null]);
    expect(kinds('x;')).toEqual(['let', true, false, 'String']);
    expect(kinds('y;')).toEqual(['let', false, false, null]);
    expect(kinds('w;')).toEqual(['let', false, false, null]);
    expect(kinds('p + q')).toEqual(['closure-param', true, false, 'u8']);
    expect(kinds('q;'.replace(';', ''), 1)).toEqual(['closure-param', true, false, null]);
    expect(kinds('i, v)', 1)).toEqual(['for', false, false, null]);
    expect(kinds('m > 0')).toEqual(['match-arm', false, false, null]);
    expect(kinds('m, _')).toEqual(['match-arm', false, false, null]);
    expect(kinds('k;')).toEqual(['if-let', false, false, null]);
    // the iterable of a for loop does not see the loop pattern; `it` is not a local at all
    expect(kinds('it {')).toBeNull();
  });

  it('does not see a let from inside its own initializer, and stops at the function', () => {
    const ctx = ctxOf(`static G: u8 = 1;
fn f(x: Vec<u8>) {
    let x = x.clone();
    fn inner() { x; }
    G;
}`);
    const inInit = resolveBinding(ctx, identAt(ctx, 'x.clone'))!;
    expect(inInit.kind).toBe('param');
    expect(resolveBinding(ctx, identAt(ctx, 'x; }'))).toBeNull();
    expect(resolveBinding(ctx, identAt(ctx, 'G;'))).toBeNull();
  });

  it('resolves ref bindings and mutable sub-patterns', () => {
    const ctx = ctxOf(`fn f() { let (ref r, mut m) = t; r; m; }`);
    const r = resolveBinding(ctx, identAt(ctx, 'r;'))!;
    const m = resolveBinding(ctx, identAt(ctx, 'm;'))!;
    expect([r.byRef, r.mutable]).toEqual([true, false]);
    expect([m.byRef, m.mutable]).toEqual([false, true]);
  });
});

describe('usesAfter', () => {
  it('counts expressions, macro tokens and inline format captures', () => {
    const ctx = ctxOf(`fn f() {
    let s = String::new();
    let t = s.clone();
    println!("{s}");
    dbg!(s);
    let u = S { s };
    let w = format!("{s:>8}");
}`);
    const uses = usesAfter(ctx, identAt(ctx, 's.clone'))!;
    expect(uses.map((u) => [line(ctx, u.node), u.kind])).toEqual([
      [4, 'format-capture'], [5, 'macro-token'], [6, 'expr'], [7, 'format-capture'],
    ]);
  });

  it('stops at a shadowing let and ignores fields, methods, paths and other bindings', () => {
    const ctx = ctxOf(`fn f(v: Vec<u8>) {
    let a = v.clone();
    let v = 3;
    v + 1;
    a.v; a.v(); v::x(); m!(a.v, v::y);
}`);
    expect(usesAfter(ctx, identAt(ctx, 'v.clone'))).toEqual([]);
    const second = usesAfter(ctx, identAt(ctx, 'v = 3'));
    expect(second!.map((u) => line(ctx, u.node))).toEqual([4]);
  });

  it('a shadow in a nested block ends only inside that block', () => {
    const ctx = ctxOf(`fn f(v: Vec<u8>) {
    let a = v.clone();
    { let v = 1; v; }
    v;
}`);
    expect(usesAfter(ctx, identAt(ctx, 'v.clone'))!.map((u) => line(ctx, u.node))).toEqual([4]);
  });

  it('counts uses in closures and in the match guard', () => {
    const ctx = ctxOf(`fn f(v: Vec<u8>) {
    let a = v.clone();
    let c = move || v.len();
    match 1 { n if v.is_empty() => n, n => n };
}`);
    expect(usesAfter(ctx, identAt(ctx, 'v.clone'))!.map((u) => line(ctx, u.node))).toEqual([3, 4]);
  });

  it('works from a node inside a macro shadow tree', () => {
    const ctx = ctxOf(`fn f(v: Vec<u8>) {
    println!("{}", v.clone());
    v.len();
}`);
    const shadowIdent = ctx.shadows[0]!.tree.rootNode.descendantForIndex(ctx.source.indexOf('v.clone'));
    expect(shadowIdent.tree).not.toBe(ctx.tree);
    expect(usesAfter(ctx, shadowIdent)!.map((u) => line(ctx, u.node))).toEqual([3]);
  });

  it('returns null for a name that is not a local', () => {
    const ctx = ctxOf(`const C: u8 = 1; fn f() { C.clone(); }`);
    expect(usesAfter(ctx, identAt(ctx, 'C.clone'))).toBeNull();
  });
});

describe('crossesLoopOrClosure and isLastUse', () => {
  const src = `fn f(v: Vec<u8>) {
    for i in v.iter() { take(v.clone()); }
    let c = || v.clone();
    loop { let w = v.clone(); w.clone(); break; }
    v.clone();
}`;
  it('sees loops and closures between a use and its declaration', () => {
    const ctx = ctxOf(src);
    const decl = resolveBinding(ctx, identAt(ctx, 'v.iter'))!;
    expect(crossesLoopOrClosure(ctx, identAt(ctx, 'v.iter'), decl)).toBe(false);
    expect(crossesLoopOrClosure(ctx, identAt(ctx, 'v.clone', 0), decl)).toBe(true);
    expect(crossesLoopOrClosure(ctx, identAt(ctx, 'v.clone', 1), decl)).toBe(true);
    expect(crossesLoopOrClosure(ctx, identAt(ctx, 'v.clone', 2), decl)).toBe(true);
    expect(crossesLoopOrClosure(ctx, identAt(ctx, 'v.clone', 3), decl)).toBe(false);
    const w = resolveBinding(ctx, identAt(ctx, 'w.clone'))!;
    expect(crossesLoopOrClosure(ctx, identAt(ctx, 'w.clone'), w)).toBe(false);
  });
  it('isLastUse needs no later use and no loop in between', () => {
    const ctx = ctxOf(src);
    expect(isLastUse(ctx, identAt(ctx, 'v.clone', 3))).toBe(true);
    expect(isLastUse(ctx, identAt(ctx, 'v.clone', 2))).toBe(false);
    expect(isLastUse(ctx, identAt(ctx, 'w.clone'))).toBe(true);
  });
});

describe('isMovedIntoClosure and isBorrowedMutably', () => {
  it('sees move closures and async move blocks', () => {
    const ctx = ctxOf(`fn f(a: String, b: String, c: String) {
    let h = std::thread::spawn(move || a.len());
    let fut = async move { b.len() };
    let g = || c.len();
}`);
    const bind = (m: string) => resolveBinding(ctx, identAt(ctx, m))!;
    expect(isMovedIntoClosure(ctx, bind('a.len'))).toBe(true);
    expect(isMovedIntoClosure(ctx, bind('b.len'))).toBe(true);
    expect(isMovedIntoClosure(ctx, bind('c.len'))).toBe(false);
  });

  it('sees &mut, assignments and method calls on mut bindings', () => {
    const ctx = ctxOf(`fn f(mut a: Vec<u8>, mut b: Vec<u8>, mut c: u8, d: Vec<u8>, mut e: Vec<u8>) {
    touch(&mut a.x);
    b.push(1);
    c += 1;
    d.len();
    e.len;
    let r = &e;
}`);
    const bind = (m: string) => resolveBinding(ctx, identAt(ctx, m))!;
    expect(isBorrowedMutably(ctx, bind('a.x'))).toBe(true);
    expect(isBorrowedMutably(ctx, bind('b.push'))).toBe(true);
    expect(isBorrowedMutably(ctx, bind('c +='))).toBe(true);
    expect(isBorrowedMutably(ctx, bind('d.len'))).toBe(false);
    expect(isBorrowedMutably(ctx, bind('e.len'))).toBe(false);
  });

  it('usesOf lists every read in order', () => {
    const ctx = ctxOf(`fn f(x: u8) { x; let y = x + x; }`);
    expect(usesOf(ctx, resolveBinding(ctx, identAt(ctx, 'x;'))!).length).toBe(3);
  });
});

describe('edge cases', () => {
  it('let-else, while-let, shorthand struct patterns and nested closures', () => {
    const ctx = ctxOf(`fn f(o: Option<String>, it: I) {
    let Some(s) = o else { return; };
    while let Some(w) = next() { w; }
    let P { x, .. } = p;
    let outer = |a: u8| { let inner = move || s.len() + a as usize; inner() };
    x;
}`);
    expect(resolveBinding(ctx, identAt(ctx, 's.len'))!.kind).toBe('let');
    expect(resolveBinding(ctx, identAt(ctx, 'w; }'))!.kind).toBe('while-let');
    expect(resolveBinding(ctx, identAt(ctx, 'x;'))!.simple).toBe(false);
    expect(resolveBinding(ctx, identAt(ctx, 'a as usize'))!.kind).toBe('closure-param');
    const s = resolveBinding(ctx, identAt(ctx, 's.len'))!;
    expect(isMovedIntoClosure(ctx, s)).toBe(true);
    expect(crossesLoopOrClosure(ctx, identAt(ctx, 's.len'), s)).toBe(true);
  });

  it('a named format argument and a capture of another name are not uses', () => {
    const ctx = ctxOf(`fn f(v: String, w: String) {
    let a = v.clone();
    println!("{w} {}", w.len());
    let _ = format!("{other}", other = 1);
}`);
    expect(usesAfter(ctx, identAt(ctx, 'v.clone'))).toEqual([]);
  });

  it('uses inside a loop body after the point are reported, before it are not', () => {
    const ctx = ctxOf(`fn f(v: Vec<u8>) {
    for _ in 0..2 {
        v.len();
        let c = v.clone();
    }
}`);
    const uses = usesAfter(ctx, identAt(ctx, 'v.clone'))!;
    expect(uses).toEqual([]);
    // ... but the clone is in a loop the declaration is outside of: not the last use at run time
    expect(isLastUse(ctx, identAt(ctx, 'v.clone'))).toBe(false);
  });

  it('ignores nested fn items and comments', () => {
    const ctx = ctxOf(`fn f(v: Vec<u8>) {
    let c = v.clone();
    // v.len() in a comment
    fn g(v: u8) -> u8 { v }
}`);
    expect(usesAfter(ctx, identAt(ctx, 'v.clone'))).toEqual([]);
  });
});

describe('identifier arguments', () => {
  it('isMovedIntoClosure and isBorrowedMutably accept an identifier; non-locals are unknown (true)', () => {
    const ctx = ctxOf(`static G: u8 = 0;
fn f(a: String, mut b: Vec<u8>) {
    let h = move || a.len();
    b.push(G);
}`);
    expect(isMovedIntoClosure(ctx, identAt(ctx, 'a.len'))).toBe(true);
    expect(isBorrowedMutably(ctx, identAt(ctx, 'b.push'))).toBe(true);
    expect(isBorrowedMutably(ctx, identAt(ctx, 'G)'))).toBe(true);
    expect(isMovedIntoClosure(ctx, identAt(ctx, 'G)'))).toBe(true);
  });
});
