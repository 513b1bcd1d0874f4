// Finds the Rust files to scan: .gitignore-aware, skipping target/, hidden and vendored folders,
// following symlinks once (loops are detected by real path).
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { RxfixError } from '../errors.js';

export interface WalkOptions {
  /** Extra glob patterns (relative to `base`) to skip, from rxfix.toml. */
  ignoreGlobs?: readonly string[];
  /** Where config globs are relative to. */
  base?: string;
  /** Include tests/, benches/, examples/ and build.rs (excluded by default, patterns.md trap 7). */
  includeTests?: boolean;
}

export interface WalkResult {
  files: string[];
  warnings: string[];
}

const SKIPPED_DIRS = new Set(['target', 'node_modules', 'vendor']);
const TEST_DIRS = new Set(['tests', 'benches', 'examples']);

interface IgnoreLayer {
  dir: string;
  rules: Ignore;
}

function readGitignore(dir: string): IgnoreLayer | null {
  const file = path.join(dir, '.gitignore');
  if (!existsSync(file)) return null;
  try {
    return { dir, rules: ignore().add(readFileSync(file, 'utf8')) };
  } catch {
    return null;
  }
}

function ignoredByGit(layers: readonly IgnoreLayer[], abs: string, isDir: boolean): boolean {
  for (const layer of layers) {
    const rel = path.relative(layer.dir, abs).split(path.sep).join('/');
    if (!rel || rel.startsWith('..')) continue;
    if (layer.rules.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

/** Layers from the repository root (the nearest folder with .git) down to `dir`'s parent. */
function ancestorLayers(dir: string): IgnoreLayer[] {
  const chain: string[] = [];
  for (let cur = path.dirname(dir); ; cur = path.dirname(cur)) {
    chain.unshift(cur);
    if (existsSync(path.join(cur, '.git')) || path.dirname(cur) === cur) break;
  }
  if (!chain.some((d) => existsSync(path.join(d, '.git')))) return [];
  return chain.map(readGitignore).filter((l): l is IgnoreLayer => l !== null);
}

export function walkRustFiles(paths: readonly string[], opts: WalkOptions = {}): WalkResult {
  const files = new Set<string>();
  const warnings: string[] = [];
  const globs = (opts.ignoreGlobs ?? []).length > 0 ? picomatch([...opts.ignoreGlobs!], { dot: true }) : null;
  const base = opts.base ?? process.cwd();
  const globIgnored = (abs: string) => globs !== null && globs(path.relative(base, abs).split(path.sep).join('/'));

  for (const given of paths) {
    const abs = path.resolve(given);
    let st;
    try {
      st = statSync(abs);
    } catch {
      if (existsSync(abs) || lstatExists(abs)) {
        throw new RxfixError(`error: ${given}: cannot be read (a broken symlink or no permission); check the path`);
      }
      throw new RxfixError(`error: ${given}: no such file or directory; pass an existing file or folder`);
    }
    if (st.isFile()) {
      // An explicit file is scanned whatever its name or location.
      files.add(abs);
      continue;
    }
    const visited = new Set<string>();
    const walk = (dir: string, layers: IgnoreLayer[]) => {
      let real: string;
      try {
        real = realpathSync(dir);
      } catch {
        return;
      }
      if (visited.has(real)) {
        warnings.push(`warning: ${rel(dir)}: symlink loop, folder visited once`);
        return;
      }
      visited.add(real);
      const own = readGitignore(dir);
      const here = own ? [...layers, own] : layers;
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (e) {
        warnings.push(`warning: ${rel(dir)}: cannot be read (${(e as NodeJS.ErrnoException).code}), skipped`);
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const child = path.join(dir, entry.name);
        let isDir = entry.isDirectory();
        let isFile = entry.isFile();
        if (entry.isSymbolicLink()) {
          try {
            const t = statSync(child);
            isDir = t.isDirectory();
            isFile = t.isFile();
          } catch {
            continue; // dangling link
          }
        }
        if (isDir) {
          if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) continue;
          if (!opts.includeTests && TEST_DIRS.has(entry.name) && existsSync(path.join(dir, 'Cargo.toml'))) continue;
          if (ignoredByGit(here, child, true) || globIgnored(child)) continue;
          walk(child, here);
        } else if (isFile && entry.name.endsWith('.rs')) {
          if (!opts.includeTests && entry.name === 'build.rs' && existsSync(path.join(dir, 'Cargo.toml'))) continue;
          if (ignoredByGit(here, child, false) || globIgnored(child)) continue;
          files.add(child);
        }
      }
    };
    walk(abs, ancestorLayers(abs));
  }
  return { files: [...files].sort(), warnings };
}

function lstatExists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function rel(p: string): string {
  return path.relative(process.cwd(), p).split(path.sep).join('/') || '.';
}

/** Paths in reports: relative to the current directory, with `/`. */
export function displayPath(abs: string, cwd = process.cwd()): string {
  const r = path.relative(cwd, abs).split(path.sep).join('/');
  return r === '' ? path.basename(abs) : r;
}

/** `@generated` in the first lines marks generated code (patterns.md trap 15). */
export function isGenerated(source: string): boolean {
  const head = source.slice(0, 2000);
  return /@generated|DO NOT EDIT|automatically generated/i.test(head);
}
