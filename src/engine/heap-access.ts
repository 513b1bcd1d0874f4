// web-tree-sitter (0.27.2) hands every Node to WASM through `Module.setValue(address, field,
// 'i32')`, five calls per node, and reads results back with `Module.getValue`. Both are generic
// Emscripten helpers: a string test on the type, a switch, and a DataView store (built for
// big-endian hosts too). On a little-endian host an i32 at a 4-aligned address is exactly
// `HEAP32[address >> 2]`, so the two are replaced by that for 'i32' and left alone otherwise.
// On 12 MB of crates they took ~2 % of a scan's CPU.
import { endianness } from 'node:os';

interface HeapModule {
  HEAP32?: Int32Array;
  setValue?: (ptr: number, value: number, type?: string) => void;
  getValue?: (ptr: number, type?: string) => number;
}

const installed = new WeakSet<object>();

/** Installs the i32 fast path on the Emscripten module object; false when it cannot apply. */
export function installFastHeapAccess(module: HeapModule | null): boolean {
  if (!module) return false;
  if (installed.has(module)) return true;
  const { setValue, getValue } = module;
  if (endianness() !== 'LE' || !(module.HEAP32 instanceof Int32Array) || !setValue || !getValue) return false;
  // Read HEAP32 on every call: Emscripten replaces the view when the WASM memory grows.
  module.setValue = (ptr, value, type = 'i8') => {
    if (type === 'i32' && (ptr & 3) === 0) module.HEAP32![ptr >> 2] = value;
    else setValue(ptr, value, type);
  };
  module.getValue = (ptr, type = 'i8') => (type === 'i32' && (ptr & 3) === 0 ? module.HEAP32![ptr >> 2]! : getValue(ptr, type));
  installed.add(module);
  return true;
}
