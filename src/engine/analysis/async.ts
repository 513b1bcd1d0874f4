// asyncContext (patterns.md §3 "Shared analyses"): is a node's code run as part of a future?
// The nearest enclosing `function_item`, `async_block` or closure decides: an `async fn`, an
// `async { }` block and an `async` closure are async; a plain fn is not; a plain closure ends the
// async context even inside an async fn, since it may run elsewhere (`spawn_blocking(|| ..)`,
// a rayon pool, a callback) and cannot `.await`.
import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../context.js';

export type AsyncKind = 'async-fn' | 'async-block' | 'async-closure' | 'fn' | 'closure';

export interface AsyncContext {
  /** The node that decides: the function, async block or closure. */
  node: Node;
  kind: AsyncKind;
  async: boolean;
}

const DECIDERS = new Set(['function_item', 'async_block', 'closure_expression']);

/** The innermost function/async block/closure around `node` (not `node` itself), or null at top level. */
export function asyncContext(ctx: FileContext, node: Node): AsyncContext | null {
  for (const a of ctx.ancestors(node)) {
    if (!DECIDERS.has(a.type)) continue;
    if (a.type === 'async_block') return { node: a, kind: 'async-block', async: true };
    if (a.type === 'function_item') {
      const isAsync = ctx.isAsyncFunction(a);
      return { node: a, kind: isAsync ? 'async-fn' : 'fn', async: isAsync };
    }
    const isAsync = a.children.some((c) => c?.type === 'async');
    return { node: a, kind: isAsync ? 'async-closure' : 'closure', async: isAsync };
  }
  return null;
}

/** The async fn/block/closure whose future runs `node`, or null when `node` runs synchronously. */
export function inAsync(ctx: FileContext, node: Node): Node | null {
  const c = asyncContext(ctx, node);
  return c && c.async ? c.node : null;
}

/** True when `call` is directly awaited: `call.await` (then it returns a future, not a blocking result). */
export function isAwaited(ctx: FileContext, call: Node): boolean {
  const p = ctx.parent(call);
  return p !== null && p.type === 'await_expression';
}
