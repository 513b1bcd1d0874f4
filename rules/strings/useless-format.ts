import { defineRule } from '../../src/engine/rule.js';
import { isPlainDisplay, parseFormatString, stringLiteralParts } from '../../src/engine/format-string.js';
import { macroArguments, needsParens } from '../../src/engine/syntax.js';

export default defineRule({
  id: 'useless-format',
  family: 'strings',
  severity: 'warning',
  tier: 'safe',
  clippy: 'clippy::useless_format',
  message: '`format!` of a single value allocates through the formatting machinery',
  help: 'use `.to_string()` on the value (or on the literal) instead',
  docs: `\`format!("{}", x)\` and \`format!("text")\` build a String through \`fmt::Arguments\`: the
formatting machinery parses the template at run time and grows the buffer piecewise. \`x.to_string()\`
says the same thing and, for \`&str\`/\`String\`/\`Cow<str>\`, std specialises it to one exact
allocation and a memcpy.

When it is not slow: cold paths. The gain is a few dozen nanoseconds per call.

Fix: a literal with no placeholders becomes \`"text".to_string()\` (\`{{\`/\`}}\` unescaped, \`""\`
becomes \`String::new()\`): tier safe. \`format!("{}", x)\` and \`format!("{x}")\` become
\`x.to_string()\`: tier verify, because an inherent \`fn to_string(&self)\` on the type would win over
\`Display\`, and \`cargo check\` cannot see that. Never for \`{:?}\`, width, precision, \`{0}\`, named or
several arguments. Skipped in \`#![no_std]\` crates.`,
  example: {
    before: 'let a = format!("ready");\nlet c = format!("{}", name);',
    after: 'let a = "ready".to_string();\nlet c = name.to_string();',
  },
  query: `(macro_invocation
  macro: [(identifier) @name (scoped_identifier name: (identifier) @name)]
  (token_tree . [(string_literal) (raw_string_literal)] @fmt)
  (#eq? @name "format")) @match`,
  check(m, ctx) {
    if (ctx.crate.noStd) return false;
    const plan = planUselessFormat(m.node, m.cap('fmt'));
    if (!plan) return false;
    return plan.kind === 'literal' ? true : { tier: 'verify' };
  },
  fix(m) {
    const plan = planUselessFormat(m.node, m.cap('fmt'));
    return plan ? [{ start: m.node.startIndex, end: m.node.endIndex, text: plan.text }] : null;
  },
});

interface Plan {
  kind: 'literal' | 'value';
  text: string;
}

type N = import('web-tree-sitter').Node;

function planUselessFormat(invocation: N, fmt: N): Plan | null {
  const parts = stringLiteralParts(fmt.text);
  if (!parts) return null;
  const parsed = parseFormatString(parts.content);
  if (!parsed) return null;
  const args = macroArguments(invocation);
  if (!args) return null;
  const rest = args.slice(1);
  if (parsed.placeholders.length === 0 && rest.length === 0) {
    const text = parsed.literalText;
    if (text === '') return { kind: 'literal', text: 'String::new()' };
    return { kind: 'literal', text: `${parts.prefix}${text}${parts.suffix}.to_string()` };
  }
  if (parsed.placeholders.length !== 1 || parsed.literalText !== '') return null;
  const p = parsed.placeholders[0]!;
  if (!isPlainDisplay(p)) return null;
  if (p.arg === '' && rest.length === 1) {
    const arg = rest[0]!;
    if (/^\s*[A-Za-z_][A-Za-z0-9_]*\s*=/.test(arg.text) && !/^\s*[A-Za-z_][A-Za-z0-9_]*\s*==/.test(arg.text)) return null;
    return { kind: 'value', text: `${needsParens(arg.text) ? `(${arg.text.trim()})` : arg.text.trim()}.to_string()` };
  }
  if (p.arg !== '' && /^[A-Za-z_]/.test(p.arg) && rest.length === 0) {
    return { kind: 'value', text: `${p.arg}.to_string()` };
  }
  return null;
}
