// Edits as data: grouping by finding, overlap detection, application with magic-string.
import MagicString from 'magic-string';
import type { Edit, Finding } from '../engine/rule.js';

function overlaps(a: Edit, b: Edit): boolean {
  if (a.start === a.end && b.start === b.end) return a.start === b.start; // two insertions at one point
  if (a.start === a.end) return a.start > b.start && a.start < b.end;
  if (b.start === b.end) return b.start > a.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

/**
 * Picks findings whose edits overlap no edit already picked, in the given order; the rest are
 * deferred to the next pass (patterns.md trap 17). A finding's edits go together or not at all.
 */
export function pickNonOverlapping<T extends Pick<Finding, 'edits'>>(findings: readonly T[]): { picked: T[]; deferred: T[] } {
  const taken: Edit[] = [];
  const picked: T[] = [];
  const deferred: T[] = [];
  for (const f of findings) {
    const edits = f.edits ?? [];
    const selfOverlap = edits.some((e, i) => edits.some((o, j) => j > i && overlaps(e, o)));
    if (selfOverlap || edits.some((e) => taken.some((t) => overlaps(e, t)))) {
      deferred.push(f);
      continue;
    }
    taken.push(...edits);
    picked.push(f);
  }
  return { picked, deferred };
}

/** Applies non-overlapping edits (UTF-16 indices) to `source`. */
export function applyEdits(source: string, edits: readonly Edit[]): string {
  if (edits.length === 0) return source;
  const s = new MagicString(source);
  for (const e of edits) {
    if (e.start === e.end) s.appendLeft(e.start, e.text);
    else if (e.text === '') s.remove(e.start, e.end);
    else s.overwrite(e.start, e.end, e.text);
  }
  return s.toString();
}

/** Maps an index of the edited text back to the text before `edits` were applied. */
export function mapBack(index: number, edits: readonly Edit[]): number {
  let delta = 0;
  for (const e of [...edits].sort((a, b) => a.start - b.start)) {
    const newStart = e.start + delta;
    if (newStart > index) break;
    const newEnd = newStart + e.text.length;
    if (index < newEnd) return e.start;
    delta += e.text.length - (e.end - e.start);
  }
  return index - delta;
}
