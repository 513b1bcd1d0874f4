// Position helpers. The engine works in UTF-16 indices (JS strings, tree-sitter's JS API,
// magic-string); rustc reports 1-based columns in Unicode scalar values and cargo spans in UTF-8 bytes.
import { rememberLast } from './memo.js';

export interface Position {
  line: number; // 1-based
  column: number; // 1-based, Unicode scalar values
}

/** A tree-sitter point (0-based row, column in UTF-16 units as the JS API counts) for `index`. */
export function treePoint(lines: LineIndex, index: number): { row: number; column: number } {
  const row = lines.lineOf(index);
  return { row, column: index - lines.lineStart(row) };
}

/** The first index in [0, n) for which `before` is false, where it is true up to some index and false from there on. */
export function partitionPoint(n: number, before: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in ascending `xs` whose value is >= `x`. */
export function lowerBound(xs: readonly number[], x: number): number {
  return partitionPoint(xs.length, (i) => xs[i]! < x);
}

/** The LineIndex of `source`, shared by the steps of one file's scan (partial ranges, macro shadows, context). */
export const linesOf = rememberLast((source) => new LineIndex(source));

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** 0-based line holding UTF-16 index `index`. */
  lineOf(index: number): number {
    return lowerBound(this.starts, index + 1) - 1; // the last line starting at or before `index`
  }

  lineStart(line0: number): number {
    return this.starts[line0] ?? this.text.length;
  }

  /** Text of a 0-based line without its line terminator. */
  lineText(line0: number): string {
    const start = this.lineStart(line0);
    let end = line0 + 1 < this.starts.length ? this.starts[line0 + 1]! - 1 : this.text.length;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return this.text.slice(start, end);
  }

  position(index: number): Position {
    const line0 = this.lineOf(index);
    return { line: line0 + 1, column: scalarCount(this.text, this.lineStart(line0), index) + 1 };
  }

  /** UTF-16 index of a 1-based line and scalar column (inverse of `position`). */
  indexOf(line: number, column: number): number {
    let i = this.lineStart(line - 1);
    for (let c = 1; c < column && i < this.text.length; c++) {
      i += isHighSurrogate(this.text.charCodeAt(i)) ? 2 : 1;
    }
    return i;
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Unicode scalar values in source[from, to). */
export function scalarCount(source: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    if (!isHighSurrogate(source.charCodeAt(i)) || i + 1 >= to) n++;
    else {
      n++;
      i++;
    }
  }
  return n;
}

/** UTF-8 byte offset of a UTF-16 index. */
export function utf16ToUtf8(source: string, index: number): number {
  let bytes = 0;
  for (let i = 0; i < index && i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (isHighSurrogate(c)) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** UTF-16 index of a UTF-8 byte offset (cargo spans). Offsets inside a scalar round down. */
export function utf8ToUtf16(source: string, byteOffset: number): number {
  let bytes = 0;
  let i = 0;
  while (i < source.length) {
    const c = source.charCodeAt(i);
    const width = c < 0x80 ? 1 : c < 0x800 ? 2 : isHighSurrogate(c) ? 4 : 3;
    if (bytes + width > byteOffset) break;
    bytes += width;
    i += width === 4 ? 2 : 1;
  }
  return i;
}
