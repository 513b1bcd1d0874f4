// libtest `#[bench]` (nightly only): `test NAME ... bench:   1,234 ns/iter (+/- 56)`.
// libtest prints one summarised figure per benchmark (a median of its own samples), so each run
// contributes one sample; rxfix's rounds supply the spread.
import type { TimeSamples } from '../types.js';

const LINE = /^test\s+(\S+)\s+\.\.\.\s+bench:\s+([0-9][0-9,_]*(?:\.[0-9]+)?)\s+ns\/iter\s+\(\+\/-\s+([0-9][0-9,_]*(?:\.[0-9]+)?)\)/;

export interface LibtestBench extends TimeSamples {
  /** libtest's own spread (max − min of its samples), in ns. */
  plusMinusNs: number;
}

export function parseLibtest(text: string): LibtestBench[] {
  const out: LibtestBench[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const m = LINE.exec(raw.trim());
    if (!m) continue;
    const num = (s: string) => Number(s.replace(/[,_]/g, ''));
    out.push({ name: m[1]!, perIterNs: [num(m[2]!)], plusMinusNs: num(m[3]!) });
  }
  return out;
}

/** True when the output is a libtest run (so an empty parse means "no #[bench] functions"). */
export function looksLikeLibtest(text: string): boolean {
  return /^test result: /m.test(text) || /^running \d+ tests?$/m.test(text);
}
