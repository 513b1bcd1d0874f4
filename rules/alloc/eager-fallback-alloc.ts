import type { Node } from 'web-tree-sitter';
import { defineRule, type Edit } from '../../src/engine/rule.js';
import type { FileContext } from '../../src/engine/context.js';
import { macroName } from '../../src/engine/macros.js';
import { calleePath, isComment, methodCall, userMacro, type MethodCall } from '../strings/util.js';

/** Methods with no side effects and no panics that may appear inside a lazy argument. */
const PURE_METHODS = new Set([
  'to_string', 'to_owned', 'clone', 'to_vec', 'as_str', 'as_ref', 'len', 'is_empty', 'display', 'to_lowercase',
  'to_uppercase', 'trim', 'as_slice', 'as_path', 'to_string_lossy', 'as_bytes', 'into',
]);
/** Calls that allocate (the reason to make the argument lazy). */
const ALLOCATING_METHODS = new Set(['to_string', 'to_owned', 'to_vec', 'clone']);
const ALLOCATING_PATHS = new Set(['String::from', 'Vec::from', 'PathBuf::from', 'Vec::with_capacity', 'String::with_capacity', 'Box::new', 'Rc::new', 'Arc::new']);

/** Option-returning methods (never Result). */
const OPTION_METHODS = new Set([
  'get', 'get_mut', 'first', 'last', 'first_mut', 'last_mut', 'next', 'next_back', 'pop', 'pop_front', 'pop_back', 'find',
  'find_map', 'position', 'rposition', 'max', 'min', 'max_by_key', 'min_by_key', 'max_by', 'min_by', 'nth', 'ok', 'err',
  'strip_prefix', 'strip_suffix', 'split_once', 'rsplit_once', 'checked_add', 'checked_sub', 'checked_mul', 'checked_div',
  'get_key_value', 'peek', 'last_key_value', 'first_key_value', 'file_name', 'extension', 'parent',
  'file_stem', 'to_str', 'reduce', 'cloned', 'copied',
]);
/** Result-returning methods and functions (never Option). */
const RESULT_METHODS = new Set(['parse', 'read_to_string', 'metadata', 'canonicalize', 'try_into', 'map_err', 'read_line', 'read_dir', 'try_from', 'from_str', 'from_utf8', 'recv', 'try_recv', 'join']);
const RESULT_PATHS = /(^|::)(env::var|env::current_dir|fs::read_to_string|fs::read|fs::metadata|fs::canonicalize|File::open|File::create|read_to_string|from_utf8|from_str|from_str_radix|try_from)$/;

type Kind = 'option' | 'result' | 'unknown';

function receiverKind(recv: Node): Kind {
  const mc = methodCall(recv);
  if (mc) {
    // `x.iter().cloned()`... `cloned`/`copied` on an iterator is not an Option, but then no unwrap_or follows
    if (OPTION_METHODS.has(mc.method)) return 'option';
    if (RESULT_METHODS.has(mc.method)) return 'result';
    return 'unknown';
  }
  if (recv.type === 'call_expression') {
    const path = calleePath(recv);
    if (path && RESULT_PATHS.test(path)) return 'result';
  }
  return 'unknown';
}

/** True when evaluating `n` has no side effect and cannot panic (places, literals, pure methods). */
function pure(n: Node): boolean {
  switch (n.type) {
    case 'identifier': case 'self': case 'string_literal': case 'raw_string_literal': case 'char_literal':
    case 'integer_literal': case 'float_literal': case 'boolean_literal':
      return true;
    case 'field_expression':
      return pure(n.childForFieldName('value')!);
    case 'reference_expression': case 'parenthesized_expression':
      return n.namedChildren.every((c) => !c || pure(c));
    case 'unary_expression':
      return n.children[0]?.type === '*' && n.namedChildren.every((c) => !c || pure(c));
    case 'call_expression': {
      const mc = methodCall(n);
      if (mc) return PURE_METHODS.has(mc.method) && pure(mc.recv) && mc.args.every(pure);
      const path = calleePath(n);
      const args = n.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c && !isComment(c)) ?? [];
      return !!path && ALLOCATING_PATHS.has(path.split('::').slice(-2).join('::')) && args.every(pure);
    }
    case 'macro_invocation':
      return pureMacro(n);
    default:
      return false;
  }
}

/** `format!`/`vec!` whose tokens hold only places, literals and pure method calls. */
function pureMacro(inv: Node): boolean {
  const name = macroName(inv);
  if (name !== 'format' && name !== 'vec') return false;
  const tt = inv.children.find((c) => c?.type === 'token_tree');
  if (!tt) return false;
  const toks: Node[] = [];
  const groups: [Node, Node | undefined][] = []; // (group, token before it)
  const walk = (t: Node) => {
    const kids = t.children.filter((c): c is Node => !!c);
    kids.forEach((c, i) => {
      if (c.type === 'token_tree') {
        groups.push([c, kids[i - 1]]);
        walk(c);
      } else toks.push(c);
    });
  };
  walk(tt);
  for (const [g, before] of groups) {
    // only `.method()` calls of pure methods; no indexing, no function calls, no closures
    if (!g.text.startsWith('(') || !before || before.type !== 'identifier' || !PURE_METHODS.has(before.text)) return false;
    const dot = toks[toks.indexOf(before) - 1];
    if (dot?.type !== '.') return false;
  }
  const allowed = new Set(['identifier', 'self', 'string_literal', 'raw_string_literal', 'char_literal', 'integer_literal', 'float_literal', 'boolean_literal', '.', ',', '&', '=', ';', '(', ')', '[', ']', '{', '}', 'string_content', '"', 'escape_sequence', 'mutable_specifier']);
  for (const t of toks) {
    if (t.type === 'identifier' && (t.text === 'unsafe' || t.text === 'loop')) return false;
    if (!allowed.has(t.type)) return false;
  }
  return name === 'format' || tt.namedChildCount > 0;
}

/** The argument allocates (and is pure, so running it lazily changes nothing but the cost). */
function allocates(n: Node): boolean {
  if (!pure(n)) return false;
  if (n.type === 'macro_invocation') return true;
  if (n.type === 'reference_expression') return n.namedChildren.some((c) => !!c && allocates(c));
  const mc = methodCall(n);
  if (mc) return ALLOCATING_METHODS.has(mc.method) || mc.method === 'as_str' && allocates(mc.recv);
  if (n.type === 'call_expression') return true; // an ALLOCATING_PATHS constructor (pure() checked it)
  return false;
}

interface Plan {
  mc: MethodCall;
  kind: Kind;
  edits: Edit[] | null;
  lazy: string;
}

const LAZY: Record<string, string> = {
  unwrap_or: 'unwrap_or_else', or: 'or_else', ok_or: 'ok_or_else', map_or: 'map_or_else', or_insert: 'or_insert_with',
  get_or_insert: 'get_or_insert_with', expect: 'unwrap_or_else',
};

function freshName(text: string): string {
  for (const n of ['e', 'err', 'error', 'cause']) if (!new RegExp(`\\b${n}\\b`).test(text)) return n;
  return '__rxfix_err';
}

function plan(ctx: FileContext, call: Node): Plan | null {
  const mc = methodCall(call);
  if (!mc || !(mc.method in LAZY)) return null;
  if (userMacro(ctx, 'format') || userMacro(ctx, 'vec') || userMacro(ctx, 'panic')) return null;
  const want = mc.method === 'map_or' ? 2 : 1;
  if (mc.args.length !== want) return null;
  const arg = mc.args[0]!;
  // ok_or/get_or_insert exist only on Option; Entry::or_insert_with takes FnOnce() -> V like Option's
  const kind: Kind = ['ok_or', 'get_or_insert', 'or_insert'].includes(mc.method) ? 'option' : receiverKind(mc.recv);
  const lazyName = LAZY[mc.method]!;
  const field = { start: mc.field.startIndex, end: mc.field.endIndex, text: lazyName };

  if (mc.method === 'expect') {
    // expect(&format!(..)) / expect(format!(..).as_str())
    let inv: Node | null = null;
    if (arg.type === 'reference_expression' && arg.namedChildren[0]?.type === 'macro_invocation') inv = arg.namedChildren[0];
    const am = methodCall(arg);
    if (am && am.method === 'as_str' && am.recv.type === 'macro_invocation') inv = am.recv;
    if (!inv || macroName(inv) !== 'format' || !pureMacro(inv)) return null;
    const tt = inv.children.find((c) => c?.type === 'token_tree')!;
    const inner = ctx.source.slice(tt.startIndex + 1, tt.endIndex - 1).trim();
    if (inner === '') return null;
    let text: string | null = null;
    if (kind === 'option') text = `|| panic!(${inner})`;
    else if (kind === 'result') {
      const e = freshName(inner);
      text = `|${e}| panic!("{}: {:?}", format_args!(${inner}), ${e})`;
    }
    const edits = text ? [field, { start: arg.startIndex, end: arg.endIndex, text }] : null;
    return { mc, kind, edits, lazy: lazyName };
  }
  if (!allocates(arg)) return null;
  let param: string | null = null;
  if (kind === 'option') param = '||';
  else if (kind === 'result') param = mc.method === 'unwrap_or' || mc.method === 'or' || mc.method === 'map_or' ? '|_|' : null;
  const edits = param ? [field, { start: arg.startIndex, end: arg.startIndex, text: `${param} ` }] : null;
  return { mc, kind, edits, lazy: lazyName };
}

export default defineRule({
  id: 'eager-fallback-alloc',
  aliases: ['or-fun-call', 'expect-fun-call'],
  family: 'alloc',
  severity: 'warning',
  tier: 'verify',
  clippy: 'clippy::or_fun_call',
  message: 'the fallback value is built even when it is not used',
  help: 'make it lazy: `unwrap_or_else(|| ..)`, `ok_or_else`, `or_insert_with`, `map_or_else`',
  docs: `Arguments are evaluated before the call, so \`opt.unwrap_or(format!(..))\`,
\`map.entry(k).or_insert(Vec::with_capacity(n))\` or \`res.expect(&format!(..))\` allocate (and format)
on every call, even on the common path where the value is present and the fallback is dropped.

Matches \`unwrap_or\`, \`or\`, \`ok_or\`, \`map_or\` (first argument), \`or_insert\`, \`get_or_insert\`,
\`expect\` whose argument allocates and is side-effect free: \`format!\`, a non-empty \`vec![]\`,
\`.to_string()\`/\`.to_owned()\`/\`.to_vec()\`/\`.clone()\`, \`String::from\`, \`Vec::with_capacity\`,
\`Box::new\`... built only from places, literals and pure methods (\`len\`, \`as_str\`, \`display\`...).
patterns.md also lists "any other non-const call": not done, because a call may have effects
that must always run (\`unwrap_or(ids.next())\`), and an index or arithmetic may panic: making those
lazy changes behaviour, not just cost.

Fix: \`unwrap_or(x)\` → \`unwrap_or_else(|| x)\` on an \`Option\`, \`unwrap_or_else(|_| x)\` on a
\`Result\`; likewise \`or_else\`, \`map_or_else(|| d, f)\`, \`ok_or_else\`, \`or_insert_with\`,
\`get_or_insert_with\`. \`expect(&format!(..))\` → \`unwrap_or_else(|| panic!(..))\` on an Option, and
\`unwrap_or_else(|e| panic!("{}: {:?}", format_args!(..), e))\` on a Result (the exact text \`expect\`
prints). The receiver's kind comes from the method that produced it (\`get\`/\`first\`/\`next\`/\`find\`...
→ Option; \`parse\`/\`File::open\`/\`env::var\`... → Result); when it is not visible the finding is
report-only (a guessed closure arity would just fail cargo check).

Tier verify: the fallback no longer runs on the happy path (only allocation and formatting, given
the purity check), and a closure that borrows what the receiver borrows mutably stops compiling.
The panic location of \`expect\` moves into the closure (same line in practice).
\`unwrap_or(String::new())\` is not matched: \`new()\` does not allocate.`,
  example: {
    before: 'let name = cfg.get("name").cloned().unwrap_or(format!("user-{id}"));',
    after: 'let name = cfg.get("name").cloned().unwrap_or_else(|| format!("user-{id}"));',
  },
  query: `(call_expression
  function: (field_expression field: (field_identifier) @m)
  (#any-of? @m "unwrap_or" "or" "ok_or" "map_or" "or_insert" "get_or_insert" "expect")) @match`,
  check(m, ctx) {
    const p = plan(ctx, m.node);
    if (!p) return false;
    if (!p.edits) {
      return { node: p.mc.field, tier: 'report-only', help: `make it lazy: \`${p.lazy}(|| ..)\` for an Option, \`${p.lazy}(|_| ..)\` for a Result` };
    }
    return { node: p.mc.field, message: `the argument of \`${p.mc.method}\` allocates even when it is not used` };
  },
  fix(m, ctx) {
    return plan(ctx, m.node)?.edits ?? null;
  },
});

