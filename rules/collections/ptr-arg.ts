import type { Node } from 'web-tree-sitter';
import { resolvePath } from '../../src/engine/analysis/paths.js';
import type { FileContext } from '../../src/engine/context.js';
import { defineRule, type Tier } from '../../src/engine/rule.js';
import { isStdName, pathTypeName } from './shared.js';

/** Owned-buffer types and the borrowed type a parameter should take instead. */
const BORROWED: Record<string, string> = { String: 'str', Vec: '[T]', PathBuf: 'Path' };

/** Methods that exist on the owned type but not on its borrowed form, or change meaning there. */
const OWNED_ONLY = new Set(['capacity', 'clone', 'as_mut_vec', 'as_path', 'as_os_str_mut', 'into_boxed_slice']);

interface Plan {
  param: Node;
  name: string;
  owned: string;
  inner: Node;
  replacement: string;
  tier: Tier;
  why: string | null;
}

function functionOf(param: Node): Node | null {
  const params = param.parent;
  const fn = params?.parent;
  return params?.type === 'parameters' && fn?.type === 'function_item' ? fn : null;
}

/** Why the signature must stay: trait impl or definition, extern ABI, exported symbol. */
function fixedSignature(fn: Node, ctx: FileContext): boolean {
  const container = fn.parent?.parent;
  if (fn.parent?.type === 'declaration_list' && container?.type === 'impl_item' && container.childForFieldName('trait')) return true;
  if (fn.parent?.type === 'declaration_list' && container?.type === 'trait_item') return true;
  const mods = fn.children.find((c) => c?.type === 'function_modifiers');
  if (mods && mods.children.some((c) => c?.type === 'extern_modifier')) return true;
  for (const attr of ctx.attributesOf(fn)) if (/\b(no_mangle|export_name)\b/.test(attr.text)) return true;
  return false;
}

/** The visibility of the function: `pub` (exported), restricted (`pub(crate)`...), or private. */
function isPublic(fn: Node): boolean {
  const vis = fn.children.find((c) => c?.type === 'visibility_modifier');
  return !!vis && vis.text.replace(/\s+/g, '') === 'pub';
}

function plan(param: Node, ctx: FileContext): Plan | null {
  const fn = functionOf(param);
  const pat = param.childForFieldName('pattern');
  const ty = param.childForFieldName('type');
  if (!fn || !pat || pat.type !== 'identifier' || !ty || ty.type !== 'reference_type') return null;
  if (ty.children.some((c) => c?.type === 'mutable_specifier')) return null;
  const inner = ty.childForFieldName('type');
  if (!inner) return null;
  const head = inner.type === 'generic_type' ? inner.childForFieldName('type') : inner;
  if (!head) return null;
  const owned = pathTypeName(head);
  if (!owned || !(owned in BORROWED) || !isStdName(ctx, head.text, param)) return null;
  let replacement: string;
  if (owned === 'Vec') {
    const args = inner.childForFieldName('type_arguments')?.namedChildren.filter((c): c is Node => c !== null) ?? [];
    if (inner.type !== 'generic_type' || args.length !== 1) return null; // Vec<T, A> keeps its allocator
    replacement = `[${args[0]!.text}]`;
  } else {
    if (inner.type !== 'type_identifier' && inner.type !== 'scoped_type_identifier') return null;
    if (owned === 'String') replacement = 'str';
    else {
      const r = resolvePath(ctx, 'Path', param);
      replacement = r.kind === 'import' && r.path === 'std::path::Path' ? 'Path' : 'std::path::Path';
    }
  }
  const name = pat.text;
  const body = fn.childForFieldName('body');
  if (!body) return null;
  const why = ownedUse(body, name);
  let tier: Tier = 'verify';
  if (fixedSignature(fn, ctx)) return null;
  if (isPublic(fn)) tier = 'report-only';
  if (why) return null; // patterns.md A7: the body needs the owned type
  return { param, name, owned, inner, replacement, tier, why };
}

/** A use of the parameter that needs the owned type: a Vec/String-only method, a return, a macro we cannot see into. */
function ownedUse(body: Node, name: string): string | null {
  for (const id of body.descendantsOfType('identifier')) {
    if (!id || id.text !== name) continue;
    const p = id.parent;
    if (p?.type === 'field_expression' && p.childForFieldName('value')?.id === id.id) {
      const m = p.childForFieldName('field')?.text ?? '';
      if (OWNED_ONLY.has(m)) return `\`${name}.${m}()\` needs the owned type`;
    }
    if (p?.type === 'return_expression') return `\`${name}\` is returned`;
    if (p?.type === 'block' && p.id === body.id && p.lastNamedChild?.id === id.id) return `\`${name}\` is returned`;
    if (p?.type === 'token_tree') {
      const next = id.nextSibling;
      const method = next?.type === '.' ? next.nextSibling : null;
      if (method && OWNED_ONLY.has(method.text)) return `\`${name}.${method.text}()\` needs the owned type`;
    }
  }
  return null;
}

export default defineRule({
  id: 'ptr-arg',
  family: 'collections',
  severity: 'warning',
  tier: 'verify',
  clippy: 'clippy::ptr_arg',
  message: 'a parameter borrows an owned buffer type',
  help: 'take the borrowed form: `&str` for `&String`, `&[T]` for `&Vec<T>`, `&Path` for `&PathBuf`',
  docs: `A \`&String\`, \`&Vec<T>\` or \`&PathBuf\` parameter is a pointer to a pointer: every access goes through
two indirections, and callers holding a \`&str\`, a slice, an array or a \`&Path\` must allocate an owned
copy just to call the function. \`&str\`/\`&[T]\`/\`&Path\` is one fat pointer, and existing callers keep
compiling through deref coercion (\`&String\` → \`&str\`).

Fix: the parameter's type becomes \`&str\`, \`&[T]\` or \`&Path\` (written \`&std::path::Path\` unless \`Path\`
is imported), keeping any lifetime.

Tier: verify for private and \`pub(crate)\`-style functions: a body that relied on the owned type
(\`Vec\`-only methods, \`.clone()\` now yielding a \`&str\`, the function used as a \`fn(&String)\` value)
fails to compile and the edit is dropped. Report-only when the function is \`pub\` (a semver-visible
signature change: downstream crates are not built by the check). Not reported when the body calls
\`capacity()\` or \`clone()\` on it (\`clone()\` of a \`&str\` is a \`&str\`, which may still compile through
generics) or returns it, and never on trait impl or trait methods, \`extern\` functions, or
\`#[no_mangle]\`/\`#[export_name]\` functions, whose signatures are fixed. \`&mut Vec<T>\` and \`&mut String\`
are not reported (they can change length). Clippy: \`clippy::ptr_arg\` (style).`,
  example: {
    before: 'fn count_words(text: &String) -> usize { text.split_whitespace().count() }',
    after: 'fn count_words(text: &str) -> usize { text.split_whitespace().count() }',
  },
  query: `(parameter
  type: (reference_type
    type: [(type_identifier) @ty
           (scoped_type_identifier name: (type_identifier) @ty)
           (generic_type type: [(type_identifier) @ty (scoped_type_identifier name: (type_identifier) @ty)])])
  (#any-of? @ty "String" "Vec" "PathBuf")) @match`,
  check(m, ctx) {
    const p = plan(m.node, ctx);
    if (!p) return false;
    const borrowed = `&${p.replacement.replace('std::path::', '')}`;
    return {
      tier: p.tier,
      message: `\`${p.name}\` takes \`&${p.inner.text}\` where \`${borrowed}\` would do`,
      help: p.tier === 'report-only'
          ? `take \`${borrowed}\`: callers keep compiling through deref coercion, but this \`pub\` signature is public API`
          : `take \`${borrowed}\`: callers keep compiling through deref coercion`,
    };
  },
  fix(m, ctx) {
    const p = plan(m.node, ctx);
    if (!p) return null;
    return [{ start: p.inner.startIndex, end: p.inner.endIndex, text: p.replacement }];
  },
});
