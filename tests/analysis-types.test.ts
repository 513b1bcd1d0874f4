// Unit tests for src/engine/analysis/types.ts: literal kinds, declared types, Copy and str-like text.
import type { Node, Tree } from 'web-tree-sitter';
import { afterAll, describe, expect, it } from 'vitest';
import { FileContext } from '../src/engine/context.js';
import { loadRust, parseRust } from '../src/engine/parser.js';
import {
  declaredTypeText, isCopyTypeText, isPrimitiveCopyTypeText, isStringType, isStrLike, literalKind, literalTypeText,
  primitiveShadowed, typeHintOf,
} from '../src/engine/analysis/types.js';

const trees: Tree[] = [];
await loadRust();
afterAll(() => trees.forEach((t) => t.delete()));

function ctxOf(source: string): FileContext {
  const tree = parseRust(source);
  trees.push(tree);
  return new FileContext('src/lib.rs', source, tree, [], { noStd: false, edition: null });
}

function nodeAt(ctx: FileContext, marker: string): Node {
  const at = ctx.source.indexOf(marker);
  if (at < 0) throw new Error(`marker ${marker} not found`);
  return ctx.tree.rootNode.descendantForIndex(at, at + 1)!;
}

/** The value expression of `let <name> = ...;` */
function letValue(ctx: FileContext, name: string): Node {
  const decl = nodeAt(ctx, `let ${name} `).parent!;
  return decl.childForFieldName('value')!;
}

describe('literal kinds', () => {
  const ctx = ctxOf(`fn f() {
    let a = 5; let b = -1.5f32; let c = "s"; let d = r#"s"#; let e = b"s"; let g = 'c'; let h = b'c';
    let i = true; let j = (7u8); let k = 0x1f32; let l = s; let m = 1e3;
}`);
  it('classifies literals, through parentheses and minus', () => {
    const kinds = ['a', 'b', 'c', 'd', 'e', 'g', 'h', 'i', 'j', 'l'].map((n) => literalKind(letValue(ctx, n)));
    expect(kinds).toEqual(['int', 'float', 'str', 'str', 'byte-str', 'char', 'byte', 'bool', 'int', null]);
  });
  it('derives the visible type of a literal', () => {
    const types = ['a', 'b', 'c', 'g', 'h', 'i', 'j', 'k', 'm', 'e'].map((n) => literalTypeText(letValue(ctx, n)));
    expect(types).toEqual(['{integer}', 'f32', '&str', 'char', 'u8', 'bool', 'u8', '{integer}', '{float}', null]);
  });
});

describe('type hints of bindings', () => {
  const ctx = ctxOf(`static LIMIT: usize = 10;
const NAME: &str = "n";
fn f(a: u32, b: &str, (c, d): (u8, u8), e: impl Fn()) {
    let x: Vec<u8> = Vec::new();
    let y = 3;
    let z = make();
    let (p, q): (u8, u8) = (1, 2);
    use_(a, b, c, x, y, z, p, LIMIT, NAME, e);
}`);
  const hint = (marker: string) => typeHintOf(ctx, nodeAt(ctx, marker));
  it('reads annotations, literals, statics and consts', () => {
    expect(hint('a, b, c')).toEqual({ type: 'u32', literal: null, source: 'annotation' });
    expect(declaredTypeText(ctx, nodeAt(ctx, 'b, c, x'))).toBe('&str');
    expect(hint('x, y')).toEqual({ type: 'Vec<u8>', literal: null, source: 'annotation' });
    expect(hint('y, z')).toEqual({ type: '{integer}', literal: 'int', source: 'literal' });
    expect(hint('LIMIT,')).toEqual({ type: 'usize', literal: null, source: 'static' });
    expect(hint('NAME,')).toEqual({ type: '&str', literal: null, source: 'const' });
  });
  it('answers null when nothing is visible', () => {
    expect(hint('z, p').type).toBeNull();
    expect(hint('c, x').type).toBeNull(); // destructured parameter
    expect(hint('p, LIMIT').type).toBeNull(); // destructured let
    expect(hint('e);').type).toBe('impl Fn()');
  });
  it('sees user types named like primitives', () => {
    expect(primitiveShadowed(ctxOf('struct u8; fn f() {}'), 'u8')).toBe(true);
    expect(primitiveShadowed(ctx, 'u8')).toBe(false);
    expect(primitiveShadowed(ctxOf('use big::Num as u64; fn f() {}'), 'u64')).toBe(true);
    expect(primitiveShadowed(ctxOf('use std::io; fn f(x: i32) -> u8 { x as u8 }'), 'u8')).toBe(false);
  });
});

describe('type text predicates', () => {
  it('isPrimitiveCopyTypeText', () => {
    for (const t of ['u8', 'i128', 'f64', 'bool', 'char', '()', '(u8, char)', '[u8; 4]', '[(i32, f32); N]', '{integer}']) {
      expect(isPrimitiveCopyTypeText(t), t).toBe(true);
    }
    for (const t of ['String', '&u8', 'Vec<u8>', '(u8, String)', '[String; 2]', 'T', 'Option<u8>', 'str']) {
      expect(isPrimitiveCopyTypeText(t), t).toBe(false);
    }
  });
  it('isCopyTypeText', () => {
    for (const t of ['u8', '&str', "&'a String", '& Vec<u8>', '*const u8', '(&str, u8)', '[&T; 3]']) expect(isCopyTypeText(t), t).toBe(true);
    for (const t of ['&mut u8', '&mut  Vec<u8>', 'String', '(u8, &mut u8)', 'Box<u8>', 'Rc<u8>']) expect(isCopyTypeText(t), t).toBe(false);
  });
  it('isStrLike and isStringType', () => {
    for (const t of ['str', '&str', "&'static str", '&&str', 'String', '&String', '&mut String', 'Cow<str>', "Cow<'a, str>", 'Box<str>', 'Arc<str>', 'std::string::String']) {
      expect(isStrLike(t), t).toBe(true);
    }
    for (const t of ['&[u8]', 'Vec<String>', 'Option<&str>', 'OsStr', 'Path', 'MyString']) expect(isStrLike(t), t).toBe(false);
    expect(isStringType('String')).toBe(true);
    expect(isStringType('&mut String')).toBe(true);
    expect(isStringType('&mut String', false)).toBe(false);
    expect(isStringType('&str')).toBe(false);
  });
});
