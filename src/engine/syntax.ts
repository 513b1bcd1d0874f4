// Small syntax helpers shared by rules: macro arguments, precedence, identifiers.
import type { Node } from 'web-tree-sitter';

export interface MacroArgument {
  text: string;
  start: number;
  end: number;
}

/** The comma-separated arguments of a macro invocation's token tree (file indices), or null. */
export function macroArguments(invocation: Node): MacroArgument[] | null {
  const tt = invocation.children.find((c) => c?.type === 'token_tree');
  if (!tt) return null;
  const inner = tt.children.slice(1, -1).filter((c): c is Node => c !== null);
  const args: MacroArgument[] = [];
  let group: Node[] = [];
  const flush = () => {
    if (group.length === 0) return;
    const start = group[0]!.startIndex;
    const end = group[group.length - 1]!.endIndex;
    const source = tt.text;
    args.push({ text: source.slice(start - tt.startIndex, end - tt.startIndex), start, end });
    group = [];
  };
  for (const c of inner) {
    if (c.type === ',') flush();
    else group.push(c);
  }
  flush();
  return args;
}

/** The flat tokens of a macro's token tree, nested groups included (their delimiters too). */
export function tokenTreeTokens(tt: Node): Node[] {
  const out: Node[] = [];
  const walk = (n: Node) => {
    for (const c of n.children) {
      if (!c) continue;
      if (c.type === 'token_tree') walk(c);
      else out.push(c);
    }
  };
  walk(tt);
  return out;
}

const BINARY_OR_PREFIX = /[+\-*/%&|^!<>=]|\.\.|\bas\b/;

/**
 * True when `expr` must be parenthesised to become a method receiver (`(a + b).to_string()`).
 * Conservative: anything with a top-level operator, cast, range, closure or prefix operator.
 */
export function needsParens(expr: string): boolean {
  const s = expr.trim();
  let depth = 0;
  let top = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"' || (c === "'" && s[i + 2] === "'")) {
      const close = c === '"' ? findStringEnd(s, i) : i + 2;
      top += ' ';
      i = close;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0) top += c;
  }
  // `x.y`, `a::b`, `f(x)`, `v[0]`, `"lit"`, `x?`, `m!(..)` keep their meaning as receivers
  const stripped = top.replace(/::/g, '').replace(/\?/g, '').replace(/([A-Za-z0-9_])!(?=\s*$|\s*\.)/g, '$1');
  return BINARY_OR_PREFIX.test(stripped) || /\s/.test(stripped.trim()) || /^\s*(move\s*)?\|/.test(s);
}

function findStringEnd(s: string, from: number): number {
  for (let j = from + 1; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === '"') return j;
  }
  return s.length;
}

/** The last segment of a path: `std::sync::Mutex` → `Mutex`. */
export function lastSegment(path: string): string {
  const i = path.lastIndexOf('::');
  return (i < 0 ? path : path.slice(i + 2)).trim();
}
