// The scratch copy of a workspace, where every candidate set is built and tested (never the
// user's tree). Its path is stable per workspace and it keeps its own CARGO_TARGET_DIR, and a
// sync only rewrites files whose bytes differ, so cargo's mtime fingerprints stay valid and a
// second run builds incrementally. target/ folders, .git and rxfix's own output are not copied.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync, lstatSync, readlinkSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXIT, RxfixError } from '../errors.js';

const NEVER_COPIED = new Set(['.git', 'target', 'node_modules', '.hg', '.jj', '.rxfix-cache']);

export interface ScratchOptions {
  /** Folder holding scratch copies; default $RXFIX_SCRATCH_DIR, $XDG_CACHE_HOME/rxfix/scratch or the OS temp folder. */
  base?: string;
  env?: NodeJS.ProcessEnv;
  /** Absolute folders inside the workspace that are not copied (e.g. the --out folder). */
  exclude?: string[];
}

export function scratchBase(env: NodeJS.ProcessEnv = {}): string {
  if (env.RXFIX_SCRATCH_DIR) return path.resolve(env.RXFIX_SCRATCH_DIR);
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'rxfix', 'scratch');
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return path.join(os.tmpdir(), `rxfix-scratch-${uid}`);
}

export class Scratch {
  /** The scratch folder: `src/` is the copy, `target/` its CARGO_TARGET_DIR. */
  readonly dir: string;
  readonly src: string;
  readonly target: string;
  private readonly exclude: Set<string>;
  /** Bytes currently in the copy, by workspace-relative path (`/`-separated). */
  private readonly current = new Map<string, Buffer>();

  constructor(
    readonly root: string,
    opts: ScratchOptions = {},
  ) {
    const real = realpathSync(root);
    const id = createHash('sha256').update(real).digest('hex').slice(0, 12);
    const name = path.basename(real).replace(/[^A-Za-z0-9_.-]/g, '_') || 'workspace';
    this.dir = path.join(opts.base ?? scratchBase(opts.env), `${name}-${id}`);
    this.src = path.join(this.dir, 'src');
    this.target = path.join(this.dir, 'target');
    this.exclude = new Set((opts.exclude ?? []).map((p) => path.resolve(p)));
  }

  /** Creates the folders; a scratch location that cannot be written is a one-line exit-2 error. */
  prepare(): void {
    try {
      mkdirSync(this.src, { recursive: true });
      mkdirSync(this.target, { recursive: true });
      const probe = path.join(this.dir, `.probe-${process.pid}`);
      writeFileSync(probe, '');
      rmSync(probe);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      throw new RxfixError(`error: scratch folder ${this.dir} is not writable (${code}); set RXFIX_SCRATCH_DIR to a writable folder`, EXIT.usage);
    }
  }

  /** Makes the copy equal to the workspace: changed files rewritten, vanished ones removed. */
  sync(): { copied: number; removed: number } {
    const seen = new Set<string>();
    let copied = 0;
    const walk = (from: string, rel: string) => {
      for (const entry of readdirSync(from, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const abs = path.join(from, entry.name);
        const r = rel ? `${rel}/${entry.name}` : entry.name;
        if (this.exclude.has(abs)) continue;
        if (entry.isDirectory()) {
          // cargo marks every target dir (whatever build.target-dir names it) with CACHEDIR.TAG
          if (NEVER_COPIED.has(entry.name) || existsSync(path.join(abs, 'CACHEDIR.TAG'))) continue;
          walk(abs, r);
        } else if (entry.isSymbolicLink()) {
          const dest = path.join(this.src, r);
          const link = readlinkSync(abs);
          let same = false;
          try {
            same = lstatSync(dest).isSymbolicLink() && readlinkSync(dest) === link;
          } catch {
            // absent
          }
          if (!same) {
            rmSync(dest, { force: true, recursive: true });
            mkdirSync(path.dirname(dest), { recursive: true });
            symlinkSync(link, dest);
          }
          seen.add(r);
        } else if (entry.isFile()) {
          seen.add(r);
          if (this.put(r, readFileSync(abs))) copied++;
        }
      }
    };
    walk(this.root, '');
    const removed = this.removeStale(seen);
    this.writeManifest(seen);
    return { copied, removed };
  }

  /** Writes one file of the copy when its bytes differ; true when it wrote. */
  put(rel: string, bytes: Buffer | string): boolean {
    let buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    if (rel === 'Cargo.toml' || rel.endsWith('/Cargo.toml')) buf = Buffer.from(this.pinOutsidePaths(rel, buf.toString('utf8')), 'utf8');
    const dest = path.join(this.src, rel);
    let have = this.current.get(rel);
    if (!have) {
      try {
        have = readFileSync(dest);
      } catch {
        have = undefined;
      }
    }
    if (have && have.equals(buf)) {
      this.current.set(rel, have);
      return false;
    }
    mkdirSync(path.dirname(dest), { recursive: true });
    writeFileSync(dest, buf);
    this.current.set(rel, buf);
    return true;
  }

  /**
   * `path = "../x"` keys (path dependencies, patches) that leave the workspace would dangle in the
   * copy: they are rewritten to the absolute path of the original (a textual edit; the rest of
   * the manifest is untouched).
   */
  private pinOutsidePaths(rel: string, text: string): string {
    const dir = path.dirname(path.join(this.root, rel));
    return text.replace(/(\bpath\s*=\s*)(["'])([^"'\n]+)\2/g, (all, key: string, q: string, p: string) => {
      if (path.isAbsolute(p)) return all;
      const target = path.resolve(dir, p);
      const inside = path.relative(this.root, target);
      if (!inside.startsWith('..')) return all;
      return `${key}${JSON.stringify(target)}`;
    });
  }

  private manifestPath(): string {
    return path.join(this.dir, 'copied.json');
  }

  private writeManifest(seen: Set<string>): void {
    writeFileSync(this.manifestPath(), JSON.stringify([...seen].sort()));
  }

  /** Removes files copied by an earlier sync that the workspace no longer has (cargo's own files stay). */
  private removeStale(seen: Set<string>): number {
    let before: string[] = [];
    try {
      before = JSON.parse(readFileSync(this.manifestPath(), 'utf8')) as string[];
    } catch {
      return 0;
    }
    let removed = 0;
    for (const rel of before) {
      if (seen.has(rel)) continue;
      rmSync(path.join(this.src, rel), { force: true });
      this.current.delete(rel);
      removed++;
    }
    return removed;
  }

  /** Absolute path inside the copy of a workspace-relative path. */
  abs(rel: string): string {
    return path.join(this.src, rel);
  }

  /** Workspace-relative path of a file cargo names (relative to the copy's root, or absolute). */
  relOf(file: string): string | null {
    const abs = path.isAbsolute(file) ? file : path.join(this.src, file);
    const rel = path.relative(this.src, abs);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
    return rel.split(path.sep).join('/');
  }

  /** Source files some compiled target depended on, from the dep-info files cargo wrote. */
  compiledFiles(): Set<string> {
    const files = new Set<string>();
    const visit = (dir: string, depth: number) => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const abs = path.join(dir, e.name);
        if (e.isDirectory() && depth < 3 && e.name !== 'incremental' && e.name !== '.fingerprint') visit(abs, depth + 1);
        else if (e.isFile() && e.name.endsWith('.d')) {
          for (const line of readFileSync(abs, 'utf8').split('\n')) {
            const colon = line.indexOf(': ');
            if (colon < 0) continue;
            for (const f of line.slice(colon + 2).split(/(?<!\\) /)) {
              const rel = f ? this.relOf(f.replace(/\\ /g, ' ')) : null;
              if (rel) files.add(rel);
            }
          }
        }
      }
    };
    visit(this.target, 0);
    return files;
  }

  private lockPath(): string {
    return path.join(this.dir, 'lock.json');
  }

  /**
   * Takes the scratch copy for this process. A live holder is an error; a dead one (killed with
   * SIGKILL) may have left a cargo process group running, which is killed first.
   */
  lock(): void {
    let held: { pid?: number; cargoPgid?: number | null } = {};
    try {
      held = JSON.parse(readFileSync(this.lockPath(), 'utf8'));
    } catch {
      held = {};
    }
    if (held.pid && held.pid !== process.pid && alive(held.pid)) {
      throw new RxfixError(`error: another rxfix apply --verify (pid ${held.pid}) is using ${this.dir}; wait for it to finish`, EXIT.usage);
    }
    if (held.cargoPgid) {
      try {
        process.kill(-held.cargoPgid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    this.setRunning(null);
  }

  /** Records the running cargo process group, so a later run can reap it after a SIGKILL. */
  setRunning(cargoPgid: number | null): void {
    writeFileSync(this.lockPath(), JSON.stringify({ pid: process.pid, cargoPgid }));
  }

  unlock(): void {
    rmSync(this.lockPath(), { force: true });
  }

  exists(): boolean {
    return existsSync(this.src) && statSync(this.src).isDirectory();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
