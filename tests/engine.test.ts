// Engine units: triggers, fail-closed loading, macro-aware matching, excluded contexts, positions.
import { describe, expect, it } from 'vitest';
import { matchSource } from '../src/engine/match.js';
import { loadRust } from '../src/engine/parser.js';
import { LineIndex, utf16ToUtf8, utf8ToUtf16 } from '../src/engine/positions.js';
import { mandatoryCaptures, patternTriggers, regexLiterals, splitPatterns } from '../src/engine/query-text.js';
import { compileRuleSet, mayMatch } from '../src/engine/registry.js';
import { defineRule, type RuleDef } from '../src/engine/rule.js';
import { applyEdits, mapBack, pickNonOverlapping } from '../src/fix/edits.js';
import { needsParens } from '../src/engine/syntax.js';
import { ruleSetOf, scan } from './helpers/engine.js';

const base = {
  family: 'alloc',
  severity: 'warning',
  tier: 'report-only',
  clippy: null,
  message: 'm',
  help: 'h',
  docs: 'd',
  example: { before: '', after: '' },
} as const;

const cloneRule = defineRule({
  ...base,
  id: 'any-clone',
  query: '(call_expression function: (field_expression field: (field_identifier) @m) (#eq? @m "clone")) @match',
});

describe('query text', () => {
  it('splits top-level patterns', () => {
    expect(splitPatterns('(a) @x\n; comment (b)\n[(b) (c)] @y ((d) (#eq? @d "x"))')).toEqual(['(a) @x\n; comment (b)\n', '[(b) (c)] @y ', '((d) (#eq? @d "x"))']);
  });

  it('derives literals from the nodes every match contains, not optional or alternative ones', () => {
    expect(patternTriggers('(for_expression value: (range_expression) body: (block (expression_statement (assignment_expression left: (index_expression)))))')).toEqual([['..'], ['['], ['for']]);
    expect(patternTriggers('(for_expression value: (range_expression)? body: (block))')).toEqual([['for']]);
    expect(patternTriggers('(block [(let_declaration) (if_expression)])')).toEqual([]);
    expect(patternTriggers('(for_expression)? @x')).toEqual([]);
  });

  it('derives triggers only from captures every match binds', () => {
    expect(patternTriggers('(call_expression function: (identifier) @f (#eq? @f "drop"))')).toEqual([['drop']]);
    expect(patternTriggers('(x [(identifier) @n (scoped_identifier name: (identifier) @n)] (#eq? @n "format"))')).toEqual([['format']]);
    expect(patternTriggers('(x [(identifier) @n (field_identifier) @o] (#eq? @n "a"))')).toEqual([]);
    expect(patternTriggers('(x (identifier)? @n (#eq? @n "a"))')).toEqual([]);
    expect(patternTriggers('(x (identifier) @n (#any-of? @n "a" "b") (#not-eq? @n "c"))')).toEqual([['a', 'b']]);
    expect([...mandatoryCaptures('(a (b) @x (c)* @y [(d) @z (e) @z])')].sort()).toEqual(['x', 'z']);
  });

  it('reads strings as tree-sitter unescapes them, and skips comments', () => {
    expect(patternTriggers('(string_literal) @s (#eq? @s "a\\"b\\n\\x") ; (#eq? @s "c")')).toEqual([['a"b\nx']]);
    expect(patternTriggers('(identifier) @s (#any-of? @s "x;y" "z")')).toEqual([['x;y', 'z']]);
  });

  it('derives whole-token triggers from #match? regexes only when they are literal and fenced', () => {
    expect(regexLiterals('\\.\\s*\\blen\\b\\s*\\(')).toEqual(['len']);
    expect(regexLiterals('\\bclone\\b|\\bto_owned\\b')).toEqual(['clone', 'to_owned']);
    expect(regexLiterals('\\.len\\(')).toEqual(['.len(']);
    // `clone` unfenced would also match `clone_from`: not a whole-token trigger
    for (const rich of ['clone', '^[A-Z]+$', 'a.b', '\\d+x', 'x(y|z)', 'ab?', 'a']) expect(regexLiterals(rich)).toBeNull();
    expect(patternTriggers('((binary_expression) @c (#match? @c "\\\\blen\\\\b"))')).toEqual([['len']]);
    expect(patternTriggers('((x (y)? @c) (#match? @c "\\\\bclone\\\\b"))')).toEqual([]);
  });
});

describe('rule loading fails closed', () => {
  it('rejects unknown predicates, missing captures, bad queries, bad tiers, duplicate ids', async () => {
    await loadRust();
    const load = (d: Partial<RuleDef>) => () => compileRuleSet([{ ...base, id: 'r', query: '(identifier) @x', ...d } as RuleDef]);
    expect(load({ query: '((identifier) @x (#frob? @x "a"))' })).toThrow('rule `r`: unknown query predicate `#frob?`');
    expect(load({ tier: 'safe', fix: (m) => [{ start: m.cap('nope').startIndex, end: 0, text: '' }] })).toThrow('check/fix uses capture `@nope`, which the query does not define');
    expect(load({ check: (m) => Boolean(m.opt('other')) })).toThrow('`@other`');
    expect(load({ query: '(no_such_node) @x' })).toThrow('rule `r`: query does not compile');
    expect(load({ tier: 'safe' })).toThrow('tier `safe` needs a fix');
    expect(load({ id: 'Bad_Id' })).toThrow('kebab-case');
    expect(() => compileRuleSet([cloneRule, cloneRule])).toThrow('defined twice');
    expect(load({ requires: [[]] })).toThrow('`requires` must be a list of non-empty lists of non-empty tokens');
    expect(load({ requires: ['for'] as unknown as string[][] })).toThrow('`requires`');
  });
});

describe('matching', () => {
  it('skips files without a trigger, and counts them as not parsed', async () => {
    const rules = await ruleSetOf([], [cloneRule]);
    expect(mayMatch(rules.rules[0]!, 'fn f() {}')).toBe(false);
    expect(matchSource('a.rs', 'fn f() { let x = 1; }', rules).parsed).toBe(false);
    expect(matchSource('a.rs', 'fn f() { x.clone(); }', rules).parsed).toBe(true);
  });

  it('adds a rule\'s `requires` tokens to its triggers, for files and for item bodies', async () => {
    const inLoop = defineRule({ ...cloneRule, id: 'clone-in-loop', requires: [['for', 'while', 'loop']] });
    const rules = await ruleSetOf([], [inLoop]);
    const rule = rules.rules[0]!;
    expect(mayMatch(rule, 'fn f() { x.clone(); }')).toBe(false);
    expect(mayMatch(rule, 'fn f() { while go() { x.clone(); } }')).toBe(true);
    // a body with the method but no loop is left out of the parse: no match is found there
    const filler = `// ${'x'.repeat(4096)}\n`;
    const source = `${filler}fn a() { y.clone(); }\nfn b() { for i in v { i.clone(); } }\n`;
    const r = matchSource('a.rs', source, rules, { includeTests: true });
    expect(r.findings.map((f) => source.slice(f.start, f.end))).toEqual(['i.clone()']); // `y.clone()` was not parsed
  });

  it('sees expressions inside known macros, nested ones too, at file offsets', async () => {
    const rules = await ruleSetOf([], [cloneRule]);
    const src = 'fn f(x: String) {\n    println!("{} {}", x.clone(), format!("{}", x.clone()));\n    let v = vec![x.clone(); 2];\n    assert_eq!(x.clone(), x);\n}\n';
    const found = scan(src, rules).map((f) => [f.line, f.column, src.slice(f.start, f.end)]);
    expect(found).toEqual([
      [2, 23, 'x.clone()'],
      [2, 48, 'x.clone()'],
      [3, 18, 'x.clone()'],
      [4, 16, 'x.clone()'],
    ]);
  });

  it('never matches in literals, comments, doc comments, attributes, macro_rules! or unknown macros', async () => {
    const rules = await ruleSetOf([], [cloneRule]);
    const src = [
      '//! x.clone()',
      '/// x.clone()',
      '/* x.clone() /* nested */ x.clone() */',
      '#[doc = concat!("a", x.clone())]',
      'macro_rules! m { ($x:expr) => { $x.clone() }; }',
      'macro_rules! println { ($x:expr) => { $x.clone() }; }',
      'fn f(x: String) -> &\'static str {',
      '    let _ = quote!(x.clone());',
      '    let _ = json!({ "a": x.clone() });',
      '    r#"x.clone()"#',
      '}',
      '',
    ].join('\n');
    expect(scan(src, rules)).toEqual([]);
  });

  it('does not expand a std macro name the file redefines', async () => {
    const rules = await ruleSetOf([], [cloneRule]);
    expect(scan('macro_rules! vec { ($($t:tt)*) => { 0 } }\nfn f(x: u8) { let _ = vec![x.clone()]; }\n', rules)).toEqual([]);
  });

  it('reports columns in Unicode scalars after astral characters', async () => {
    const rules = await ruleSetOf([], [cloneRule]);
    const src = 'fn f(x: String) { let _ = ("🦀🦀", x.clone()); }\n';
    const [f] = scan(src, rules);
    expect([f!.line, f!.column]).toEqual([1, 34]);
  });

  it('keeps a BOM and CRLF line endings intact', async () => {
    const rules = await ruleSetOf(['useless-format']);
    const src = '\ufefffn a() -> String {\r\n    format!("x")\r\n}\r\n';
    const [f] = scan(src, rules);
    expect([f!.line, f!.column]).toEqual([2, 5]);
    expect(applyEdits(src, f!.edits!)).toBe('\ufefffn a() -> String {\r\n    "x".to_string()\r\n}\r\n');
  });
});

describe('syntax helpers', () => {
  it('parenthesises receivers only when precedence needs it', () => {
    for (const atom of ['x', 'a.b', 'a::b(c + d)', 'v[i + 1]', '"a b"', 'x?', 'regex!(r"[a]+")', 'm!(x).y()']) expect(needsParens(atom)).toBe(false);
    for (const op of ['a + b', '*r', '&x', '-1', '!ok', 'a as u8', '0..n', '|x| x', 'a != b']) expect(needsParens(op)).toBe(true);
  });
});

describe('positions and edits', () => {
  it('converts between UTF-16 indices and UTF-8 bytes', () => {
    const s = 'aé🦀b';
    expect(utf16ToUtf8(s, 4)).toBe(7);
    expect(utf8ToUtf16(s, 7)).toBe(4);
    expect(utf8ToUtf16(s, 1)).toBe(1);
    expect(utf8ToUtf16(s, 3)).toBe(2);
    const lines = new LineIndex('ab\n🦀c\n');
    expect(lines.position(5)).toEqual({ line: 2, column: 2 });
    expect(lines.indexOf(2, 2)).toBe(5);
  });

  it('defers overlapping edits and maps positions back', () => {
    const a = { edits: [{ start: 0, end: 4, text: 'x' }] };
    const b = { edits: [{ start: 2, end: 6, text: 'y' }] };
    const c = { edits: [{ start: 6, end: 6, text: 'z' }] };
    expect(pickNonOverlapping([a, b, c])).toEqual({ picked: [a, c], deferred: [b] });
    const edits = [{ start: 0, end: 4, text: 'x' }];
    expect(applyEdits('abcdefgh', edits)).toBe('xefgh');
    expect(mapBack(2, edits)).toBe(5);
  });
});
