import { describe, expect, it } from 'vitest';
import { installFastHeapAccess } from '../src/engine/heap-access.js';
import { loadRust, parseRust, pinnedInternals } from '../src/engine/parser.js';

/** An Emscripten-like module over `bytes` whose helpers record the calls they get. */
function fakeModule(bytes = 64) {
  const calls: string[] = [];
  const module = {
    HEAP32: new Int32Array(bytes / 4),
    setValue: (ptr: number, _value: number, type = 'i8') => void calls.push(`set ${ptr} ${type}`),
    getValue: (ptr: number, type = 'i8') => (calls.push(`get ${ptr} ${type}`), -1),
  };
  return { module, calls };
}

describe('fast i32 heap access', () => {
  it('stores and loads aligned i32 values in HEAP32 and leaves every other access to the original', () => {
    const { module, calls } = fakeModule();
    expect(installFastHeapAccess(module)).toBe(true);
    module.setValue(8, -123456, 'i32');
    expect(module.HEAP32[2]).toBe(-123456);
    expect(module.getValue(8, 'i32')).toBe(-123456);
    module.setValue(4, 7, 'i16');
    module.setValue(6, 7, 'i32'); // unaligned: not a HEAP32 slot
    module.setValue(12, 7); // default type i8
    expect(module.getValue(4, '*')).toBe(-1);
    expect(calls).toEqual(['set 4 i16', 'set 6 i32', 'set 12 i8', 'get 4 *']);
  });

  it('follows the heap view Emscripten replaces when memory grows', () => {
    const { module } = fakeModule();
    installFastHeapAccess(module);
    module.HEAP32 = new Int32Array(32);
    module.setValue(100, 42, 'i32');
    expect(module.HEAP32[25]).toBe(42);
    expect(module.getValue(100, 'i32')).toBe(42);
  });

  it('installs once, and not on a module without a heap view', () => {
    const { module } = fakeModule();
    installFastHeapAccess(module);
    const patched = module.setValue;
    expect(installFastHeapAccess(module)).toBe(true);
    expect(module.setValue).toBe(patched);
    expect(installFastHeapAccess({ setValue: () => undefined, getValue: () => 0 })).toBe(false);
    expect(installFastHeapAccess(null)).toBe(false);
  });

  it('is what the pinned web-tree-sitter uses, and its nodes still read back right', async () => {
    await loadRust();
    const module = pinnedInternals() as { setValue: { toString(): string } } | null;
    if (!module) return; // another release: the generic helpers stay
    expect(module.setValue.toString()).toContain('HEAP32');
    const tree = parseRust('fn f(v: &Vec<u8>) -> usize { v.len() }\n');
    const call = tree.rootNode.descendantsOfType('call_expression')[0]!;
    expect(call.text).toBe('v.len()');
    expect(call.parent!.parent!.type).toBe('function_item');
    expect(call.childForFieldName('function')!.childForFieldName('field')!.text).toBe('len');
    tree.delete();
  });
});
