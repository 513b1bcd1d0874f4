import type { Node } from 'web-tree-sitter';
import { methodCall } from '../../src/engine/analysis/loops.js';
import { resolveBinding } from '../../src/engine/analysis/uses.js';
import type { FileContext } from '../../src/engine/context.js';
import { macroName } from '../../src/engine/macros.js';
import { defineRule, type Edit, type Tier } from '../../src/engine/rule.js';

const norm = (s: string) => s.replace(/\s+/g, '');

/** How an unbuffered handle is visible: an opening expression (owned), or a binding (owned or borrowed). */
type Handle = { owned: boolean; kind: 'File' | 'TcpStream' };

/** `File::open(p)?`, `File::create(p).unwrap()`, `TcpStream::connect(a).expect("..")`, `OpenOptions::new()...open(p)?`. */
function openingExpr(n: Node | null | undefined): Handle | null {
  if (!n) return null;
  let cur = n;
  if (cur.type === 'try_expression') cur = cur.namedChildren[0]!;
  const m = methodCall(cur);
  if (m && (m.method === 'unwrap' || m.method === 'expect')) cur = m.receiver;
  if (cur.type !== 'call_expression') return null;
  const fn = cur.childForFieldName('function');
  if (!fn) return null;
  const t = norm(fn.text);
  if (/(^|::)File::(open|create|create_new)$/.test(t)) return { owned: true, kind: 'File' };
  if (/(^|::)TcpStream::connect(_timeout)?$/.test(t)) return { owned: true, kind: 'TcpStream' };
  const open = methodCall(cur);
  if (open && open.method === 'open' && /(^|::)OpenOptions::new\(\)/.test(norm(open.receiver.text))) return { owned: true, kind: 'File' };
  return null;
}

/** A handle expression: an opening expression, or an identifier bound to one / typed `File` / `TcpStream`. */
function handleOf(ctx: FileContext, n: Node): Handle | null {
  const direct = openingExpr(n);
  if (direct) return direct;
  if (n.type !== 'identifier') return null;
  const b = resolveBinding(ctx, n);
  if (!b || !b.simple) return null;
  if (b.type) {
    const t = norm(b.type.text);
    const m = /^(&(?:'[A-Za-z_]+)?(?:mut)?)?((?:std::(?:fs|net)::)?(File|TcpStream))$/.exec(t);
    if (!m) return null;
    return { owned: !m[1], kind: m[3] as Handle['kind'] };
  }
  return b.kind === 'let' ? openingExpr(b.value) : null;
}

function inLoop(ctx: FileContext, n: Node): boolean {
  for (const a of ctx.ancestors(n)) {
    if (a.type === 'for_expression' || a.type === 'while_expression' || a.type === 'loop_expression') {
      if (a.type === 'for_expression' && a.childForFieldName('value') && n.startIndex >= a.childForFieldName('value')!.startIndex && n.endIndex <= a.childForFieldName('value')!.endIndex) continue;
      return true;
    }
    if (a.type === 'function_item' || a.type === 'closure_expression') return false;
  }
  return false;
}

interface Plan {
  tier: Tier;
  message: string;
  help: string;
  edits: Edit[] | null;
}

function plan(node: Node, ctx: FileContext): Plan | null {
  if (node.type === 'macro_invocation') {
    const name = macroName(node);
    if (!inLoop(ctx, node)) return null;
    if (name === 'println' || name === 'print') {
      return {
        tier: 'report-only',
        message: `\`${name}!\` inside a loop locks and line-flushes stdout on every call`,
        help: 'lock stdout once before the loop (`let mut out = std::io::stdout().lock();`, wrapped in a `BufWriter` for bulk output) and use `writeln!(out, ..)?`; note that this changes broken-pipe behaviour (`println!` panics, `writeln!` returns an error) and holds the lock for the whole loop',
        edits: null,
      };
    }
    // write!/writeln!(f, ..) on an unbuffered file or socket
    const tt = node.children.find((c) => c?.type === 'token_tree');
    const first = tt?.namedChildren[0];
    const second = tt?.children[2];
    if (!first || first.type !== 'identifier' || second?.type !== ',') return null;
    const h = handleOf(ctx, first);
    if (!h) return null;
    return writePlan(first.text, h);
  }
  const m = methodCall(node);
  if (!m) return null;
  if (m.method === 'bytes' && m.args.length === 0 && !m.turbofish) {
    const h = handleOf(ctx, m.receiver);
    if (!h) return null;
    const owned = h.owned;
    return {
      tier: owned ? 'verify' : 'report-only',
      message: `\`.bytes()\` on an unbuffered \`${h.kind}\` makes one read system call per byte`,
      help: owned
        ? 'wrap it in a `BufReader` first: `BufReader::new(..).bytes()`'
        : 'wrap it in a `BufReader` (a borrowed handle: the bytes the buffer reads ahead would be lost to later reads of the same handle, so decide by hand)',
      edits: owned ? [{ start: m.receiver.startIndex, end: m.receiver.endIndex, text: `std::io::BufReader::new(${m.receiver.text})` }] : null,
    };
  }
  if ((m.method === 'write_all' || m.method === 'write') && m.args.length === 1 && m.receiver.type === 'identifier' && inLoop(ctx, node)) {
    const h = handleOf(ctx, m.receiver);
    if (!h) return null;
    return writePlan(m.receiver.text, h);
  }
  return null;
}

function writePlan(name: string, h: Handle): Plan {
  return {
    tier: 'report-only',
    message: `writes to an unbuffered \`${h.kind}\` inside a loop make one system call each`,
    help: `wrap \`${name}\` in a \`BufWriter\` before the loop and call \`.flush()?\` after it: an error at drop is otherwise lost, and readers see the data later`,
    edits: null,
  };
}

export default defineRule({
  id: 'unbuffered-io',
  family: 'indexing',
  severity: 'warning',
  tier: 'verify',
  clippy: 'clippy::unbuffered_bytes',
  message: 'unbuffered I/O in a hot path',
  help: 'buffer it with BufReader/BufWriter',
  docs: `\`File\` and \`TcpStream\` are unbuffered: every \`read\`/\`write\` is a system call. \`.bytes()\` on them
reads one byte per call; \`write!\`/\`writeln!\`/\`write_all\` in a loop issue one \`write\` per item; \`println!\`
locks stdout and flushes at every newline (stdout is line-buffered even when piped).

Matched: \`.bytes()\` on \`File::open(..)?\`/\`.unwrap()\`/\`.expect(..)\`, \`File::create\`, \`OpenOptions::new()...open\`,
\`TcpStream::connect\`, or a local bound to one or typed \`File\`/\`TcpStream\`; \`write!\`/\`writeln!\`/
\`write_all\`/\`write\` on such a handle inside a loop; \`println!\`/\`print!\` inside a loop. \`eprintln!\`
(diagnostics, unbuffered on purpose) and handles already inside \`BufReader\`/\`BufWriter\` are not
matched.

Fix (reads, verify): \`h.bytes()\` → \`std::io::BufReader::new(h).bytes()\` when \`h\` is owned (it is
consumed by \`bytes()\` anyway). For a borrowed \`&mut File\` it is report-only: the buffer reads ahead,
and bytes it holds would be lost to later reads of the same handle.

Writes (report-only): \`BufWriter\` needs an explicit \`flush()?\` at the end, otherwise a write error at
drop is lost and other readers see the data late. For stdout, lock once with \`io::stdout().lock()\` and
use \`writeln!(out, ..)?\`; this holds the lock for the whole loop and turns a broken pipe from a panic
into an error. Clippy: \`clippy::unbuffered_bytes\` (perf).`,
  example: {
    before: 'for b in File::open(path)?.bytes() { if b? == b\'\\n\' { n += 1; } }',
    after: 'for b in std::io::BufReader::new(File::open(path)?).bytes() { if b? == b\'\\n\' { n += 1; } }',
  },
  query: `(call_expression
  function: (field_expression field: (field_identifier) @method)
  (#any-of? @method "bytes" "write_all" "write")) @match
(macro_invocation
  macro: [(identifier) @mac (scoped_identifier name: (identifier) @mac)]
  (#any-of? @mac "println" "print" "write" "writeln")) @match`,
  check(m, ctx) {
    const p = plan(m.node, ctx);
    return p ? { tier: p.tier, message: p.message, help: p.help } : false;
  },
  fix(m, ctx) {
    return plan(m.node, ctx)?.edits ?? null;
  },
});
