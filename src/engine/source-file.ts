// Reading a Rust file for scanning: UTF-8 only, binaries and non-UTF-8 files become warnings.
import { readFileSync } from 'node:fs';

export type ReadResult = { ok: true; source: string } | { ok: false; warning: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

export function decodeRust(bytes: Uint8Array, shown: string): ReadResult {
  const probe = bytes.subarray(0, 8192);
  if (probe.includes(0)) return { ok: false, warning: `warning: ${shown}: binary file (NUL bytes), skipped` };
  try {
    return { ok: true, source: decoder.decode(bytes) };
  } catch {
    return { ok: false, warning: `warning: ${shown}: not valid UTF-8, skipped; re-encode it as UTF-8 to scan it` };
  }
}

export function readRust(abs: string, shown: string): ReadResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(abs);
  } catch (e) {
    return { ok: false, warning: `warning: ${shown}: cannot be read (${(e as NodeJS.ErrnoException).code}), skipped` };
  }
  return decodeRust(bytes, shown);
}
