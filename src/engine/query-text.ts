// Static reading of tree-sitter query text: top-level patterns, predicates used, and the literals
// a match must contain (the prefilter's triggers, derived from the query, never hand-written).

interface Token {
  kind: 'open' | 'close' | 'string' | 'capture' | 'predicate' | 'quant' | 'other';
  text: string;
  index: number;
}

const tokenized = new Map<string, readonly Token[]>();
/** Tokens of a query or pattern text; memoized, since every rule's text is read several ways at load. */
function tokenize(query: string): readonly Token[] {
  let tokens = tokenized.get(query);
  if (!tokens) {
    if (tokenized.size > 10_000) tokenized.clear(); // user rules are few; bound it anyway
    tokenized.set(query, (tokens = scanTokens(query)));
  }
  return tokens;
}

/**
 * One token per match: a comment, spaces, a string (group 1: its body), a bracket, a quantifier, a
 * word (a capture, a predicate, a node name, `_`, a field). A regex, not a loop over characters:
 * it runs compiled from the first call, and the rule set is read once per run, cold (a loop took
 * ~10 ms of a one-file run's start).
 */
const TOKEN = /;[^\n]*|\s+|"((?:[^"\\]|\\[\s\S]|\\$)*)"?|[([]|[)\]]|[?*+]|[^()[\]";\s]+/gy;
const ESCAPE = /\\([\s\S]?)/g;

/** As tree-sitter's query parser unescapes: \n \r \t \0, any other character as itself. */
const unescape = (body: string) => (body.includes('\\') ? body.replace(ESCAPE, (_, e: string) => (e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === '0' ? '\0' : e || '\\')) : body);

function scanTokens(query: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(query); m; m = TOKEN.exec(query)) {
    const text = m[0];
    const index = m.index;
    const c = text.charCodeAt(0);
    if (c === 59 /* ; */ || /\s/.test(text[0]!)) continue;
    if (c === 34 /* " */) out.push({ kind: 'string', text: unescape(m[1]!), index });
    else if (c === 40 || c === 91) out.push({ kind: 'open', text, index });
    else if (c === 41 || c === 93) out.push({ kind: 'close', text, index });
    else if (text.length === 1 && (c === 63 || c === 42 || c === 43)) out.push({ kind: 'quant', text, index });
    // A trailing quantifier glued to a word (`(x)?` is handled above; `_?` here) stays in `other`.
    else out.push({ kind: c === 64 /* @ */ ? 'capture' : c === 35 /* # */ ? 'predicate' : 'other', text, index });
  }
  return out;
}

/** Source text of each top-level pattern, in order (what tree-sitter counts in patternCount). */
export function splitPatterns(query: string): string[] {
  const tokens = tokenize(query);
  const patterns: string[] = [];
  let depth = 0;
  let start = -1;
  let first = 0;
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    if (depth === 0 && start < 0 && tok.kind !== 'capture' && tok.kind !== 'quant') {
      start = tok.index;
      first = t;
    }
    if (tok.kind === 'open') depth++;
    else if (tok.kind === 'close') depth--;
    if (depth === 0 && start >= 0) {
      // a pattern ends after its closing token plus trailing quantifier and captures
      let u = t + 1;
      while (u < tokens.length && (tokens[u]!.kind === 'quant' || tokens[u]!.kind === 'capture')) u++;
      const end = u < tokens.length ? tokens[u]!.index : query.length;
      const pattern = query.slice(start, end);
      patterns.push(pattern);
      // the pattern's tokens are these: spare the rule's readers of each pattern a second scan
      if (!tokenized.has(pattern)) tokenized.set(pattern, tokens.slice(first, u).map((k) => ({ ...k, index: k.index - start })));
      start = -1;
      t = u - 1;
    }
  }
  return patterns;
}

export interface PredicateUse {
  name: string;
  args: Token[];
}

/** Every `(#name? ...)` / `(#name! ...)` in the query. */
export function predicatesIn(query: string): PredicateUse[] {
  const tokens = tokenize(query);
  const out: PredicateUse[] = [];
  for (let t = 0; t < tokens.length; t++) {
    if (tokens[t]!.kind !== 'predicate') continue;
    const args: Token[] = [];
    let u = t + 1;
    while (u < tokens.length && tokens[u]!.kind !== 'close') args.push(tokens[u++]!);
    out.push({ name: tokens[t]!.text.slice(1), args });
  }
  return out;
}

export function capturesIn(query: string): Set<string> {
  return new Set(tokenize(query).filter((t) => t.kind === 'capture').map((t) => t.text.slice(1)));
}

interface CaptureSets {
  mand: Set<string>;
  all: Set<string>;
}

interface Group extends CaptureSets {
  bracket: boolean;
  branches: CaptureSets[];
}

const union = (a: Set<string>, b: Iterable<string>) => {
  for (const x of b) a.add(x);
  return a;
};

/**
 * Captures that every match of the pattern binds: in every branch of an alternation `[...]`,
 * and not inside a group quantified with `?` or `*`.
 */
export function mandatoryCaptures(pattern: string): Set<string> {
  const tokens = tokenize(pattern);
  const root: Group = { bracket: false, branches: [], mand: new Set(), all: new Set() };
  const stack: Group[] = [root];
  const give = (parent: Group, sets: CaptureSets) => {
    if (parent.bracket) parent.branches.push(sets);
    else {
      union(parent.mand, sets.mand);
      union(parent.all, sets.all);
    }
  };
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    const top = stack[stack.length - 1]!;
    if (tok.kind === 'open' && tokens[t + 1]?.kind === 'predicate') {
      // `(#eq? @x "lit")` references captures; it binds none
      while (t < tokens.length && tokens[t]!.kind !== 'close') t++;
    } else if (tok.kind === 'open') {
      stack.push({ bracket: tok.text === '[', branches: [], mand: new Set(), all: new Set() });
    } else if (tok.kind === 'close') {
      if (stack.length === 1) continue;
      const g = stack.pop()!;
      let sets: CaptureSets = { mand: g.mand, all: g.all };
      if (g.bracket) {
        const first = g.branches[0]?.mand ?? new Set<string>();
        const mand = new Set([...first].filter((c) => g.branches.every((b) => b.mand.has(c))));
        sets = { mand, all: g.branches.reduce((acc, b) => union(acc, b.all), new Set<string>()) };
      }
      // a quantifier and the node's captures follow the close, in either order
      let u = t + 1;
      let quant = '';
      while (u < tokens.length && (tokens[u]!.kind === 'capture' || tokens[u]!.kind === 'quant')) {
        const tk = tokens[u++]!;
        if (tk.kind === 'quant') quant = tk.text;
        else {
          sets.mand.add(tk.text.slice(1));
          sets.all.add(tk.text.slice(1));
        }
      }
      if (quant === '?' || quant === '*') sets.mand = new Set();
      give(stack[stack.length - 1]!, sets);
      t = u - 1;
    } else if (tok.kind === 'capture') {
      const name = tok.text.slice(1);
      if (top.bracket) {
        const last = top.branches[top.branches.length - 1];
        if (last) {
          last.mand.add(name);
          last.all.add(name);
        }
      } else {
        top.mand.add(name);
        top.all.add(name);
      }
    } else if (top.bracket && (tok.kind === 'string' || tok.kind === 'other')) {
      top.branches.push({ mand: new Set(), all: new Set() });
    }
  }
  return root.mand;
}

/**
 * Literal triggers of one pattern: an AND of OR-sets. A file can hold a match only if, for every
 * set, it contains one of the set's strings. Empty array: no trigger can be derived.
 */
export function patternTriggers(pattern: string): string[][] {
  const mandatory = mandatoryCaptures(pattern);
  const sets: string[][] = nodeLiterals(pattern).map((lit) => [lit]);
  for (const p of predicatesIn(pattern)) {
    if (p.name === 'match?') {
      const [cap, re] = p.args;
      const lits = cap?.kind === 'capture' && mandatory.has(cap.text.slice(1)) && re?.kind === 'string' ? regexLiterals(re.text) : null;
      if (lits) sets.push(lits);
      continue;
    }
    if (p.name !== 'eq?' && p.name !== 'any-of?') continue;
    const [cap, ...rest] = p.args;
    if (!cap || cap.kind !== 'capture' || !mandatory.has(cap.text.slice(1))) continue;
    if (rest.length === 0 || rest.some((r) => r.kind !== 'string')) continue;
    const lits = rest.map((r) => r.text).filter((s) => s.length > 0);
    if (lits.length === rest.length) sets.push(lits);
  }
  return sets;
}

/** Node types whose source text always holds this keyword or sign (the grammar requires it). */
const NODE_LITERALS: Record<string, string> = {
  await_expression: 'await',
  for_expression: 'for',
  while_expression: 'while',
  loop_expression: 'loop',
  unsafe_block: 'unsafe',
  match_expression: 'match',
  impl_item: 'impl',
  trait_item: 'trait',
  async_block: 'async',
  static_item: 'static',
  let_declaration: 'let',
  if_expression: 'if',
  return_expression: 'return',
  macro_invocation: '!',
  closure_expression: '|',
  range_expression: '..',
  index_expression: '[',
};

/**
 * The literals of the nodes every match of the pattern contains (`(for_expression ...)` → `for`,
 * a mandatory `(range_expression)` inside it → `..`): each node of a listed type gets a synthetic
 * capture, and mandatoryCaptures() says which of them every match binds.
 */
function nodeLiterals(pattern: string): string[] {
  const tokens = tokenize(pattern);
  const inserts = new Map<number, string>(); // index in the pattern text → synthetic capture
  const literalOf = new Map<string, string>();
  const stack: { type: string | null }[] = [];
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    if (tok.kind === 'open') {
      const next = tokens[t + 1];
      stack.push({ type: tok.text === '(' && next?.kind === 'other' ? next.text : null });
    } else if (tok.kind === 'close') {
      const node = stack.pop();
      const lit = node?.type ? NODE_LITERALS[node.type] : undefined;
      if (lit) {
        const name = `__node${inserts.size}`;
        inserts.set(tok.index + 1, ` @${name}`);
        literalOf.set(name, lit);
      }
    }
  }
  if (inserts.size === 0) return [];
  let text = '';
  let at = 0;
  for (const [index, capture] of [...inserts].sort((a, b) => a[0] - b[0])) {
    text += pattern.slice(at, index) + capture;
    at = index;
  }
  text += pattern.slice(at);
  const mandatory = mandatoryCaptures(text);
  return [...new Set([...literalOf].filter(([name]) => mandatory.has(name)).map(([, lit]) => lit))];
}

/**
 * Literals one of which any text matching `re` contains, as whole tokens (the prefilter's
 * semantics, see registry.ts containsToken): for a regex that is an alternation of branches made
 * only of literal characters, escaped punctuation, `\s*`/`\s+` and `\b`, the longest piece of each
 * branch whose word-character ends are fenced by `\b` (at least 2 characters). Null otherwise.
 */
export function regexLiterals(re: string): string[] | null {
  const out: string[] = [];
  for (const branch of re.split('|')) {
    const bare = branch.replace(/\\s[*+]|\\b/g, ' ');
    // unescaped metacharacters, or other escapes of letters and digits (`\d`...), are not literal
    if (/(^|[^\\])[\[\](){}?*+.^$]/.test(bare) || /\\[A-Za-z0-9]/.test(bare)) return null;
    const word = (c: string | undefined) => c !== undefined && /\w/.test(c);
    const eligible = branch
      .split(/\\s[*+]/)
      .map((raw) => {
        const open = raw.startsWith('\\b');
        const close = raw.endsWith('\\b') && !raw.endsWith('\\\\b');
        const lit = raw.replace(/^\\b|\\b$/g, '').replace(/\\(.)/g, '$1');
        if (/\\/.test(lit)) return '';
        return (word(lit[0]) && !open) || (word(lit[lit.length - 1]) && !close) ? '' : lit;
      });
    const best = eligible.reduce((x, y) => (y.length > x.length ? y : x), '');
    if (best.length < 2) return null;
    out.push(best);
  }
  return out;
}

/**
 * A pattern's structure without its predicates, captures renamed by first appearance (`@c0`,
 * `@c1`...), tokens joined by single spaces: two patterns with the same shape match the same
 * nodes, so the query can hold the shape once (see shapes.ts).
 */
export interface PatternShape {
  text: string;
  /** Original capture names, by canonical index. */
  captures: string[];
  predicates: PredicateUse[];
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' };

export function patternShape(pattern: string): PatternShape {
  const tokens = tokenize(pattern);
  const out: string[] = [];
  const captures: string[] = [];
  const predicates: PredicateUse[] = [];
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    if (tok.kind === 'open' && tok.text === '(' && tokens[t + 1]?.kind === 'predicate') {
      const args: Token[] = [];
      let u = t + 2;
      while (u < tokens.length && tokens[u]!.kind !== 'close') args.push(tokens[u++]!);
      predicates.push({ name: tokens[t + 1]!.text.slice(1), args });
      t = u;
      continue;
    }
    if (tok.kind === 'capture') {
      const name = tok.text.slice(1);
      let k = captures.indexOf(name);
      if (k < 0) k = captures.push(name) - 1;
      out.push(`@c${k}`);
    } else if (tok.kind === 'string') out.push(`"${tok.text.replace(/[\\"\n\r\t\0]/g, (c) => ESCAPES[c]!)}"`);
    else out.push(tok.text);
  }
  return { text: out.join(' '), captures, predicates };
}
