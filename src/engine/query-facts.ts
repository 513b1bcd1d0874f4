// What rxfix derives from a rule query's text: its patterns, each with its trigger literals
// (registry.ts) and its shape (shapes.ts). Tokenizing the ~60 built-in patterns for these costs
// ~15 ms of a one-file run, so the build (scripts/query-facts.js) stores them for the built-in
// rules in dist/query-facts.json, tagged with the code fingerprint of the functions that derived
// them; a run of other code ignores the file. Texts not in it (user rules) are derived here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { codeFingerprint } from '../cache/results.js';
import { PACKAGE_ROOT } from '../version.js';
import { patternShape, patternTriggers, splitPatterns, type PatternShape } from './query-text.js';

export interface PatternFacts {
  text: string;
  /** AND of OR-sets of literals (query-text.ts patternTriggers). */
  triggers: string[][];
  shape: PatternShape;
}

export interface StoredFacts {
  format: number;
  fingerprint: string;
  queries: Record<string, PatternFacts[]>;
}

const FORMAT = 1;
export const BUILT_FACTS = path.join(PACKAGE_ROOT, 'dist', 'query-facts.json');

/** The facts of one query, derived from its text. */
export function deriveQueryFacts(query: string): PatternFacts[] {
  return splitPatterns(query).map((text) => ({ text, triggers: patternTriggers(text), shape: patternShape(text) }));
}

/** What scripts/query-facts.js writes for `queries`. */
export function storedFacts(queries: readonly string[]): StoredFacts {
  const out: StoredFacts = { format: FORMAT, fingerprint: codeFingerprint(), queries: {} };
  for (const q of [...queries].sort()) out.queries[q] = deriveQueryFacts(q);
  return out;
}

let known: Map<string, PatternFacts[]> | undefined;

function loadStored(file: string): Map<string, PatternFacts[]> {
  const map = new Map<string, PatternFacts[]>();
  try {
    const f = JSON.parse(readFileSync(file, 'utf8')) as StoredFacts;
    if (f.format === FORMAT && f.fingerprint === codeFingerprint()) for (const [q, facts] of Object.entries(f.queries)) map.set(q, facts);
  } catch {
    // none (tests, a partial build) or unreadable: derived as needed
  }
  return map;
}

/** The facts of `query`: stored by the build, or derived (and kept for this process). Do not modify. */
export function queryFacts(query: string): readonly PatternFacts[] {
  known ??= loadStored(BUILT_FACTS);
  let facts = known.get(query);
  if (!facts) known.set(query, (facts = deriveQueryFacts(query)));
  return facts;
}
