import type { Node } from 'web-tree-sitter';
import { methodCall } from '../../src/engine/analysis/loops.js';
import { macroName } from '../../src/engine/macros.js';
import { defineRule } from '../../src/engine/rule.js';

/** Calls in a key closure that allocate or are costly per call. */
const COSTLY_METHODS = new Set(['to_lowercase', 'to_uppercase', 'to_ascii_lowercase', 'to_ascii_uppercase', 'to_string', 'to_owned', 'collect', 'to_vec', 'format', 'canonicalize', 'metadata']);

/** The allocation in the closure body that makes each key costly, or null. */
function costlyKey(closure: Node): string | null {
  const body = closure.childForFieldName('body');
  if (!body) return null;
  for (const n of [body, ...body.descendantsOfType(['call_expression', 'macro_invocation'])]) {
    if (!n) continue;
    if (n.type === 'macro_invocation') {
      if (macroName(n) === 'format') return 'format!';
      continue;
    }
    const m = methodCall(n);
    if (m && COSTLY_METHODS.has(m.method)) return `${m.method}()`;
  }
  return null;
}

export default defineRule({
  id: 'sort-by-cached-key',
  family: 'indexing',
  severity: 'warning',
  tier: 'verify',
  clippy: null,
  message: 'a sort key that allocates is recomputed on every comparison',
  help: 'use `sort_by_cached_key`: each key is computed once',
  docs: `\`v.sort_by_key(|x| x.name.to_lowercase())\` calls the key closure twice per comparison, about
2·n·log2(n) times, and every call allocates a \`String\`. \`sort_by_cached_key\` computes the n keys once,
then sorts indices by them.

Matched: \`sort_by_key\` / \`sort_unstable_by_key\` with a closure whose body calls \`to_lowercase\`,
\`to_uppercase\`, \`to_ascii_lowercase\`/\`uppercase\`, \`to_string\`, \`to_owned\`, \`collect\`,
\`to_vec\`, \`canonicalize\`, \`metadata\`, or \`format!\`.

Fix: \`sort_by_cached_key(..)\` with the same closure. It is stable, so equal keys keep their order;
\`sort_unstable_by_key\` may be rewritten too, because a stable order is one of the orders an unstable
sort may produce (tests that recorded the old order of equal keys could notice).

\`clone()\` is not counted: on a \`Copy\` or \`Rc\` field it costs nothing, and the type is not visible.

When not: cheap keys (a field copy), where the key buffer (n keys plus n indices) costs more than it
saves. Tier verify, and bench it (patterns.md §6). No clippy lint.`,
  example: {
    before: 'files.sort_by_key(|f| f.name.to_lowercase());',
    after: 'files.sort_by_cached_key(|f| f.name.to_lowercase());',
  },
  query: `(call_expression
  function: (field_expression field: (field_identifier) @sort)
  arguments: (arguments . (closure_expression) @key .)
  (#any-of? @sort "sort_by_key" "sort_unstable_by_key")) @match`,
  check(m) {
    const why = costlyKey(m.cap('key'));
    if (!why) return false;
    return { message: `the sort key calls \`${why}\` on every comparison` };
  },
  fix(m) {
    const s = m.cap('sort');
    return [{ start: s.startIndex, end: s.endIndex, text: 'sort_by_cached_key' }];
  },
});
