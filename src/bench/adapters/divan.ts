// divan: a tree table, one row per benchmark (nested modules and args as sub-rows):
//
//   d             fastest       │ slowest       │ median        │ mean          │ samples │ iters
//   ├─ sum_n                    │               │               │               │         │
//   │  ├─ 10      4.198 ns      │ 6.875 ns      │ 5.696 ns      │ 5.672 ns      │ 100     │ 51200
//
// Each leaf gives its median per-iteration time; one run is one sample (rxfix's rounds give the
// spread). Names join the tree path with `/`: `sum_n/10`, `nested/inner`.
import type { TimeSamples } from '../types.js';
import { ParseError } from './plain.js';

const UNIT_NS: Record<string, number> = { ps: 1e-3, ns: 1, 'µs': 1e3, us: 1e3, ms: 1e6, s: 1e9 };

function toNs(cell: string, where: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*(ps|ns|\u00b5s|us|ms|s)$/.exec(cell.trim());
  if (!m) throw new ParseError(`${where}: cannot read time \`${cell.trim()}\``);
  return Number(m[1]) * UNIT_NS[m[2]!]!;
}

export function parseDivan(text: string): TimeSamples[] {
  const out: TimeSamples[] = [];
  const lines = text.split(/\r?\n/);
  const header = lines.findIndex((l) => /\sfastest\s+\u2502\s+slowest\s+\u2502\s+median\s+\u2502\s+mean/.test(l));
  if (header < 0) return out;
  const path: string[] = [];
  for (let i = header + 1; i < lines.length; i++) {
    const line = lines[i]!;
    const m = /^((?:\u2502  |   )*)(?:\u251c\u2500|\u2570\u2500) (\S+)(.*)$/.exec(line);
    if (!m) {
      if (line.trim() === '') break;
      continue;
    }
    const depth = m[1]!.length / 3;
    path.length = depth;
    path[depth] = m[2]!;
    const cells = m[3]!.split('│');
    const median = cells[2]?.trim();
    if (!median) continue; // a group row
    out.push({ name: path.join('/'), perIterNs: [toNs(median, `line ${i + 1}`)] });
  }
  return out;
}
