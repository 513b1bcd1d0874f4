// The plain adapter: a `harness = false` bench that prints its own timings, one sample a line:
//
//     rxfix-bench: <name> <value> <unit>
//
// <name> has no spaces; <value> is a decimal number, the time of ONE iteration; <unit> is one of
// ns, us (or µs), ms, s. Several lines with the same name are several samples. Other lines are
// ignored. The bench receives `--bench` and an optional name filter as arguments. Under valgrind
// rxfix sets RXFIX_BENCH_ONCE=1: the bench should then run each benchmark once, without timing
// loops, and may print a value of 0 (only the names are read).
import type { TimeSamples } from '../types.js';

export const PLAIN_PREFIX = 'rxfix-bench:';

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9 };

export class ParseError extends Error {}

export function parsePlain(text: string): TimeSamples[] {
  const byName = new Map<string, number[]>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line.startsWith(PLAIN_PREFIX)) continue;
    const m = /^rxfix-bench:\s+(\S+)\s+([0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)\s+(ns|us|\u00b5s|ms|s)\s*$/.exec(line);
    if (!m) throw new ParseError(`line ${i + 1}: expected \`rxfix-bench: <name> <value> <ns|us|ms|s>\`, got \`${line.slice(0, 80)}\``);
    const ns = Number(m[2]) * UNIT_NS[m[3]!]!;
    const list = byName.get(m[1]!) ?? [];
    list.push(ns);
    byName.set(m[1]!, list);
  }
  return [...byName].map(([name, perIterNs]) => ({ name, perIterNs }));
}
