// asyncContext: the nearest fn / async block / closure decides; a plain closure ends async code.
import type { Node } from 'web-tree-sitter';
import { beforeAll, describe, expect, it } from 'vitest';
import { asyncContext, inAsync, isAwaited } from '../src/engine/analysis/async.js';
import { FileContext } from '../src/engine/context.js';
import { loadRust, parseRust } from '../src/engine/parser.js';

beforeAll(async () => {
  await loadRust();
});

function ctxOf(source: string): FileContext {
  return new FileContext('src/lib.rs', source, parseRust(source), [], { noStd: false, edition: null });
}

function call(ctx: FileContext, text: string): Node {
  const n = ctx.tree.rootNode.descendantsOfType('call_expression').find((d) => d?.text === text);
  if (!n) throw new Error(`no call ${text}`);
  return n;
}

const src = `
async fn a() { one(); let c = || two(); let b = async { three(); let d = move || four(); }; five().await; }
fn s() { six(); let e = async move { seven(); }; let f = async |x| eight(); }
impl T { async fn m(&self) { nine(); fn inner() { ten(); } } }
const K: u8 = eleven();
`;

describe('asyncContext', () => {
  it('classifies the deciding node', () => {
    const ctx = ctxOf(src);
    expect(asyncContext(ctx, call(ctx, 'one()'))?.kind).toBe('async-fn');
    expect(asyncContext(ctx, call(ctx, 'two()'))?.kind).toBe('closure');
    expect(asyncContext(ctx, call(ctx, 'three()'))?.kind).toBe('async-block');
    expect(asyncContext(ctx, call(ctx, 'four()'))?.kind).toBe('closure');
    expect(asyncContext(ctx, call(ctx, 'six()'))?.kind).toBe('fn');
    expect(asyncContext(ctx, call(ctx, 'seven()'))?.kind).toBe('async-block');
    expect(asyncContext(ctx, call(ctx, 'eight()'))?.kind).toBe('async-closure');
    expect(asyncContext(ctx, call(ctx, 'nine()'))?.kind).toBe('async-fn');
    expect(asyncContext(ctx, call(ctx, 'ten()'))?.kind).toBe('fn');
    expect(asyncContext(ctx, call(ctx, 'eleven()'))).toBeNull();
  });
  it('inAsync is true only where a future runs the code', () => {
    const ctx = ctxOf(src);
    const yes = ['one()', 'three()', 'seven()', 'eight()', 'nine()', 'five()'];
    const no = ['two()', 'four()', 'six()', 'ten()', 'eleven()'];
    for (const t of yes) expect(inAsync(ctx, call(ctx, t)), t).not.toBeNull();
    for (const t of no) expect(inAsync(ctx, call(ctx, t)), t).toBeNull();
  });
  it('isAwaited sees `call.await`', () => {
    const ctx = ctxOf(src);
    expect(isAwaited(ctx, call(ctx, 'five()'))).toBe(true);
    expect(isAwaited(ctx, call(ctx, 'one()'))).toBe(false);
  });
});
