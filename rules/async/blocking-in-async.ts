import type { Node } from 'web-tree-sitter';
import { inAsync, isAwaited } from '../../src/engine/analysis/async.js';
import { normalize, resolvePath } from '../../src/engine/analysis/paths.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule } from '../../src/engine/rule.js';
import { methodCall } from '../sync/shared.js';

interface Blocking {
  /** What is called, for the message. */
  what: string;
  help: string;
  sleep: boolean;
}

const FS_HELP = 'use `tokio::fs` (`.await` it), or move the work into `tokio::task::spawn_blocking` (batch many small file operations into one, as `tokio::fs` spawns per call)';

export default defineRule({
  id: 'blocking-in-async',
  family: 'async',
  requires: [['async']], // blocking(): inAsync, an async fn, block or closure around
  severity: 'warning',
  tier: 'verify',
  clippy: null,
  message: 'a blocking call inside async code stalls the executor thread',
  help: 'use the async equivalent and `.await` it, or move the work into `tokio::task::spawn_blocking`',
  docs: `A blocking call inside an \`async fn\`, \`async\` block or async closure holds the executor's worker
thread: every other task scheduled on it waits, timers fire late, and with few workers the whole
runtime can stall.

Matched inside async code (patterns.md F1; a plain closure ends the async context, since it may
run on a blocking thread as in \`spawn_blocking(|| ..)\`), with names resolved through \`use\`:
\`std::thread::sleep\`; \`std::fs::*\` functions and \`std::fs::File::{open, create}\`;
\`std::net::TcpStream::connect\`; \`std::process::Command\`'s \`.output()\`/\`.status()\`;
\`std::io::stdin().read_line(..)\`; \`.recv()\` on a receiver bound in the same function from
\`std::sync::mpsc::channel()\`/\`sync_channel(..)\`; \`reqwest::blocking::*\`. A call followed by
\`.await\` is async and is not matched; \`use tokio::fs\` makes \`fs::read\` async; a local
\`fn sleep\` is not \`std::thread::sleep\`.

When it is not a problem: a dedicated runtime with a thread per task, or a call known to return
at once. Blocking in \`#[tokio::main]\` before other tasks exist is harmless but still reported.

Fix: \`tokio::time::sleep(d).await\`, \`tokio::fs\`, \`tokio::net\`, \`tokio::process\`,
\`tokio::sync::mpsc\`; \`spawn_blocking\` or rayon for blocking or CPU-heavy work.

Tier: report-only, except one verify form: \`std::thread::sleep(d)\` → \`tokio::time::sleep(d).await\`,
offered only when the crate's Cargo.toml has tokio as a direct dependency with the \`time\` or
\`full\` feature (the future needs tokio's timer, so a non-tokio executor would panic: the tests
must pass). The task then yields instead of blocking, so other tasks run meanwhile.`,
  example: {
    before: 'async fn poll(u: &str) { loop { check(u).await; std::thread::sleep(PERIOD); } }',
    after: 'async fn poll(u: &str) { loop { check(u).await; tokio::time::sleep(PERIOD).await; } }',
  },
  query: `(call_expression
  function: [(identifier) @name (scoped_identifier name: (identifier) @name)]
  (#any-of? @name "sleep" "canonicalize" "copy" "create_dir" "create_dir_all" "hard_link" "metadata" "read" "read_dir"
    "read_link" "read_to_string" "remove_dir" "remove_dir_all" "remove_file" "rename" "set_permissions" "soft_link"
    "symlink_metadata" "write" "exists" "try_exists" "open" "create" "create_new" "connect" "connect_timeout" "get")) @match
(call_expression
  function: (field_expression field: (field_identifier) @method)
  (#any-of? @method "output" "status" "read_line" "recv" "recv_timeout")) @match`,
  check(m, ctx) {
    const b = blocking(ctx, m.node, m.node.childForFieldName('function')!);
    if (!b) return false;
    const message = `blocking call \`${b.what}\` inside async code stalls the executor thread`;
    if (b.sleep && tokioTime(ctx)) return { message, help: b.help };
    return { message, help: b.help, tier: 'report-only' };
  },
  fix(m, ctx) {
    const callee = m.node.childForFieldName('function')!;
    const b = blocking(ctx, m.node, callee);
    if (!b || !b.sleep || !tokioTime(ctx)) return null;
    return [
      { start: callee.startIndex, end: callee.endIndex, text: 'tokio::time::sleep' },
      { start: m.node.endIndex, end: m.node.endIndex, text: '.await' },
    ];
  },
});

function tokioTime(ctx: FileContext): boolean {
  const f = ctx.crate.dependencies?.['tokio'];
  return f !== undefined && (f.includes('time') || f.includes('full'));
}

/** The std path a callee names, or null when it is local, glob-provided or not a path. */
function calleePath(ctx: FileContext, callee: Node, at: Node): string | null {
  if (callee.type !== 'identifier' && callee.type !== 'scoped_identifier') return null;
  const r = resolvePath(ctx, callee.text, at);
  if (r.kind === 'local' || r.kind === 'glob') return null;
  // a bare name that is not imported is not a std function (no std function is in the prelude here)
  if (r.kind === 'unresolved' && !callee.text.includes('::')) return null;
  return normalize(r.path);
}

function blocking(ctx: FileContext, call: Node, callee: Node): Blocking | null {
  if (isAwaited(ctx, call)) return null;
  if (!inAsync(ctx, call)) return null;
  const p = callee.type === 'field_expression' ? null : calleePath(ctx, callee, call);
  if (p) {
    if (p === 'std::thread::sleep') return { what: 'std::thread::sleep', sleep: true, help: 'use `tokio::time::sleep(d).await` (or your runtime\'s sleep): the task yields instead of blocking the worker' };
    if (p.startsWith('std::fs::')) {
      const rest = p.slice('std::fs::'.length);
      // `fs::File::open`/`create` block; other associated fns of fs types (`OpenOptions::new`) do not
      if (/^[a-z_]+$/.test(rest) || /^File::(open|create|create_new)$/.test(rest)) return { what: p, sleep: false, help: FS_HELP };
      return null;
    }
    if (p === 'std::net::TcpStream::connect' || p === 'std::net::TcpStream::connect_timeout') return { what: p, sleep: false, help: 'use `tokio::net::TcpStream::connect(..).await`' };
    if (p.startsWith('reqwest::blocking::')) return { what: p, sleep: false, help: 'use the async `reqwest::Client` and `.await` it; `reqwest::blocking` inside a Tokio runtime can also panic' };
    return null;
  }
  const mc = methodCall(call);
  if (!mc) return null;
  if ((mc.name === 'output' || mc.name === 'status') && mc.args.namedChildCount === 0 && commandIsStd(ctx, mc.recv, call)) {
    return { what: `std::process::Command::${mc.name}`, sleep: false, help: 'use `tokio::process::Command` and `.await` it, or `spawn_blocking`' };
  }
  if (mc.name === 'read_line' && isStdinCall(ctx, mc.recv, call)) {
    return { what: 'std::io::Stdin::read_line', sleep: false, help: 'use `tokio::io::stdin()` with `BufReader::lines()`, or read stdin on a blocking thread' };
  }
  if ((mc.name === 'recv' || mc.name === 'recv_timeout') && mc.recv.type === 'identifier' && stdReceiver(ctx, mc.recv, call)) {
    return { what: `std::sync::mpsc::Receiver::${mc.name}`, sleep: false, help: 'use `tokio::sync::mpsc` and `rx.recv().await`, or receive on a blocking thread' };
  }
  return null;
}

/** The receiver chain starts with `Command::new(..)` where `Command` is `std::process::Command`. */
function commandIsStd(ctx: FileContext, recv: Node, at: Node): boolean {
  let cur: Node | null = recv;
  while (cur && cur.type === 'call_expression') {
    const f: Node | null = cur.childForFieldName('function');
    if (f?.type === 'scoped_identifier' && f.childForFieldName('name')?.text === 'new') {
      const path = f.childForFieldName('path');
      return path !== null && calleePath(ctx, path, at) === 'std::process::Command';
    }
    const mc = methodCall(cur);
    cur = mc ? mc.recv : null;
  }
  return false;
}

/** `stdin()` / `io::stdin()` / `std::io::stdin()` resolving to `std::io::stdin`. */
function isStdinCall(ctx: FileContext, recv: Node, at: Node): boolean {
  if (recv.type !== 'call_expression') return false;
  const f = recv.childForFieldName('function');
  return f !== null && calleePath(ctx, f, at) === 'std::io::stdin';
}

/** `rx` was bound in this function from `std::sync::mpsc::channel()` / `sync_channel(..)`. */
function stdReceiver(ctx: FileContext, rx: Node, at: Node): boolean {
  const fn = ctx.closest(at, ['function_item']);
  if (!fn) return false;
  for (const l of fn.descendantsOfType('let_declaration')) {
    if (!l || l.startIndex > at.startIndex) continue;
    const pat = l.childForFieldName('pattern');
    const value = l.childForFieldName('value');
    if (!pat || value?.type !== 'call_expression') continue;
    if (!pat.descendantsOfType('identifier').some((i) => i?.text === rx.text)) continue;
    let f = value.childForFieldName('function');
    if (f?.type === 'generic_function') f = f.childForFieldName('function');
    const p = f ? calleePath(ctx, f, l) : null;
    if (p === 'std::sync::mpsc::channel' || p === 'std::sync::mpsc::sync_channel') return true;
  }
  return false;
}
