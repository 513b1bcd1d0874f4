import type { Node } from 'web-tree-sitter';
import { defineRule } from '../../src/engine/rule.js';
import type { FileContext } from '../../src/engine/context.js';
import { lastSegment } from '../../src/engine/syntax.js';

const COLLECTIONS = new Set(['Vec', 'VecDeque', 'HashMap', 'HashSet', 'BTreeMap', 'BTreeSet', 'BinaryHeap', 'String', 'LinkedList']);
const POINTERS = new Set(['Box', 'Rc', 'Arc']);
const PRIMITIVES = /^(u8|u16|u32|u64|u128|usize|i8|i16|i32|i64|i128|isize|f32|f64|bool|char)$/;

/** Name and single type argument of a type node (`Vec<T>` → ['Vec', T]; `String` → ['String', null]). */
function shape(n: Node | null | undefined): { name: string; arg: Node | null; args: number } | null {
  if (!n) return null;
  if (n.type === 'type_identifier' || n.type === 'scoped_type_identifier') return { name: lastSegment(n.text), arg: null, args: 0 };
  if (n.type !== 'generic_type') return null;
  const t = n.childForFieldName('type');
  const targs = n.childForFieldName('type_arguments');
  if (!t || !targs) return null;
  const args = targs.namedChildren.filter((c): c is Node => !!c && c.type !== 'lifetime' && c.type !== 'line_comment' && c.type !== 'block_comment');
  return { name: lastSegment(t.text), arg: args[0] ?? null, args: args.length };
}

/** `dyn Trait` (a fat pointer: boxing it again makes a thin one) or an inferred `_` (unknown). */
function isDyn(n: Node | null | undefined): boolean {
  return !n || n.type === 'dynamic_type' || /^\s*(dyn\b|_\s*$)/.test(n.text);
}

function inEnumVariant(ctx: FileContext, n: Node): boolean {
  for (const a of ctx.ancestors(n)) {
    if (a.type === 'enum_variant') return true;
    if (a.type === 'function_item' || a.type === 'struct_item' || a.type === 'impl_item') return false;
  }
  return false;
}

interface Plan {
  message: string;
  help: string;
}

function plan(ctx: FileContext, ty: Node): Plan | null {
  const outer = shape(ty);
  if (!outer || outer.args !== 1 || !outer.arg) return null;
  const innerNode = outer.arg;
  const inner = shape(innerNode);
  const o = outer.name;
  if (o === 'Box') {
    if (innerNode.type === 'reference_type') return { message: '`Box<&T>` boxes a reference: two pointers to reach one value', help: 'store the reference `&T` itself' };
    if (!inner) return null;
    if (COLLECTIONS.has(inner.name) && (inner.name === 'String' ? inner.args === 0 : inner.args >= 1)) {
      if (inEnumVariant(ctx, ty)) return null; // boxing shrinks a large variant to one pointer: deliberate
      return { message: `\`Box<${inner.name}${inner.args ? '<..>' : ''}>\` boxes a collection that already lives on the heap`, help: `store the \`${inner.name}\` directly (it is three words), unless the box keeps an enum variant small` };
    }
    if (POINTERS.has(inner.name) && inner.args === 1 && !isDyn(inner.arg)) return { message: `\`Box<${inner.name}<..>>\` is a double indirection`, help: `use \`${inner.name}<..>\` directly` };
    return null;
  }
  if (o === 'Rc' || o === 'Arc') {
    if (!inner) return null;
    if (inner.name === 'String' && inner.args === 0) return { message: `\`${o}<String>\` reaches the text through two pointers`, help: `\`${o}<str>\` (from \`${o}::from(s)\`) keeps the text in the same allocation as the counts; keep \`${o}<String>\` if you use \`${o}::make_mut(..)\` to grow it` };
    if (inner.name === 'Vec' && inner.args === 1) return { message: `\`${o}<Vec<..>>\` reaches the elements through two pointers`, help: `\`${o}<[T]>\` (from \`${o}::from(v)\`) stores them next to the counts; keep \`${o}<Vec<T>>\` if it is grown through \`${o}::make_mut\`` };
    if (POINTERS.has(inner.name) && inner.args === 1 && !isDyn(inner.arg)) return { message: `\`${o}<${inner.name}<..>>\` is a double indirection`, help: `put the value in the \`${o}\` directly: \`${o}<T>\`` };
    return null;
  }
  if (o === 'Vec') {
    if (!inner || inner.name !== 'Box' || inner.args !== 1 || !inner.arg) return null;
    const elem = shape(inner.arg);
    const t = inner.arg.text.trim();
    if (PRIMITIVES.test(t) || (elem && COLLECTIONS.has(elem.name))) {
      return { message: `\`Vec<Box<${t}>>\` allocates every element separately`, help: `store the values inline: \`Vec<${t}>\`` };
    }
    return null;
  }
  return null;
}

export default defineRule({
  id: 'heap-indirection',
  family: 'alloc',
  severity: 'note',
  tier: 'report-only',
  clippy: 'clippy::box_collection',
  message: 'a heap pointer to a heap pointer',
  help: 'remove one level of indirection',
  docs: `Each pointer level costs an allocation when built and a dependent load (often a cache miss)
when read. Matched types:

- boxed collections: \`Box<Vec<T>>\`, \`Box<String>\`, \`Box<HashMap<..>>\`... (clippy \`box_collection\`):
  the collection is already a small handle to heap data;
- double indirection: \`Box<Box<T>>\`, \`Rc<Box<T>>\`, \`Arc<Box<T>>\`, \`Rc<Rc<T>>\`, \`Box<&T>\` (clippy
  \`redundant_allocation\`);
- \`Rc<String>\`/\`Arc<String>\`/\`Rc<Vec<T>>\`/\`Arc<Vec<T>>\`: \`Rc<str>\`/\`Rc<[T]>\` keep the data next to the
  counts (clippy \`rc_buffer\`);
- \`Vec<Box<T>>\` where \`T\` is a primitive or a std collection (clippy \`vec_box\`).

Not matched, because the indirection is usually the point: \`Box<Box<dyn Trait>>\`/\`Rc<Box<dyn Trait>>\`
(a thin pointer to a fat one, for FFI or atomics), \`Box<Vec<T>>\` inside an enum variant (shrinks
the enum from 24 to 8 bytes), \`Vec<Box<T>>\` of user types (stable addresses, trait objects,
recursive types).

Report-only, never edited: every form can be deliberate (\`Arc<String>\` allows
\`Arc::make_mut(..).push_str(..)\`, which \`Arc<str>\` cannot), and changing a type changes
construction sites and possibly a public API.`,
  example: {
    before: 'struct Doc { tags: Box<Vec<String>>, title: Arc<String> }',
    after: 'struct Doc { tags: Vec<String>, title: Arc<str> }',
  },
  query: `(generic_type
  type: [(type_identifier) @outer (scoped_type_identifier name: (type_identifier) @outer)]
  (#any-of? @outer "Box" "Rc" "Arc" "Vec")) @match`,
  check(m, ctx) {
    const p = plan(ctx, m.node);
    return p ? { message: p.message, help: p.help } : false;
  },
});
