// Candidates: one finding's edits, in the coordinates of the file as scanned, so any subset of a
// file's (non-overlapping) candidates applies cleanly; and attribution of compiler errors to them.
import type { Edit, Family, Tier } from '../engine/rule.js';
import { utf8ToUtf16 } from '../engine/positions.js';
import { applyEdits } from '../fix/edits.js';
import type { CompilerMessage } from './cargo.js';

export interface Candidate {
  /** Stable order: by path, line, column, rule. */
  id: number;
  ruleId: string;
  family: Family;
  tier: Tier;
  /** Shown path (relative to the current folder). */
  path: string;
  /** Path relative to the workspace root, `/`-separated. */
  rel: string;
  /** 1-based line in the file before the run. */
  line: number;
  column: number;
  /** UTF-16 start of the finding in the file as scanned. */
  start: number;
  edits: Edit[];
}

export interface SourceFile {
  rel: string;
  abs: string;
  path: string;
  original: string;
  /** sha256 of the bytes scanned. */
  hash: string;
}

/** An edit placed in the edited text: [newStart, newEnd) holds its replacement. */
interface PlacedEdit {
  id: number;
  newStart: number;
  newEnd: number;
}

export interface Materialized {
  /** Text of every file that has candidates, for this set. */
  texts: Map<string, string>;
  placed: Map<string, PlacedEdit[]>;
}

/** The text of each candidate file with exactly `set` applied (files without any revert to original). */
export function materialize(files: ReadonlyMap<string, SourceFile>, all: readonly Candidate[], set: readonly Candidate[]): Materialized {
  const texts = new Map<string, string>();
  const placed = new Map<string, PlacedEdit[]>();
  const byFile = new Map<string, Candidate[]>();
  for (const c of all) if (!byFile.has(c.rel)) byFile.set(c.rel, []);
  for (const c of set) byFile.get(c.rel)!.push(c);
  for (const [rel, cands] of byFile) {
    const src = files.get(rel)!.original;
    const edits = cands.flatMap((c) => c.edits.map((e) => ({ ...e, id: c.id }))).sort((a, b) => a.start - b.start || a.end - b.end);
    texts.set(rel, applyEdits(src, edits));
    let delta = 0;
    const p: PlacedEdit[] = [];
    for (const e of edits) {
      const newStart = e.start + delta;
      p.push({ id: e.id, newStart, newEnd: newStart + e.text.length });
      delta += e.text.length - (e.end - e.start);
    }
    placed.set(rel, p);
  }
  return { texts, placed };
}

export interface Attribution {
  /** Candidates whose edits a primary error span touches. */
  ids: Set<number>;
  /** Errors that touch no edit (reported elsewhere, e.g. a borrow conflict further down). */
  unattributed: number;
}

/**
 * Maps each compiler error's primary spans (UTF-8 byte offsets into the text cargo compiled) onto
 * the edits placed in that text; an edit touching a span (ends included, so a deletion point at a
 * span's edge counts) is blamed. Secondary spans are ignored: they often point at unrelated
 * definitions ("expected due to this parameter type").
 */
export function attributeErrorsToEdits(errors: readonly CompilerMessage[], m: Materialized, relOf: (file: string) => string | null): Attribution {
  const ids = new Set<number>();
  let unattributed = 0;
  for (const err of errors) {
    let hit = false;
    for (const span of err.spans) {
      const rel = relOf(span.file);
      const text = rel ? m.texts.get(rel) : undefined;
      if (!rel || text === undefined) continue;
      const s = utf8ToUtf16(text, span.byteStart);
      const e = utf8ToUtf16(text, span.byteEnd);
      for (const p of m.placed.get(rel) ?? []) {
        if (s <= p.newEnd && p.newStart <= e) {
          ids.add(p.id);
          hit = true;
        }
      }
    }
    if (!hit) unattributed++;
  }
  return { ids, unattributed };
}
