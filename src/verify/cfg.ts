// Which candidates did the verify build actually compile? An edit in a file no target depended on
// (dep-info), or under a `#[cfg(...)]` that is false (or unknown) for this build, was never seen
// by cargo: it is "unverified" and not kept unless --keep-unverified.
import type { Node } from 'web-tree-sitter';
import { parseRust } from '../engine/parser.js';
import type { Candidate, SourceFile } from './candidates.js';

export interface CfgEnv {
  /** Enabled features per crate directory (workspace-relative, `''` for the root), or 'all'. */
  features: (rel: string) => Set<string> | 'all';
}

type Tri = boolean | null;

const OS: Record<string, string> = { linux: 'linux', darwin: 'macos', win32: 'windows', freebsd: 'freebsd', openbsd: 'openbsd', netbsd: 'netbsd', android: 'android', sunos: 'solaris', aix: 'aix' };
const ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', ia32: 'x86', arm: 'arm', riscv64: 'riscv64gc', s390x: 's390x', ppc64: 'powerpc64', loong64: 'loongarch64' };

function hostValue(key: string): string[] | null {
  const os = OS[process.platform] ?? process.platform;
  switch (key) {
    case 'target_os':
      return [os];
    case 'target_family':
      return [process.platform === 'win32' ? 'windows' : 'unix'];
    case 'target_arch':
      return [ARCH[process.arch] ?? process.arch];
    case 'target_pointer_width':
      return [['x64', 'arm64', 'riscv64', 's390x', 'ppc64', 'loong64'].includes(process.arch) ? '64' : '32'];
    case 'target_endian':
      return [process.arch === 's390x' ? 'big' : 'little'];
    case 'panic':
      return ['unwind'];
    default:
      return null;
  }
}

/** Evaluates a cfg predicate's text (`all(unix, feature = "x")`); null when it cannot be known. */
export function evalCfg(text: string, features: Set<string> | 'all'): Tri {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const ident = () => {
    ws();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (!m) throw new Error('ident');
    i += m[0].length;
    return m[0];
  };
  const str = () => {
    ws();
    const m = /^"((?:[^"\\]|\\.)*)"/.exec(text.slice(i));
    if (!m) throw new Error('string');
    i += m[0].length;
    return m[1]!;
  };
  const list = (): Tri[] => {
    ws();
    if (text[i] !== '(') throw new Error('(');
    i++;
    const out: Tri[] = [];
    ws();
    while (text[i] !== ')') {
      out.push(pred());
      ws();
      if (text[i] === ',') i++;
      ws();
      if (i >= text.length) throw new Error(')');
    }
    i++;
    return out;
  };
  const pred = (): Tri => {
    const name = ident();
    ws();
    if (name === 'all' || name === 'any' || name === 'not') {
      const xs = list();
      if (name === 'not') return xs[0] === null || xs[0] === undefined ? null : !xs[0];
      if (name === 'all') return xs.some((x) => x === false) ? false : xs.every((x) => x === true) ? true : null;
      return xs.some((x) => x === true) ? true : xs.every((x) => x === false) ? false : null;
    }
    if (text[i] === '=') {
      i++;
      const value = str();
      if (name === 'feature') return features === 'all' ? true : features.has(value);
      const host = hostValue(name);
      return host ? host.includes(value) : null;
    }
    switch (name) {
      case 'test':
      case 'debug_assertions':
        return true; // check --all-targets and cargo test build with both
      case 'unix':
        return process.platform !== 'win32';
      case 'windows':
        return process.platform === 'win32';
      case 'doc':
      case 'doctest':
      case 'miri':
        return false;
      default:
        return null;
    }
  };
  try {
    const v = pred();
    ws();
    return i === text.length ? v : null;
  } catch {
    return null;
  }
}

/** `cfg(...)` predicates of attributes applying to `node`: outer attributes of its ancestors, and inner `#![cfg]`. */
function cfgsAround(node: Node, root: Node): string[] {
  const out: string[] = [];
  const take = (attr: Node) => {
    const m = /^#!?\[\s*cfg\s*\(([\s\S]*)\)\s*\]$/.exec(attr.text);
    if (m) out.push(m[1]!);
  };
  for (let cur: Node | null = node; cur; cur = cur.parent) {
    for (let prev = cur.previousSibling; prev && (prev.type === 'attribute_item' || prev.type === 'line_comment' || prev.type === 'block_comment'); prev = prev.previousSibling) {
      if (prev.type === 'attribute_item') take(prev);
    }
    if (cur.type === 'declaration_list' || cur.type === 'block' || cur.type === 'source_file') {
      for (const c of cur.namedChildren) if (c?.type === 'inner_attribute_item') take(c);
    }
  }
  for (const c of root.namedChildren) if (c?.type === 'inner_attribute_item') take(c);
  return out;
}

/** Candidates the verify build did not compile, with why. */
export function findUnverified(cands: readonly Candidate[], files: ReadonlyMap<string, SourceFile>, compiled: ReadonlySet<string>, env: CfgEnv): Map<number, string> {
  const out = new Map<number, string>();
  const byFile = new Map<string, Candidate[]>();
  for (const c of cands) {
    if (!c.rel.endsWith('.rs')) continue; // manifests and cargo config: every build reads them
    if (!compiled.has(c.rel)) {
      out.set(c.id, 'file not compiled');
      continue;
    }
    (byFile.get(c.rel) ?? byFile.set(c.rel, []).get(c.rel)!).push(c);
  }
  for (const [rel, list] of byFile) {
    const src = files.get(rel)!.original;
    const tree = parseRust(src.charCodeAt(0) === 0xfeff ? ' ' + src.slice(1) : src);
    try {
      const features = env.features(rel);
      for (const c of list) {
        const at = c.edits[0]!;
        const node = tree.rootNode.descendantForIndex(at.start, Math.max(at.start, at.end - 1));
        if (!node) continue;
        for (const pred of cfgsAround(node, tree.rootNode)) {
          const v = evalCfg(pred, features);
          if (v !== true) {
            out.set(c.id, `under #[cfg(${pred.trim()})]${v === null ? ' (unknown to rxfix)' : ''}`);
            break;
          }
        }
      }
    } finally {
      tree.delete();
    }
  }
  return out;
}
