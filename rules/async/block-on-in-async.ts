import { inAsync } from '../../src/engine/analysis/async.js';
import { normalize, resolvePath } from '../../src/engine/analysis/paths.js';
import { defineRule } from '../../src/engine/rule.js';

const BLOCK_ON = new Set([
  'futures::executor::block_on', 'futures_executor::block_on', 'futures_lite::future::block_on',
  'async_std::task::block_on', 'pollster::block_on', 'smol::block_on', 'tokio::runtime::Handle::block_on',
  'tokio::runtime::Runtime::block_on', 'async_global_executor::block_on', 'extreme::run',
]);

export default defineRule({
  id: 'block-on-in-async',
  family: 'async',
  severity: 'warning',
  tier: 'report-only',
  clippy: null,
  message: '`block_on` inside async code blocks the executor thread',
  help: '`.await` the future instead; if this code must stay synchronous, move it out of the async context (`spawn_blocking`)',
  docs: `\`block_on(fut)\` runs a future to completion by blocking the current thread. Inside async code that
thread is an executor worker: every other task on it stops until \`fut\` finishes, and if \`fut\`
needs a task that is scheduled on the same worker, it never finishes (a deadlock). Inside a Tokio
runtime, \`Runtime::block_on\`/\`Handle::block_on\` panic at once with "Cannot start a runtime from
within a runtime" (or "Cannot block the current thread from within a runtime").

Matched in async code (\`asyncContext\`: an \`async fn\`, \`async\` block or async closure; a plain
closure ends it, so \`spawn_blocking(|| handle.block_on(..))\`, the correct bridge, is not
matched): a free function call that resolves through \`use\` to \`futures::executor::block_on\`,
\`async_std::task::block_on\`, \`pollster::block_on\`, \`smol::block_on\` or
\`futures_lite::future::block_on\`, and any \`.block_on(fut)\` method call with one argument (tokio's
\`Runtime\` and \`Handle\`). A local \`fn block_on\` is not matched.

Fix: \`.await\` the future. Tier: report-only: the caller may need restructuring (a sync trait
method called from async code, for example).`,
  example: {
    before: 'async fn load() -> Data { futures::executor::block_on(fetch()) }',
    after: 'async fn load() -> Data { fetch().await }',
  },
  query: `(call_expression
  function: [(identifier) @name
             (scoped_identifier name: (identifier) @name)
             (field_expression field: (field_identifier) @name)]
  arguments: (arguments) @args
  (#eq? @name "block_on")) @match`,
  check(m, ctx) {
    const f = m.node.childForFieldName('function')!;
    if (f.type === 'field_expression') {
      if (m.cap('args').namedChildCount !== 1) return false;
    } else {
      const r = resolvePath(ctx, f.text, m.node);
      if (r.kind === 'local' || r.kind === 'glob' || !BLOCK_ON.has(normalize(r.path))) return false;
    }
    return inAsync(ctx, m.node) !== null;
  },
});
