import type { Node } from 'web-tree-sitter';
import { blockStatements, isPlace, isPureExpr, mentions, methodCall, statementExpression } from '../../src/engine/analysis/loops.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule } from '../../src/engine/rule.js';
import { hasCommentIn, insideFnNamed } from './shared.js';

const norm = (s: string) => s.replace(/\s+/g, '');

interface Plan {
  kind: 'map' | 'set';
  map: string;
  text: string;
}

function rootName(place: Node): string {
  let cur = place;
  while (cur.type === 'field_expression') cur = cur.childForFieldName('value')!;
  return cur.text;
}

/** `if !m.contains_key(&k) { m.insert(k, v); }` / `if !s.contains(&x) { s.insert(x); }`. */
function plan(ifExpr: Node, ctx: FileContext): Plan | null {
  if (ifExpr.tree !== ctx.tree || ifExpr.childForFieldName('alternative')) return null;
  if (insideFnNamed(ctx, ifExpr, ['entry', 'insert'])) return null;
  const stmt = ifExpr.parent;
  if (stmt?.type !== 'expression_statement' || stmt.parent?.type !== 'block') return null;
  const cond = ifExpr.childForFieldName('condition');
  if (!cond || cond.type !== 'unary_expression' || !cond.text.startsWith('!')) return null;
  const test = methodCall(cond.namedChildren[0]);
  if (!test || test.turbofish || test.args.length !== 1 || (test.method !== 'contains_key' && test.method !== 'contains')) return null;
  const keyRef = test.args[0]!;
  if (keyRef.type !== 'reference_expression' || keyRef.children.some((c) => c?.type === 'mutable_specifier')) return null;
  const key = keyRef.childForFieldName('value')!;
  if (!isPlace(test.receiver) || !(isPureExpr(key) || key.type.endsWith('_literal'))) return null;
  const body = ifExpr.childForFieldName('consequence');
  if (!body) return null;
  const stmts = blockStatements(body);
  if (stmts.length !== 1) return null;
  const insert = methodCall(statementExpression(stmts[0]!));
  if (!insert || insert.method !== 'insert' || insert.turbofish || norm(insert.receiver.text) !== norm(test.receiver.text)) return null;
  const map = test.receiver.text;
  const root = rootName(test.receiver);
  if (test.method === 'contains_key') {
    if (insert.args.length !== 2 || norm(insert.args[0]!.text) !== norm(key.text)) return null;
    const value = insert.args[1]!;
    if (mentions(value, root)) return null;
    const lazy = !(value.type.endsWith('_literal') || isPlace(value));
    const or = lazy ? `or_insert_with(|| ${value.text})` : `or_insert(${value.text})`;
    return { kind: 'map', map, text: `${map}.entry(${key.text}).${or};` };
  }
  if (insert.args.length !== 1 || norm(insert.args[0]!.text) !== norm(key.text)) return null;
  return { kind: 'set', map, text: `${map}.insert(${key.text});` };
}

export default defineRule({
  id: 'map-entry',
  family: 'collections',
  severity: 'warning',
  tier: 'verify',
  clippy: 'clippy::map_entry',
  aliases: ['set-contains-or-insert'],
  message: 'a key is looked up twice: once to test, once to insert',
  help: 'use the entry API (maps) or the result of `insert` (sets): one lookup',
  docs: `\`if !m.contains_key(&k) { m.insert(k, v); }\` hashes \`k\` and probes the table twice on a miss.
\`m.entry(k).or_insert(v)\` does it once. For sets, \`insert\` already does nothing when the value is
present (and returns whether it inserted), so \`if !s.contains(&x) { s.insert(x); }\` is \`s.insert(x);\`.

Matched: an \`if\` statement with no \`else\` whose condition is \`!m.contains_key(&k)\` (or
\`!s.contains(&x)\`) and whose body is exactly \`m.insert(k, v);\` (or \`s.insert(x);\`) on the same place and
key, with \`k\` side-effect free.

Fix: \`m.entry(k).or_insert(v);\` when \`v\` is a literal or a place, else \`m.entry(k).or_insert_with(|| v);\`
so \`v\` is still only built on a miss; \`s.insert(x);\` for sets (a \`Vec\` has no one-argument \`insert\`).

When not: when the key was cloned only on a miss (\`insert(k.clone(), v)\`: \`entry(k.clone())\` would clone
on every hit; not matched since the key must be the same side-effect-free expression). The value may
not mention the map. Tier verify: a map type without an entry API fails to compile (caught); a
\`BTreeMap\`/\`HashMap\` behaves the same. Clippy: \`clippy::map_entry\` (perf),
\`clippy::set_contains_or_insert\` (nursery).`,
  example: {
    before: 'if !counts.contains_key(&word) {\n    counts.insert(word, 0);\n}',
    after: 'counts.entry(word).or_insert(0);',
  },
  query: `(if_expression
  condition: (unary_expression
    (call_expression function: (field_expression field: (field_identifier) @test)))
  (#any-of? @test "contains_key" "contains")) @match`,
  check(m, ctx) {
    const p = plan(m.node, ctx);
    if (!p) return false;
    return p.kind === 'set'
      ? { message: `\`${p.map}\` is searched twice: \`contains\` then \`insert\``, help: `\`${p.map}.insert(..)\` alone does nothing when the value is present` }
      : { message: `\`${p.map}\` is searched twice: \`contains_key\` then \`insert\`` };
  },
  fix(m, ctx) {
    const p = plan(m.node, ctx);
    const stmt = m.node.parent!;
    if (!p || hasCommentIn(stmt, stmt.startIndex, stmt.endIndex)) return null;
    const semi = stmt.lastChild?.type === ';' || stmt.nextSibling?.type === 'empty_statement' || stmt.nextSibling?.type === ';';
    return [{ start: m.node.startIndex, end: m.node.endIndex, text: semi ? p.text.slice(0, -1) : p.text }];
  },
});
