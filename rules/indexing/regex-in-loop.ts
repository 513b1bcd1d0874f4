import type { Node } from 'web-tree-sitter';
import { methodCall } from '../../src/engine/analysis/loops.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule } from '../../src/engine/rule.js';

const REGEX_TYPES = new Set(['Regex', 'RegexSet']);

interface Plan {
  /** The whole `Regex::new("..").unwrap()` expression. */
  expr: Node;
  type: string;
  where: string;
}

/** A loop body or closure around `node` in the same function (where the regex is rebuilt each time). */
function repeatedContext(ctx: FileContext, node: Node): string | null {
  for (const a of ctx.ancestors(node)) {
    if (a.type === 'for_expression' || a.type === 'while_expression' || a.type === 'loop_expression') {
      // the iterable/condition of a `for` runs once
      if (a.type === 'for_expression' && a.childForFieldName('value') && contains(a.childForFieldName('value')!, node)) continue;
      return 'loop';
    }
    if (a.type === 'closure_expression') return initOnce(a) ? null : 'closure';
    if (a.type === 'function_item' || a.type === 'const_item' || a.type === 'static_item') return null;
  }
  return null;
}

/** A closure that runs at most once: the initialiser of `OnceLock::get_or_init`, `LazyLock::new`, `Lazy::new`, `call_once`... */
function initOnce(closure: Node): boolean {
  const args = closure.parent;
  const call = args?.type === 'arguments' ? args.parent : null;
  if (!call || call.type !== 'call_expression') return false;
  const m = methodCall(call);
  if (m) return ['get_or_init', 'get_or_try_init', 'call_once', 'call_once_force', 'get_or_insert_with'].includes(m.method);
  const fn = call.childForFieldName('function');
  return !!fn && /(^|::)(LazyLock|LazyCell|Lazy|OnceCell|OnceLock)(::<.*>)?::new$/.test(fn.text.replace(/\s+/g, ''));
}

function contains(outer: Node, inner: Node): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

function plan(newCall: Node, ctx: FileContext): Plan | null {
  const fn = newCall.childForFieldName('function');
  const args = newCall.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null) ?? [];
  if (!fn || fn.type !== 'scoped_identifier' || args.length !== 1) return null;
  const path = fn.childForFieldName('path');
  const last = path?.type === 'scoped_identifier' ? path.childForFieldName('name')?.text : path?.text;
  if (!path || !last || !REGEX_TYPES.has(last)) return null;
  // a literal pattern (RegexSet::new takes an array of literals)
  const pat = args[0]!;
  const literal = (n: Node) => n.type === 'string_literal' || n.type === 'raw_string_literal';
  if (last === 'Regex' ? !literal(pat) : !(pat.type === 'array_expression' && pat.namedChildren.every((c) => !!c && literal(c)))) return null;
  // `.unwrap()` / `.expect("..")`: `?` would move the error to a different place (not rewritten)
  const field = newCall.parent;
  const unwrap = field?.type === 'field_expression' ? field.parent : null;
  const m = methodCall(unwrap);
  if (!m || (m.method !== 'unwrap' && m.method !== 'expect') || m.receiver.id !== newCall.id) return null;
  if (m.method === 'expect' && !(m.args.length === 1 && literal(m.args[0]!))) return null;
  const where = repeatedContext(ctx, unwrap!);
  if (!where) return null;
  return { expr: unwrap!, type: path.text, where };
}

export default defineRule({
  id: 'regex-in-loop',
  family: 'indexing',
  severity: 'warning',
  tier: 'verify',
  clippy: 'clippy::regex_creation_in_loops',
  message: 'a regex is compiled on every iteration',
  help: 'compile it once: keep it in a `static` initialised on first use',
  docs: `\`Regex::new(pattern)\` parses the pattern and builds its automata: microseconds to milliseconds,
far more than a typical match. Inside a loop body or a closure (\`lines.filter(|l| Regex::new(..)...)\`)
that cost is paid per item.

Matched: \`Regex::new(<literal>)\` (also \`regex::bytes::Regex\`, \`RegexSet::new([<literals>])\`) followed by
\`.unwrap()\` or \`.expect("..")\`, inside a loop body or a closure. Not when the pattern is built at run
time, or the error is propagated with \`?\` (the error would surface elsewhere).

Fix: the expression becomes a block with a block-scoped static, evaluated once per process:
\`{ static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new(); RE.get_or_init(|| Regex::new(..).unwrap()) }\`.
An invalid pattern still panics at the same first use, and not at all if the loop never runs. The
value is a \`&Regex\` instead of a \`Regex\`: method calls are unchanged, but code that needs an owned
\`Regex\` fails to compile (caught). \`OnceLock\` needs Rust 1.70 (\`LazyLock\`, 1.80, would read better;
patterns.md suggests it, but the crate's MSRV is not visible here and cargo check does not enforce it).

Tier verify. Clippy: \`clippy::regex_creation_in_loops\` (perf).`,
  example: {
    before: 'for l in lines {\n    if Regex::new(r"^\\d+$").unwrap().is_match(l) { n += 1; }\n}',
    after: 'for l in lines {\n    if { static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new(); RE.get_or_init(|| Regex::new(r"^\\d+$").unwrap()) }.is_match(l) { n += 1; }\n}',
  },
  query: `(call_expression
  function: (scoped_identifier
    path: [(identifier) @ty (scoped_identifier name: (identifier) @ty)]
    name: (identifier) @new)
  arguments: (arguments)
  (#eq? @new "new")
  (#any-of? @ty "Regex" "RegexSet")) @match`,
  check(m, ctx) {
    const p = plan(m.node, ctx);
    if (!p) return false;
    return { node: p.expr, message: `a regex is compiled on every ${p.where === 'loop' ? 'iteration' : 'call of this closure'}` };
  },
  fix(m, ctx) {
    const p = plan(m.node, ctx);
    if (!p || p.expr.tree !== ctx.tree) return null;
    const t = p.type;
    return [{
      start: p.expr.startIndex,
      end: p.expr.endIndex,
      text: `{ static RE: std::sync::OnceLock<${t}> = std::sync::OnceLock::new(); RE.get_or_init(|| ${p.expr.text}) }`,
    }];
  },
});
