// Reading Rust format strings (std::fmt syntax): `{}` placeholders, `{name:spec}`, `{{`/`}}`.
// Format strings are code (patterns.md trap 2): `"{x}"` reads `x`.

export interface Placeholder {
  /** `''` for `{}`, a name for `{x}`, digits for `{0}`. */
  arg: string;
  /** Everything after `:`, `''` when there is none; `undefined` when no `:` was written. */
  spec: string | undefined;
  /** Offsets inside the literal's content. */
  start: number;
  end: number;
}

export interface ParsedFormat {
  placeholders: Placeholder[];
  /** The literal text with `{{`/`}}` unescaped, when there are no placeholders. */
  literalText: string;
}

/** Parses the content of a format string (between the quotes). Returns null when malformed. */
export function parseFormatString(content: string): ParsedFormat | null {
  const placeholders: Placeholder[] = [];
  let literalText = '';
  for (let i = 0; i < content.length; i++) {
    const c = content[i];
    if (c === '{') {
      if (content[i + 1] === '{') {
        literalText += '{';
        i++;
        continue;
      }
      const close = content.indexOf('}', i);
      if (close < 0) return null;
      const inner = content.slice(i + 1, close);
      const colon = inner.indexOf(':');
      const arg = (colon < 0 ? inner : inner.slice(0, colon)).trim();
      if (arg !== '' && !/^([0-9]+|[A-Za-z_][A-Za-z0-9_]*)$/.test(arg)) return null;
      placeholders.push({ arg, spec: colon < 0 ? undefined : inner.slice(colon + 1), start: i, end: close + 1 });
      i = close;
    } else if (c === '}') {
      if (content[i + 1] !== '}') return null;
      literalText += '}';
      i++;
    } else literalText += c;
  }
  return { placeholders, literalText };
}

/** A placeholder that formats with plain `Display` and no options: `{}` or `{name}`. */
export function isPlainDisplay(p: Placeholder): boolean {
  return p.spec === undefined;
}

export interface StringLiteralParts {
  /** `""`, `r#""#`... the delimiters, so edits can keep them. */
  prefix: string;
  suffix: string;
  content: string;
  raw: boolean;
}

/** Splits a Rust string literal's source text; null for byte/C strings or anything else. */
export function stringLiteralParts(text: string): StringLiteralParts | null {
  const raw = /^r(#*)"/.exec(text);
  if (raw) {
    const hashes = raw[1]!;
    const suffix = `"${hashes}`;
    if (!text.endsWith(suffix)) return null;
    return { prefix: raw[0], suffix, content: text.slice(raw[0].length, text.length - suffix.length), raw: true };
  }
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) {
    return { prefix: '"', suffix: '"', content: text.slice(1, -1), raw: false };
  }
  return null;
}

/**
 * The value of a non-raw string literal's content if it is exactly one Unicode scalar; returns
 * the char literal text to use (`'x'`), or null.
 */
export function singleCharLiteral(content: string, raw: boolean): string | null {
  if (raw) {
    const chars = [...content];
    if (chars.length !== 1) return null;
    const c = chars[0]!;
    if (c === "'") return "'\\''";
    if (c === '\\') return "'\\\\'";
    if (c === '\n' || c === '\r' || c === '\t') return null;
    return `'${c}'`;
  }
  if (content === "'") return "'\\''";
  if (content === '\\"') return `'"'`;
  if (/^\\([nrt0\\']|x[0-7][0-9a-fA-F]|u\{[0-9a-fA-F]{1,6}\})$/.test(content)) return `'${content}'`;
  const chars = [...content];
  if (chars.length === 1 && chars[0] !== '\\' && chars[0] !== '\n' && chars[0] !== '\r' && chars[0] !== '\t') {
    // A lone combining mark or variation selector is part of a grapheme the user sees as one.
    if (/\p{M}/u.test(chars[0]!)) return null;
    return `'${chars[0]}'`;
  }
  return null;
}
