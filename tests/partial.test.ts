// Scan speed-ups that must not change results: the lean query matcher (same matches as
// web-tree-sitter's Query.matches) and item-level partial parsing (same findings as full parsing).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { topLevelItems, membersOf } from '../src/engine/items.js';
import { builtShapeMatches, shapeMatches } from '../src/engine/lean-matches.js';
import { buildShapes, planShapes } from '../src/engine/shapes.js';
import { matchSource } from '../src/engine/match.js';
import { Parser } from 'web-tree-sitter';
import { parseRust, rangeReader, rust } from '../src/engine/parser.js';
import { literalOccurrences, partialRanges } from '../src/engine/partial.js';
import { containsToken, triggered, type RuleSet } from '../src/engine/registry.js';
import { rxfix, tempDir } from './helpers/cli.js';
import { ruleSetOf } from './helpers/engine.js';

const FIXTURES = path.resolve(__dirname, '../fixtures/rules');
const fixtureSources = (): { name: string; source: string }[] =>
  readdirSync(FIXTURES)
    .sort()
    .flatMap((id) => ['invalid.rs', 'valid.rs'].map((f) => ({ name: `${id}/${f}`, source: readFileSync(path.join(FIXTURES, id, f), 'utf8') })));

let rules: RuleSet;
beforeAll(async () => {
  rules = await ruleSetOf();
});

describe('lean query matches', () => {
  const shape = (ms: { patternIndex: number; captures: { name: string; node: { id: number; type: string; startIndex: number; endIndex: number; text: string } }[] }[]) =>
    ms.map((m) => [m.patternIndex, ...m.captures.map((c) => `${c.name}:${c.node.id}:${c.node.type}:${c.node.startIndex}-${c.node.endIndex}:${c.node.text}`)].join(' ')).sort();

  it('from the shape query equal Query.matches() of the combined query on every rule fixture', () => {
    const query = rules.query!;
    const shapes = buildShapes(planShapes(rules.querySource));
    expect(shapes.query.patternCount()).toBeLessThan(query.patternCount()); // some rules share shapes
    let total = 0;
    for (const { name, source } of fixtureSources()) {
      const tree = parseRust(source);
      try {
        const expected = shape(query.matches(tree.rootNode));
        expect(shape(shapeMatches(shapes, tree, source)), name).toEqual(expected);
        expect(shape(builtShapeMatches(shapes, tree)), `${name} (without the WASM binding)`).toEqual(expected);
        // with every other pattern marked active: exactly those patterns' matches
        const active = new Uint8Array(query.patternCount()).map((_, i) => i % 2);
        const odd = shape(query.matches(tree.rootNode).filter((m) => m.patternIndex % 2 === 1));
        expect(shape(shapeMatches(shapes, tree, source, active)), `${name} (odd patterns)`).toEqual(odd);
        expect(shape(builtShapeMatches(shapes, tree, active)), `${name} (odd patterns, without the WASM binding)`).toEqual(odd);
        total += expected.length;
      } finally {
        tree.delete();
      }
    }
    expect(total).toBeGreaterThan(200);
  });

  it('apply every predicate kind as web-tree-sitter does', async () => {
    const src = 'fn f(a: &String) { let b = a.cloned(); let c = a.clone(); x.y(); z.z(); }';
    const query = [
      '(call_expression function: (field_expression field: (field_identifier) @m) (#eq? @m "clone")) @a',
      '(call_expression function: (field_expression field: (field_identifier) @m) (#not-eq? @m "clone")) @b',
      '(call_expression function: (field_expression value: (_) @v field: (field_identifier) @m) (#eq? @v @m)) @c',
      '(call_expression function: (field_expression value: (_) @v field: (field_identifier) @m) (#not-eq? @v @m)) @d',
      '(call_expression function: (field_expression field: (field_identifier) @m) (#match? @m "^clon")) @e',
      '(call_expression function: (field_expression field: (field_identifier) @m) (#not-match? @m "^clon")) @f',
      '(call_expression function: (field_expression field: (field_identifier) @m) (#any-of? @m "y" "cloned")) @g',
      '(call_expression function: (field_expression field: (field_identifier) @m) (#not-any-of? @m "y" "cloned")) @h',
      '(call_expression function: (field_expression field: (field_identifier) @m) (#any-eq? @m "z")) @i',
      '(call_expression function: (field_expression field: (field_identifier) @m) (#any-not-eq? @m "z")) @j',
      '(call_expression function: (field_expression field: (field_identifier) @m) (#any-match? @m "z")) @k',
      '(call_expression function: (field_expression field: (field_identifier) @m) (#any-not-match? @m "z")) @l',
    ].join('\n');
    const { compileQuery } = await import('../src/engine/parser.js');
    const q = compileQuery(query);
    const shapes = buildShapes(planShapes(query));
    expect(shapes.query.patternCount()).toBe(2);
    const tree = parseRust(src);
    try {
      const expected = shape(q.matches(tree.rootNode));
      expect(expected.length).toBeGreaterThan(12);
      expect(shape(shapeMatches(shapes, tree, src))).toEqual(expected);
    } finally {
      tree.delete();
      q.delete();
    }
  });
});

describe('top-level items', () => {
  const kinds = (src: string) => topLevelItems(src)!.map((i) => [src.slice(i.start, i.end), i.open >= 0 ? src.slice(i.open, i.close + 1) : null]);

  it('finds items, their bodies and what may be elided', () => {
    const src = [
      '#![allow(dead_code)]',
      'use std::fmt;',
      '#[derive(Debug)]',
      'pub(crate) struct S { a: u8 }',
      'const T: &[u8] = &[1, 2];',
      'const fn k() -> u8 { 1 }',
      'impl S { fn f(&self) {} }',
      'lazy_static! { static ref X: u8 = 1; }',
      'foo!(a, b);',
      'extern "C" { fn g(); }',
      'struct U(u8);',
    ].join('\n');
    expect(kinds(src)).toEqual([
      ['#![allow(dead_code)]\nuse std::fmt;', null],
      ['#[derive(Debug)]\npub(crate) struct S { a: u8 }', null],
      ['const T: &[u8] = &[1, 2];', '[1, 2]'],
      ['const fn k() -> u8 { 1 }', '{ 1 }'],
      ['impl S { fn f(&self) {} }', '{ fn f(&self) {} }'],
      ['lazy_static! { static ref X: u8 = 1; }', '{ static ref X: u8 = 1; }'],
      ['foo!(a, b);', '(a, b)'],
      ['extern "C" { fn g(); }', '{ fn g(); }'],
      ['struct U(u8);', null],
    ]);
  });

  it('is not fooled by brackets in strings, raw strings, chars, comments and lifetimes', () => {
    const src = [
      "fn a<'x>(s: &'x str) -> char { let _ = \"}\"; let _ = r#\"}\"#; let _ = b'}'; /* } /* } */ */ '}' }",
      '// }',
      "fn b() { let r#type = 1; loop { 'l: loop { break 'l; } } }",
    ].join('\n');
    const items = topLevelItems(src)!;
    expect(items.map((i) => src.slice(i.start, i.end).slice(0, 5))).toEqual(["fn a<", 'fn b(']);
    expect(src.slice(items[0]!.close - 4, items[0]!.close + 1)).toBe("'}' }");
  });

  it('tells raw strings from plain ones inside bodies, whatever their prefix', () => {
    const src = [
      'fn a() { let _ = (r"\\", br"}\\", cr##"}"#}"##, b"\\"}", c"}", ar"}"); }',
      'fn b() { f(x r"{"); g(r#r#"{"#); }',
      'fn c() {}',
    ].join('\n');
    const items = topLevelItems(src)!;
    expect(items.map((i) => src.slice(i.start, i.end))).toEqual(src.split('\n'));
  });

  it('keeps generic defaults, where clauses and const generics from ending an item early', () => {
    const src = [
      'impl<T: Iterator<Item = u8>> Tr for W<T> where T: Clone { fn a(&self) -> u8 { 1 } }',
      'struct S<T = u8> { t: T }',
      'fn g<const N: usize>() -> [u8; N] { [0; N] }',
      'static M: std::sync::Mutex<u8> = std::sync::Mutex::new(0);',
    ].join('\n');
    expect(kinds(src)).toEqual([
      ['impl<T: Iterator<Item = u8>> Tr for W<T> where T: Clone { fn a(&self) -> u8 { 1 } }', '{ fn a(&self) -> u8 { 1 } }'],
      ['struct S<T = u8> { t: T }', null],
      ['fn g<const N: usize>() -> [u8; N] { [0; N] }', '{ [0; N] }'],
      ['static M: std::sync::Mutex<u8> = std::sync::Mutex::new(0);', '(0)'],
    ]);
  });

  it('splits the members of impl, trait and mod bodies', () => {
    const src = 'mod m { fn a() { 1 } fn b() { 2 } }';
    const [m] = topLevelItems(src)!;
    expect(membersOf(src, m!)!.map((i) => src.slice(i.open, i.close + 1))).toEqual(['{ 1 }', '{ 2 }']);
  });

  it('collects the comment runs between items, but not inner docs or what precedes the first item', () => {
    const src = ['//! crate docs', '// license', 'use a::b;', '/// doc 1', '/// doc 2', '', '/* block */', 'fn f() {}', '//! odd inner doc', 'fn g() {}'].join('\n');
    const items = topLevelItems(src)!;
    expect(items.comments.map(([a, b]) => src.slice(a, b))).toEqual(['/// doc 1\n/// doc 2\n\n/* block */']);
  });

  it('gives up (null) on text it cannot follow', () => {
    expect(topLevelItems('fn a() { "unterminated }')).toBeNull();
    expect(topLevelItems('fn a() { ( }')).toBeNull();
    expect(topLevelItems('fn a() { /* }')).toBeNull();
  });
});

describe('literal occurrences', () => {
  it('agree with containsToken on every fixture', () => {
    const lits = new Set(rules.rules.flatMap((r) => r.triggers.flat(2)));
    for (const { name, source } of fixtureSources()) {
      const occ = literalOccurrences(source, lits);
      for (const lit of lits) expect(occ.has(lit), `${name}: ${lit}`).toBe(containsToken(source, lit));
    }
  });

  it('find whole words only, at the edges of the text and next to non-ASCII letters too', () => {
    const lits = new Set(['clone', 'len', 'x1', '!']);
    const source = 'clone(); a.clone_from(b); éclone; _len len; 1x1 x1 x1!clone';
    const occ = literalOccurrences(source, lits);
    const at = (lit: string) => occ.get(lit) ?? [];
    expect(at('clone')).toEqual([0, 27, 54]); // not in clone_from; after é (not an ASCII word character)
    expect(at('len')).toEqual([39]);
    expect(at('x1')).toEqual([48, 51]); // not inside 1x1
    expect(at('!')).toEqual([53]);
  });
});

describe('reading a partial parse', () => {
  const range = (startIndex: number, endIndex: number) => ({ startIndex, endIndex, startPosition: { row: 0, column: startIndex }, endPosition: { row: 0, column: endIndex } });

  it('hands over the rest of the range read, and of the ranges right after it, never an empty text before the end', () => {
    const source = 'a'.repeat(20_000);
    const read = rangeReader(source, [range(0, 100), range(150, 300), range(5_000, 6_000), range(19_990, 20_000)]);
    expect(read(0).length).toBe(300); // across a 50-character gap
    expect(read(200).length).toBe(100);
    expect(read(5_000).length).toBe(1_000); // a long gap stops it
    expect(read(19_995)).toBe('aaaaa');
    expect(read(20_000)).toBe('');
    expect(read(7_000).length).toBe(5_119); // outside every range: a whole buffer, as before
  });

  it('gives the same trees as reading the whole text', () => {
    const source = fixtureSources().map((f) => `mod m_${f.name.replaceAll('-', '_')} {\n${f.source}\n}\n`).join('');
    const lits = new Set(rules.rules.flatMap((r) => r.triggers.flat(2)));
    const occ = literalOccurrences(source, lits);
    const ranges = partialRanges(source, rules.rules.filter((r) => triggered(r, (l) => occ.has(l))), occ)!;
    expect(ranges.length).toBeGreaterThan(1);
    const a = parseRust(source, ranges);
    const plain = new Parser();
    plain.setLanguage(rust());
    const b = plain.parse(source, null, { includedRanges: ranges })!; // web-tree-sitter reading the whole string
    plain.delete();
    expect(a.rootNode.toString()).toBe(b.rootNode.toString());
    a.delete();
    b.delete();
  });
});

describe('item-level partial parsing', () => {
  // One large file: every fixture in its own module, plus functions no rule can match in.
  const plain = (i: number) => `fn plain_${i}(a: u32) -> u32 {\n    let b = a * 2;\n    b + ${i}\n}\n`;
  const bigFile = () =>
    fixtureSources()
      .filter(({ source }) => !source.includes('rxfix-ignore'))
      .map(({ source }, i) => `${plain(i)}mod fixture_${i} {\n${source}\n}\n`)
      .join('\n');

  it('leaves out bodies without triggers and finds exactly what a full parse finds', async () => {
    const noFileScope = await ruleSetOf(builtinRules.filter((r) => r.scope !== 'file').map((r) => r.id));
    const source = bigFile();
    const lits = new Set(noFileScope.rules.flatMap((r) => r.triggers.flat(2)));
    const occ = literalOccurrences(source, lits);
    const active = noFileScope.rules.filter((r) => r.def.query && triggered(r, (l) => occ.has(l)));
    const ranges = partialRanges(source, active, occ)!;
    expect(ranges).not.toBeNull();
    const parsed = ranges.reduce((n, r) => n + r.endIndex - r.startIndex, 0);
    expect(parsed).toBeLessThan(source.length);
    for (const includeTests of [false, true]) {
      const full = matchSource('src/lib.rs', source, noFileScope, { includeTests, partial: false });
      const part = matchSource('src/lib.rs', source, noFileScope, { includeTests });
      expect(part.findings.length).toBeGreaterThan(50);
      expect(part.findings).toEqual(full.findings);
    }
  });

  it('`rxfix scan` prints the same bytes with and without --no-partial', () => {
    const dir = tempDir('rxfix-partial-');
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'Cargo.toml'), '[package]\nname = "big"\nversion = "0.1.0"\nedition = "2021"\n');
    writeFileSync(path.join(dir, 'src/lib.rs'), bigFile());
    const args = ['scan', '--format', 'json', '--no-cache', '--include-tests', '--fail-on', 'never'];
    const part = rxfix(args, { cwd: dir });
    const full = rxfix([...args, '--no-partial'], { cwd: dir });
    expect(part.code).toBe(0);
    expect(JSON.parse(part.stdout).findings.length).toBeGreaterThan(50);
    expect(part.stdout).toBe(full.stdout);
  });

  it('parses whole files where a file-scope rule may match', async () => {
    const source = bigFile();
    const all = matchSource('src/lib.rs', source, rules, { includeTests: true });
    const full = matchSource('src/lib.rs', source, rules, { includeTests: true, partial: false });
    expect(all.findings).toEqual(full.findings);
    expect(rules.rules.some((r) => r.def.scope === 'file')).toBe(true);
  });
});
