// `// rxfix-ignore: <id>[, <id>] -- reason` silences a rule on its own line and the next one;
// `// rxfix-ignore-file: <id>` anywhere silences it for the file. Only real comments count.
import type { Tree } from 'web-tree-sitter';
import type { LineIndex } from './positions.js';

export interface IgnoreDirective {
  ids: string[];
  fileWide: boolean;
  /** 1-based line of the comment. */
  line: number;
  column: number;
  used: Set<string>;
}

const DIRECTIVE = /rxfix-ignore(-file)?\s*:\s*([a-z0-9*][a-z0-9\-,\s*]*?)\s*(?:--.*)?$/;

export function parseIgnores(source: string, tree: Tree, lines: LineIndex): IgnoreDirective[] {
  const out: IgnoreDirective[] = [];
  let from = 0;
  for (;;) {
    const at = source.indexOf('rxfix-ignore', from);
    if (at < 0) break;
    from = at + 1;
    const node = tree.rootNode.descendantForIndex(at, at + 1);
    if (!node || (node.type !== 'line_comment' && node.type !== 'block_comment' && node.parent?.type !== 'line_comment')) continue;
    const comment = node.type === 'line_comment' || node.type === 'block_comment' ? node : node.parent!;
    const text = source.slice(at, comment.endIndex).replace(/\*\/\s*$/, '').trimEnd();
    const m = DIRECTIVE.exec(text);
    if (!m) continue;
    const ids = m[2]!.split(/[\s,]+/).filter(Boolean);
    const pos = lines.position(comment.startIndex);
    out.push({ ids, fileWide: Boolean(m[1]), line: pos.line, column: pos.column, used: new Set() });
  }
  return out;
}

/** Finds the directive that silences `ruleIds` (a rule's id and aliases) at `line`, marking it used. */
export function suppressedBy(ignores: readonly IgnoreDirective[], ruleIds: readonly string[], line: number): IgnoreDirective | undefined {
  for (const d of ignores) {
    if (!d.fileWide && d.line !== line && d.line !== line - 1) continue;
    const hit = d.ids.find((id) => id === '*' || ruleIds.includes(id));
    if (hit) {
      d.used.add(hit);
      return d;
    }
  }
  return undefined;
}
