// resolvePath: `use` (renames, groups, self, globs), `type` aliases, local items, scopes.
import type { Node } from 'web-tree-sitter';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalize, resolvePath, resolvesTo } from '../src/engine/analysis/paths.js';
import { FileContext } from '../src/engine/context.js';
import { loadRust, parseRust } from '../src/engine/parser.js';

beforeAll(async () => {
  await loadRust();
});

function ctxOf(source: string): FileContext {
  return new FileContext('src/lib.rs', source, parseRust(source), [], { noStd: false, edition: null });
}

/** The first node of `type` whose text is `text`. */
function find(ctx: FileContext, type: string, text: string): Node {
  const n = ctx.tree.rootNode.descendantsOfType(type).find((d) => d?.text === text);
  if (!n) throw new Error(`no ${type} ${text}`);
  return n;
}

describe('resolvePath', () => {
  const src = `
use std::sync::{Arc, Mutex as StdMutex, self};
use parking_lot::Mutex;
use ::std::collections::HashMap;
use a::b::{c::{d, e as f}, g, h::{self}, i::{self as j}};
use tokio::time::sleep;
use tokio::task;
use std::thread;
use x::Y as _;
extern crate serde_json as json;
type Shared<K> = RwLock<HashMap<K, u32>>;
type Lock = Mutex<u8>;
use parking_lot::RwLock;
fn spawn() {}
struct Local;
mod inner {
    use tokio::sync::Mutex;
    fn f() { Mutex::new(1); }
}
fn body() {
    use std::thread::sleep;
    sleep(d);
}
`;
  it('follows plain, renamed, grouped and nested imports', () => {
    const ctx = ctxOf(src);
    expect(resolvePath(ctx, 'Arc')).toMatchObject({ kind: 'import', path: 'std::sync::Arc' });
    expect(resolvePath(ctx, 'StdMutex').path).toBe('std::sync::Mutex');
    expect(resolvePath(ctx, 'sync').path).toBe('std::sync');
    expect(resolvePath(ctx, 'Mutex').path).toBe('parking_lot::Mutex');
    expect(resolvePath(ctx, 'HashMap').path).toBe('std::collections::HashMap');
    expect(resolvePath(ctx, 'd').path).toBe('a::b::c::d');
    expect(resolvePath(ctx, 'f').path).toBe('a::b::c::e');
    expect(resolvePath(ctx, 'g').path).toBe('a::b::g');
    expect(resolvePath(ctx, 'h').path).toBe('a::b::h');
    expect(resolvePath(ctx, 'j').path).toBe('a::b::i');
    expect(resolvePath(ctx, 'json').path).toBe('serde_json');
    expect(resolvePath(ctx, 'Y').kind).toBe('unresolved');
  });
  it('appends the rest of a multi-segment name to its resolved head', () => {
    const ctx = ctxOf(src);
    expect(resolvePath(ctx, 'task::spawn').path).toBe('tokio::task::spawn');
    expect(resolvePath(ctx, 'thread::sleep').path).toBe('std::thread::sleep');
    expect(resolvePath(ctx, 'std::thread::sleep')).toMatchObject({ kind: 'unresolved', path: 'std::thread::sleep' });
    expect(resolvePath(ctx, '::std::fs::read').path).toBe('std::fs::read');
  });
  it('follows type aliases, resolving the aliased head', () => {
    const ctx = ctxOf(src);
    expect(resolvePath(ctx, 'Shared')).toMatchObject({ kind: 'alias', path: 'parking_lot::RwLock' });
    expect(resolvePath(ctx, 'Lock')).toMatchObject({ kind: 'alias', path: 'parking_lot::Mutex' });
  });
  it('knows local items, which shadow nothing imported but are not std', () => {
    const ctx = ctxOf(src);
    expect(resolvePath(ctx, 'spawn')).toMatchObject({ kind: 'local', path: 'self::spawn' });
    expect(resolvePath(ctx, 'Local').kind).toBe('local');
    expect(resolvesTo(ctx, 'spawn', ['tokio::spawn'])).toBe(false);
  });
  it('honours module and block scopes, innermost first', () => {
    const ctx = ctxOf(src);
    const inMod = find(ctx, 'scoped_identifier', 'Mutex::new');
    expect(resolvePath(ctx, 'Mutex', inMod).path).toBe('tokio::sync::Mutex');
    const call = find(ctx, 'call_expression', 'sleep(d)');
    expect(resolvePath(ctx, 'sleep', call).path).toBe('std::thread::sleep');
    expect(resolvePath(ctx, 'sleep').path).toBe('tokio::time::sleep');
    expect(resolvesTo(ctx, 'sleep', ['std::thread::sleep'], call)).toBe(true);
    expect(resolvesTo(ctx, 'sleep', ['std::thread::sleep'])).toBe(false);
  });
  it('reports names a glob may provide as glob, never as a guess', () => {
    const ctx = ctxOf('use tokio::*;\nmod m { use std::sync::*; fn f() { x(); } }\n');
    expect(resolvePath(ctx, 'spawn')).toEqual({ kind: 'glob', path: 'spawn', globs: ['tokio'] });
    const call = find(ctx, 'call_expression', 'x()');
    expect(resolvePath(ctx, 'Mutex', call).globs).toEqual(['std::sync', 'tokio']);
    expect(resolvesTo(ctx, 'spawn', ['tokio::spawn'])).toBe(false);
  });
  it('leaves unimported names as written', () => {
    const ctx = ctxOf('fn main() { Mutex::new(0); }');
    expect(resolvePath(ctx, 'Mutex')).toEqual({ kind: 'unresolved', path: 'Mutex', globs: [] });
    expect(resolvePath(ctx, 'crate::a::b').path).toBe('crate::a::b');
  });
  it('normalizes core/alloc re-exports and leading ::', () => {
    expect(normalize('::core::cell::RefCell')).toBe('std::cell::RefCell');
    expect(normalize('alloc::sync::Arc')).toBe('std::sync::Arc');
  });
});
