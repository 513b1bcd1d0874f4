import type { Node } from 'web-tree-sitter';
import { normalize, resolvePath } from '../../src/engine/analysis/paths.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule, INSIDE_LOOP } from '../../src/engine/rule.js';
import { loopAround } from '../sync/shared.js';

export const SPAWNS = new Set([
  'tokio::spawn', 'tokio::task::spawn', 'tokio::task::spawn_local', 'tokio::task::spawn_blocking',
  'async_std::task::spawn', 'async_std::task::spawn_local', 'async_std::task::spawn_blocking',
]);

/** The spawn function a call's callee names, resolved through `use`; null for local fns and unknowns. */
export function spawnPath(ctx: FileContext, callee: Node): string | null {
  const r = resolvePath(ctx, callee.text, callee);
  if (r.kind === 'local' || r.kind === 'glob') return null;
  const p = normalize(r.path);
  return SPAWNS.has(p) ? p : null;
}

export default defineRule({
  id: 'spawn-in-loop',
  family: 'async',
  requires: INSIDE_LOOP, // check(): loopAround
  severity: 'warning',
  tier: 'report-only',
  clippy: null,
  message: 'a task is spawned and awaited in each iteration: the tasks run one at a time',
  help: 'spawn every task first, then await them: a `tokio::task::JoinSet` (`set.spawn(..)` in the loop, `while let Some(r) = set.join_next().await` after it) or `futures::future::join_all` over the collected handles',
  docs: `Matched: \`tokio::spawn\`, \`tokio::task::{spawn, spawn_local, spawn_blocking}\` and
\`async_std::task::{spawn, spawn_local, spawn_blocking}\`, resolved through \`use\` (a local
\`fn spawn\`, \`JoinSet::spawn\` and \`Handle::spawn\` methods are not), inside a loop body, in two
shapes:

(a) the handle is awaited in the same iteration (\`spawn(f(x)).await\`, or \`let h = spawn(..);\`
then \`h.await\` in the loop with no other \`.await\` in between): each task finishes before the next starts, so the spawn buys no
concurrency and adds a task allocation and a scheduler round trip per item. Any loop kind.

(b) the handle is dropped (\`spawn(..);\` as a statement, or \`let _ = spawn(..)\`) in a \`for\` loop
over a collection: one detached task per item, with unbounded concurrency, and errors and panics
that nobody observes; the function returns before the work is done.

Not matched: handles stored anywhere (pushed into a \`Vec\`, collected, sent, returned): they run
concurrently already, whether awaited in order or with \`join_all\`; \`while\`/\`loop\` bodies for
shape (b) (accept and event loops spawn per connection by design); \`for\` loops over a numeric
range for shape (b) (starting N workers); spawns inside closures (\`.map(|x| spawn(..))\`).

Fix: a \`JoinSet\` (dropping it aborts its tasks, unlike dropped \`JoinHandle\`s), or collected
handles with \`join_all\`; bound concurrency with a \`Semaphore\` or
\`stream::iter(items).map(f).buffer_unordered(n)\`. Never wrap the whole loop in one task: that is
serial again. Tier: report-only (a concurrency decision).`,
  example: {
    before: 'for url in urls { tokio::spawn(fetch(url)).await?; }',
    after: 'let mut set = JoinSet::new();\nfor url in urls { set.spawn(fetch(url)); }\nwhile let Some(res) = set.join_next().await { res?; }',
  },
  query: `(call_expression
  function: [(identifier) @name (scoped_identifier name: (identifier) @name)]
  (#any-of? @name "spawn" "spawn_local" "spawn_blocking")) @match`,
  check(m, ctx) {
    const callee = m.node.childForFieldName('function')!;
    const which = spawnPath(ctx, callee);
    if (!which) return false;
    const loop = loopAround(ctx, m.node);
    if (!loop) return false;
    const body = loop.childForFieldName('body');
    if (!body) return false;
    const p = ctx.parent(m.node);
    if (p?.type === 'await_expression') return true;
    if (p?.type === 'let_declaration' && p.childForFieldName('value')?.id === m.node.id) {
      const pat = p.childForFieldName('pattern');
      if (pat?.type === 'identifier' && awaitedIn(body, pat.text, p)) return true;
      if (pat?.type === '_' || pat?.text === '_') return detached(ctx, loop, which);
      return false;
    }
    if (p?.type === 'expression_statement') return detached(ctx, loop, which);
    return false;
  },
});

/**
 * `h.await` for the binding `h`, after its `let`, inside the loop body, with no other `.await` in
 * between (work awaited meanwhile would overlap with the task: the spawn then buys concurrency).
 */
function awaitedIn(body: Node, name: string, decl: Node): boolean {
  const awaits = body.descendantsOfType('await_expression').filter((a): a is Node => a !== null && a.startIndex >= decl.endIndex);
  const own = awaits.find((a) => {
    const inner = a.namedChildren[0];
    return inner?.type === 'identifier' && inner.text === name;
  });
  if (!own) return false;
  return !awaits.some((a) => a.id !== own.id && a.startIndex < own.startIndex && !insideAsyncOrClosure(a, body));
}

function insideAsyncOrClosure(n: Node, stop: Node): boolean {
  for (let p = n.parent; p && p.id !== stop.id; p = p.parent) if (p.type === 'async_block' || p.type === 'closure_expression') return true;
  return false;
}

function detached(_ctx: FileContext, loop: Node, which: string): false | { message: string; help: string } {
  if (loop.type !== 'for_expression') return false;
  const value = loop.childForFieldName('value');
  if (!value || value.type === 'range_expression' || /^\(?\s*\d[\w]*\s*\.\./.test(value.text)) return false;
  return {
    message: `a detached task is spawned per item (\`${which}\`): unbounded concurrency, and its errors and panics are lost`,
    help: 'spawn into a `tokio::task::JoinSet` and drain it with `join_next().await` (errors and panics surface; dropping the set aborts the tasks), and bound concurrency with a `Semaphore` or `stream::iter(..).buffer_unordered(n)`',
  };
}
