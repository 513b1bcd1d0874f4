// criterion.rs: the bench executable runs with `--bench` plus short-run arguments, writes
// <CRITERION_HOME>/<bench path>/new/{benchmark.json,sample.json}; we read those files.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TimeSamples } from '../types.js';
import { ParseError } from './plain.js';

export interface CriterionRunOptions {
  warmUpS: number;
  measurementS: number;
  sampleSize: number;
}

/** Short runs: rxfix repeats the executable for ≥ 6 rounds, so each run can be brief. */
export const CRITERION_DEFAULTS: CriterionRunOptions = { warmUpS: 0.2, measurementS: 0.5, sampleSize: 10 };

export function criterionArgs(o: CriterionRunOptions = CRITERION_DEFAULTS): string[] {
  return ['--bench', '--warm-up-time', String(o.warmUpS), '--measurement-time', String(o.measurementS), '--sample-size', String(o.sampleSize), '--noplot'];
}

interface SampleJson {
  sampling_mode?: string;
  iters: number[];
  times: number[];
}

/** Per-iteration times (ns) of one sample.json: each sample's time divided by its iterations. */
export function parseCriterionSample(json: string, where = 'sample.json'): number[] {
  let data: SampleJson;
  try {
    data = JSON.parse(json) as SampleJson;
  } catch (e) {
    throw new ParseError(`${where}: not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(data.iters) || !Array.isArray(data.times) || data.iters.length !== data.times.length || data.iters.length === 0) {
    throw new ParseError(`${where}: expected equal, non-empty "iters" and "times" arrays`);
  }
  return data.iters.map((n, i) => data.times[i]! / n);
}

/** Every benchmark under a criterion output folder: its full id and per-iteration samples. */
export function readCriterionDir(root: string): TimeSamples[] {
  const out: TimeSamples[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!e.isDirectory()) continue;
      const full = path.join(dir, e.name);
      if (e.name === 'new') {
        const bj = path.join(full, 'benchmark.json');
        const sj = path.join(full, 'sample.json');
        if (!existsSync(bj) || !existsSync(sj)) continue;
        let id: string;
        try {
          const meta = JSON.parse(readFileSync(bj, 'utf8')) as { full_id?: string };
          if (typeof meta.full_id !== 'string') throw new Error('no full_id');
          id = meta.full_id;
        } catch (err) {
          throw new ParseError(`${bj}: ${(err as Error).message}`);
        }
        out.push({ name: id.replace(/\s+/g, '_'), perIterNs: parseCriterionSample(readFileSync(sj, 'utf8'), sj) });
      } else if (e.name !== 'base' && e.name !== 'report' && e.name !== 'change') {
        walk(full);
      }
    }
  };
  walk(root);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
