// Top-level items of a Rust file, found by one lexer pass (comments, strings, raw strings, char
// literals vs lifetimes, bracket depth) without parsing, for item-level partial parsing
// (performance-notes.md §3.2). For each item: its extent, and the bracket group whose interior
// can be left out of the parse when no rule can match in the item: a function/impl/trait/mod
// body, a top-level macro's arguments, a const/static initializer. Struct, enum, union, use and
// type items keep everything (rules read their fields and names from anywhere in the file).

export interface Item {
  /** First character of the item (after the previous item's end). */
  start: number;
  /** One past its last character. */
  end: number;
  /** Indices of the open and close bracket of the group that may be elided, or -1. */
  open: number;
  close: number;
  /** An impl, trait, mod or extern block: its body holds items of its own (see membersOf). */
  container: boolean;
}

/** A region's items, plus the comments between them that a parse can do without. */
export interface Items extends Array<Item> {
  /**
   * Comments between items ([start, end)), except before the region's first item (a `use` is
   * inserted before those) and inner docs (`//!`, `/*!`): no rule reads them.
   */
  comments: [number, number][];
}

type Kind = 'body' | 'value' | 'macro' | 'keep' | 'unknown';

const BODY_KEYWORDS = new Set(['fn', 'impl', 'trait', 'mod', 'macro_rules']);
const CONTAINER_KEYWORDS = new Set(['impl', 'trait', 'mod']);
const KEEP_KEYWORDS = new Set(['struct', 'enum', 'union', 'use', 'type']);
const VALUE_KEYWORDS = new Set(['const', 'static']);
/** Words that may precede an item's keyword. */
const MODIFIERS = new Set(['pub', 'crate', 'in', 'super', 'self', 'unsafe', 'async', 'default', 'extern', 'auto', 'safe']);

const isWord = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;

/**
 * The file's top-level items, or null when the lexer cannot follow the file (unbalanced
 * brackets, an unterminated string or comment): the caller then parses everything.
 */
export function topLevelItems(src: string): Items | null {
  return itemsIn(src, 0, src.length);
}

/** The items inside a container item's braces (impl members, a mod's items). */
export function membersOf(src: string, container: Item): Items | null {
  return container.container && container.open >= 0 ? itemsIn(src, container.open + 1, container.close) : null;
}

function itemsIn(src: string, from: number, n: number): Items | null {
  const items = Object.assign([] as Item[], { comments: [] as [number, number][] });
  const gapComment = (at: number, end: number) => {
    const inner = src.charCodeAt(at + 2) === 33; /* ! */
    if (start >= 0 || items.length === 0 || inner) return;
    // a doc block is many line comments: one range for the run (each range boundary costs the parser a re-read)
    const last = items.comments[items.comments.length - 1];
    if (last && last[1] >= items[items.length - 1]!.end && /^\s*$/.test(src.slice(last[1], at))) last[1] = end;
    else items.comments.push([at, end]);
  };
  let depth = 0;
  // state of the current item
  let start = -1;
  let kind: Kind | null = null;
  let container = false;
  let sawEq = false;
  let sawBang = false;
  let open = -1;
  let close = -1;
  let groupOpen = -1; // the depth-0 group being read
  const stack: number[] = [];
  const finish = (end: number) => {
    const elide = open >= 0 && close > open + 1;
    items.push({ start, end, open: elide ? open : -1, close: elide ? close : -1, container: elide && container });
    start = -1;
    kind = null;
    container = false;
    sawEq = sawBang = false;
    open = close = groupOpen = -1;
  };
  let i = from;
  while (i < n) {
    if (depth > 0) {
      // inside a group only brackets, strings, chars and comments matter: jump to the next one
      let c = src.charCodeAt(i);
      while (c > 127 || STOP[c] === 0) {
        if (++i >= n) break;
        c = src.charCodeAt(i);
      }
      if (i >= n) break;
    }
    const c = src.charCodeAt(i);
    if (c === 34 /* " */ && depth > 0) {
      // the jump passed over any r, br or cr prefix (and hashes) of a raw string: look back for it
      const raw = rawStringStart(src, i);
      i = raw >= 0 ? skipRawString(src, raw) : skipString(src, i + 1);
      if (i < 0) return null;
      continue;
    }
    // trivia
    if (c === 47 /* / */ && src.charCodeAt(i + 1) === 47) {
      let nl = src.indexOf('\n', i);
      if (nl < 0 || nl > n) nl = n;
      gapComment(i, src.charCodeAt(nl - 1) === 13 ? nl - 1 : nl);
      i = nl < n ? nl + 1 : n;
      continue;
    }
    if (c === 47 && src.charCodeAt(i + 1) === 42 /* * */) {
      const at = i;
      let level = 1;
      i += 2;
      while (i < n && level > 0) {
        if (src.charCodeAt(i) === 47 && src.charCodeAt(i + 1) === 42) (level++, (i += 2));
        else if (src.charCodeAt(i) === 42 && src.charCodeAt(i + 1) === 47) (level--, (i += 2));
        else i++;
      }
      if (level > 0) return null;
      gapComment(at, i);
      continue;
    }
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff) {
      i++;
      continue;
    }
    if (start < 0) start = i;
    // tokens
    if (c === 34 /* " */) {
      i = skipString(src, i + 1);
      if (i < 0) return null;
      continue;
    }
    if (c === 39 /* ' */) {
      i = skipQuote(src, i);
      if (i < 0) return null;
      continue;
    }
    if (isWord(c)) {
      let j = i + 1;
      while (j < n && isWord(src.charCodeAt(j))) j++;
      // raw strings r"..", r#".."#, br"..", cr"..", and b"..", c"..", b'..'
      const next = src.charCodeAt(j);
      const word = j - i <= 2 || (depth === 0 && kind === null) ? src.slice(i, j) : '';
      if ((word === 'r' || word === 'br' || word === 'cr') && (next === 34 || next === 35 /* # */)) {
        const end = skipRawString(src, j);
        if (end >= 0) {
          i = end;
          continue;
        }
        if (end === -2) return null;
      } else if ((word === 'b' || word === 'c') && next === 34) {
        i = skipString(src, j + 1);
        if (i < 0) return null;
        continue;
      } else if (word === 'b' && next === 39) {
        i = skipQuote(src, j);
        if (i < 0) return null;
        continue;
      }
      if (depth === 0 && kind === null) {
        if (BODY_KEYWORDS.has(word)) {
          kind = 'body';
          container = CONTAINER_KEYWORDS.has(word);
        }
        else if (KEEP_KEYWORDS.has(word)) kind = 'keep';
        else if (VALUE_KEYWORDS.has(word)) {
          // `const fn`, `const unsafe fn` are functions: decide at the next word
          const rest = /^\s+(\w+)/.exec(src.slice(j, j + 40));
          kind = rest && (rest[1] === 'fn' || rest[1] === 'unsafe' || rest[1] === 'async' || rest[1] === 'extern') ? null : 'value';
        } else if (!MODIFIERS.has(word)) kind = src.charCodeAt(skipSpace(src, j)) === 33 /* ! */ ? 'macro' : 'unknown';
      }
      i = j;
      continue;
    }
    if (c === 40 || c === 91 || c === 123) {
      // ( [ {
      if (depth === 0) {
        // `#[..]` attributes and `pub(crate)` leave the kind open; a brace without a keyword is
        // an `extern "C" { .. }` block: a body
        if (kind === null && c === 123) {
          kind = 'body';
          container = true;
        }
        groupOpen = i;
      }
      stack.push(c);
      depth++;
      i++;
      continue;
    }
    if (c === 41 || c === 93 || c === 125) {
      const want = c === 41 ? 40 : c === 93 ? 91 : 123;
      if (stack.pop() !== want) return null;
      depth--;
      i++;
      if (depth !== 0) continue;
      const opened = groupOpen;
      const openChar = src.charCodeAt(opened);
      if (kind === null) continue; // an attribute or a visibility
      if (kind === 'value' && sawEq && open < 0) {
        open = opened;
        close = i - 1;
      } else if (kind === 'macro' && sawBang && open < 0) {
        open = opened;
        close = i - 1;
        if (openChar === 123) finish(i);
      } else if (openChar === 123 && (kind === 'body' || kind === 'keep' || kind === 'unknown')) {
        if (kind === 'body') {
          open = opened;
          close = i - 1;
        }
        finish(i);
      }
      continue;
    }
    if (depth === 0) {
      if (c === 59 /* ; */) {
        i++;
        finish(i);
        continue;
      }
      if (c === 61 /* = */ && src.charCodeAt(i + 1) !== 62 /* => */) sawEq = true;
      if (c === 33 /* ! */) sawBang = true;
    }
    i++;
  }
  if (depth !== 0) return null;
  if (start >= 0) finish(n);
  return items;
}

/** The ASCII characters that may open or close a group, a string, a char or a comment. */
const STOP = new Uint8Array(128);
for (const ch of '"\'/()[]{}') STOP[ch.charCodeAt(0)] = 1;

/**
 * At a `"`: where the `#`s or `"` after the `r` of a raw string prefix (`r`, `br`, `cr`, then
 * hashes) begin, as skipRawString expects them, or -1 when the quote opens a plain string.
 */
function rawStringStart(src: string, quote: number): number {
  let k = quote;
  while (src.charCodeAt(k - 1) === 35 /* # */) k--;
  if (src.charCodeAt(k - 1) !== 114 /* r */) return -1;
  let w = k - 1;
  const before = src.charCodeAt(w - 1);
  if (before === 98 /* b */ || before === 99 /* c */) w--;
  return w > 0 && isWord(src.charCodeAt(w - 1)) ? -1 : k;
}

function skipSpace(src: string, i: number): number {
  while (i < src.length && /\s/.test(src[i]!)) i++;
  return i;
}

/** After the opening `"`: index after the closing one, or -1. */
function skipString(src: string, i: number): number {
  for (; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 34) return i + 1;
  }
  return -1;
}

/** At `#`s or `"` after r/br/cr: index after the raw string; -1 if not a raw string (`r#ident`); -2 if unterminated. */
function skipRawString(src: string, i: number): number {
  let hashes = 0;
  while (src.charCodeAt(i) === 35) (hashes++, i++);
  if (src.charCodeAt(i) !== 34) return -1;
  const closing = '"' + '#'.repeat(hashes);
  const end = src.indexOf(closing, i + 1);
  return end < 0 ? -2 : end + closing.length;
}

/** At `'`: after a char literal, or after the `'` of a lifetime/label. -1 if unterminated. */
function skipQuote(src: string, i: number): number {
  const c1 = src.charCodeAt(i + 1);
  if (c1 === 92 /* \ */) {
    const end = src.indexOf("'", i + 3);
    return end < 0 ? -1 : end + 1;
  }
  if (src.charCodeAt(i + 2) === 39) return i + 3;
  // a non-BMP character is two UTF-16 units
  if (c1 >= 0xd800 && c1 <= 0xdbff && src.charCodeAt(i + 3) === 39) return i + 4;
  return i + 1; // lifetime or label
}
