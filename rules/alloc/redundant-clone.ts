import type { Node } from 'web-tree-sitter';
import { defineRule } from '../../src/engine/rule.js';
import type { FileContext } from '../../src/engine/context.js';
import {
  crossesLoopOrClosure, patternBinding, resolveBinding, sameNode, toRealNode, usesOf, type Binding,
} from '../../src/engine/analysis/uses.js';
import { isPrimitiveCopyTypeText, literalKind } from '../../src/engine/analysis/types.js';

/**
 * Types and initializers whose drop has effects someone may wait for (patterns.md A1): moving the
 * value earlier moves that drop earlier. Guards, channel senders, files and writers, spans, tasks.
 */
const DROP_SENSITIVE = /\b(ManuallyDrop|forget|Sender|SyncSender|UnboundedSender|\w*Guard|Ref|RefMut|File|BufWriter|LineWriter|Span|Entered|EnteredSpan|Child|TempDir|NamedTempFile|TempPath|JoinHandle|\w*Permit|Lock|Drain|Transaction|Connection|Socket|TcpStream|Stdout|Stderr|Token)\b|\.(lock|read|write|try_lock|borrow|borrow_mut|enter|entered|acquire\w*|spawn)\s*\(|\b(channel|sync_channel|unbounded|bounded)\s*(::\s*<[^>]*>\s*)?\(|span!|_span!/;

function dot(recv: Node): Node | null {
  return recv.parent?.children.find((c) => c?.type === '.') ?? null;
}

/** The statement (direct child of a block) holding `n`, crossing macro arguments. */
function statementOf(ctx: FileContext, n: Node): Node | null {
  let child = toRealNode(ctx, n);
  for (let p = child.parent; p; child = p, p = p.parent) {
    if (p.type === 'block') return child;
    if (p.type === 'function_item' || p.type === 'closure_expression') return null;
  }
  return null;
}

/** The binding behind `x` in `x.clone()` if the rule may consider it at all. */
function candidateBinding(ctx: FileContext, recv: Node): Binding | null {
  const b = resolveBinding(ctx, recv);
  if (!b || !b.simple || b.byRef) return null;
  if (b.kind !== 'let' && b.kind !== 'param') return null;
  const typeText = b.type ? ctx.text(b.type) : '';
  if (/^\s*&/.test(typeText) || isPrimitiveCopyTypeText(typeText)) return null; // a reference or a Copy value
  if (b.kind === 'param' && !b.type) return null;
  if (b.kind === 'let') {
    if (!b.value) return null; // `let x;` initialized later
    if (b.value.type === 'reference_expression' || literalKind(b.value)) return null;
    // without an annotation, the initializer must visibly produce an owned value: `x.clone()` on a
    // `&T` from `map.get(k).unwrap()` is a `T`, and `x` alone would be the reference
    if (!b.type && !visiblyOwned(b.value)) return null;
  }
  if (DROP_SENSITIVE.test(typeText) || (b.value && DROP_SENSITIVE.test(ctx.text(b.value)))) return null;
  return b;
}

/** Methods whose result is an owned value, whatever the receiver. */
const OWNING_METHODS = new Set([
  'clone', 'to_owned', 'to_string', 'to_vec', 'collect', 'into', 'build', 'finish', 'unwrap_or_default', 'to_path_buf',
  'into_owned', 'concat', 'repeat', 'to_lowercase', 'to_uppercase', 'split_off', 'cloned', 'parse', 'to_os_string',
]);
/** `Type::new(..)`-style constructors. */
const CONSTRUCTOR = /^(new|default|from|from_\w+|with_\w+|try_from|try_new|open|create|build|builder|empty|parse)$/;

/**
 * True when an initializer visibly yields an owned value (not a reference): a struct, array or
 * tuple literal, `vec!`/`format!`, a `Type::new(..)`-style constructor, an owning method
 * (`clone`, `to_vec`, `collect`...), possibly behind `?`, `.await`, `.unwrap()` or `.expect(..)`.
 */
function visiblyOwned(v: Node): boolean {
  switch (v.type) {
    case 'struct_expression': case 'array_expression':
      return true;
    case 'tuple_expression':
      return v.namedChildren.every((c) => !c || visiblyOwned(c) || !!literalKind(c));
    case 'macro_invocation': {
      const name = v.childForFieldName('macro')?.text.replace(/^.*::/, '');
      return name === 'vec' || name === 'format';
    }
    case 'try_expression': case 'await_expression': case 'parenthesized_expression':
      return !!v.namedChildren[0] && visiblyOwned(v.namedChildren[0]);
    case 'call_expression': {
      let fn = v.childForFieldName('function');
      if (fn?.type === 'generic_function') fn = fn.childForFieldName('function');
      if (!fn) return false;
      if (fn.type === 'scoped_identifier') return CONSTRUCTOR.test(fn.childForFieldName('name')?.text ?? '');
      if (fn.type !== 'field_expression') return false;
      const method = fn.childForFieldName('field')?.text ?? '';
      const recv = fn.childForFieldName('value');
      if (OWNING_METHODS.has(method)) return true;
      if ((method === 'unwrap' || method === 'expect') && recv) return visiblyOwned(recv);
      return false;
    }
    default:
      return false;
  }
}

/** A plain `x = ..` assignment target: a write, not a read of the moved value. */
function isAssignTarget(n: Node): boolean {
  const p = n.parent;
  return !!p && p.type === 'assignment_expression' && sameNode(p.childForFieldName('left'), n);
}

/**
 * A borrow of `x` taken before the clone that is still alive after it: an earlier `let` whose
 * initializer mentions `x` and whose bindings are used after the clone (`let r = &x;`,
 * `let it = x.iter();`, `let c = || x.len();`). Moving `x` would then not compile.
 */
function borrowedByEarlierLet(ctx: FileContext, b: Binding, at: Node): boolean {
  const earlier = usesOf(ctx, b, b.ident.endIndex, at.startIndex);
  for (const u of earlier) {
    for (let p = u.node.parent; p && p.startIndex >= b.scope.startIndex; p = p.parent) {
      if (p.type !== 'let_declaration') continue;
      const pat = p.childForFieldName('pattern');
      if (!pat) break;
      const names = pat.descendantsOfType(['identifier', 'shorthand_field_identifier']).filter((n): n is Node => !!n);
      for (const n of names) {
        const nb = resolveBinding(ctx, n);
        if (nb && patternBinding(pat, n.text) && usesOf(ctx, nb, at.endIndex).length > 0) return true;
      }
      break;
    }
  }
  return false;
}

export function redundantClonePlan(ctx: FileContext, recv: Node, args: Node): Binding | null {
  if (args.namedChildCount > 0) return null;
  const b = candidateBinding(ctx, recv);
  if (!b) return null;
  const real = toRealNode(ctx, recv);
  if (crossesLoopOrClosure(ctx, real, b)) return null;
  const later = usesOf(ctx, b, real.endIndex).filter((u) => !sameNode(u.node, real) && !isAssignTarget(u.node));
  if (later.length > 0) return null;
  // another mention in the same statement (`f(&x, x.clone())`) is still borrowed during the call
  const stmt = statementOf(ctx, recv);
  if (!stmt) return null;
  if (usesOf(ctx, b, stmt.startIndex, stmt.endIndex).some((u) => !sameNode(u.node, real))) return null;
  if (borrowedByEarlierLet(ctx, b, real)) return null;
  return b;
}

export default defineRule({
  id: 'redundant-clone',
  family: 'alloc',
  severity: 'warning',
  tier: 'verify',
  clippy: 'clippy::redundant_clone',
  message: 'the value is cloned but never used again: it could be moved',
  help: 'drop `.clone()` and move the value; this moves its drop earlier (matters for guards, senders, files)',
  docs: `\`x.clone()\` where \`x\` is a local (a \`let\` or a by-value parameter) that is never read again
copies the whole value (a heap allocation plus a deep copy for String, Vec, HashMap...) and then
drops the original at the end of the scope. Moving \`x\` instead is free.

Matches a zero-argument \`.clone()\` on a plain local identifier when the use analysis
(\`src/engine/analysis/uses.ts\`) finds no later read: no later expression, no identifier in a later
macro token tree (\`dbg!(x)\`, \`println!("{}", x)\`), no inline format capture (\`"{x}"\`), no capture by
a closure; shadowing \`let x\` ends the search. Never when the clone sits in a loop or closure
that the declaration is outside of (the textually last use runs again), when \`x\` is mentioned
elsewhere in the same statement, or is still borrowed by an earlier \`let\` used after the clone.

When it is not slow: \`Rc\`/\`Arc\` (a reference-count bump; \`Rc::clone(&x)\` is never a finding) and
small Copy-like values (primitives are skipped: that is clone-on-copy).

Fix: delete \`.clone()\` (comments between the tokens survive). Tier verify: moving changes *when*
\`x\` drops, and for a reference-typed \`x\` (\`let x = map.get(k).unwrap()\`) \`x.clone()\` was a \`T\` while
\`x\` is a \`&T\`. So an unannotated \`let x = ..\` must visibly produce an owned value (a struct/array
literal, \`vec!\`/\`format!\`, \`Type::new/from/default/with_*(..)\`, or an owning method such as \`clone\`,
\`to_vec\`, \`collect\`, \`to_string\`, possibly behind \`?\`, \`.await\`, \`.unwrap()\`): a scan of 5M lines of
crates.io showed that \`let w = opt.as_ref().unwrap(); w.clone()\` is the main false positive otherwise.
Skipped for references, Copy primitives, \`let x;\`, \`ManuallyDrop\` (the clone is a deliberate refcount),
destructured or \`ref\` bindings, and drop-sensitive types or initializers (guards, \`Sender\`, \`File\`,
writers, spans, \`JoinHandle\`, \`.lock()\`, \`channel()\`...).`,
  example: {
    before: 'let server = Server::new(cfg.clone());   // cfg is not used again',
    after: 'let server = Server::new(cfg);',
  },
  query: `(call_expression
  function: (field_expression value: (identifier) @recv field: (field_identifier) @method)
  arguments: (arguments) @args
  (#eq? @method "clone")) @match`,
  check(m, ctx) {
    if (!redundantClonePlan(ctx, m.cap('recv'), m.cap('args'))) return false;
    return { message: `\`${m.cap('recv').text}\` is cloned but never used again: it could be moved` };
  },
  fix(m) {
    const d = dot(m.cap('recv'));
    if (!d) return null;
    return [
      { start: d.startIndex, end: m.cap('method').endIndex, text: '' },
      { start: m.cap('args').startIndex, end: m.cap('args').endIndex, text: '' },
    ];
  },
});
