// Git plumbing for pre-commit scans: the staged files and their index blobs (`git cat-file
// --batch`, one process for any number of files), and the lines changed since a revision.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { RxfixError } from '../errors.js';

function git(cwd: string, args: string[], input?: string | Buffer): Buffer {
  const r = spawnSync('git', args, { cwd, input, maxBuffer: 1 << 30 });
  if (r.error) throw new RxfixError(`error: cannot run git (${(r.error as NodeJS.ErrnoException).code}); install git or drop --staged/--diff`);
  if (r.status !== 0) throw new RxfixError(`error: git ${args[0]} failed: ${r.stderr.toString().trim() || `exit ${r.status}`}`);
  return r.stdout;
}

/** The top folder of the work tree holding `cwd`. */
export function repoRoot(cwd: string): string {
  const r = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new RxfixError(`error: ${cwd} is not inside a git work tree; --staged and --diff need one`);
  return path.resolve(r.stdout.trim());
}

/** Staged (added, copied, modified, renamed) paths, relative to `root`, `/`-separated. */
export function stagedPaths(root: string): string[] {
  const out = git(root, ['diff', '--cached', '--name-only', '-z', '--diff-filter=ACMR', '--no-renames']).toString('utf8');
  return out.split('\0').filter(Boolean).sort();
}

/** The index blob of each path (relative to `root`); a path not in the index is absent. */
export function indexBlobs(root: string, rels: readonly string[]): Map<string, Buffer> {
  const blobs = new Map<string, Buffer>();
  const asked = rels.filter((r) => !r.includes('\n'));
  if (asked.length === 0) return blobs;
  const out = git(root, ['cat-file', '--batch'], asked.map((r) => `:${r}\n`).join(''));
  let at = 0;
  for (const rel of asked) {
    const nl = out.indexOf(10, at);
    if (nl < 0) break;
    const header = out.subarray(at, nl).toString('utf8');
    at = nl + 1;
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!m) continue; // "<name> missing" or ambiguous
    const size = Number(m[2]);
    if (m[1] === 'blob') blobs.set(rel, out.subarray(at, at + size));
    at += size + 1; // content and its trailing newline
  }
  return blobs;
}

/** Paths (relative to `root`) not tracked by git and not ignored. */
export function untrackedPaths(root: string): string[] {
  return git(root, ['ls-files', '--others', '--exclude-standard', '-z']).toString('utf8').split('\0').filter(Boolean);
}

/** Lines (1-based, in the new version) changed since `rev`, per path relative to `root`. */
export type ChangedLines = Map<string, Set<number>>;

/**
 * `git diff -U0 REV` against the work tree, or against the index when `staged`. Deleted-only
 * hunks touch no new line; renames count as whole-file changes of the new path.
 */
export function changedLines(root: string, rev: string, staged: boolean): ChangedLines {
  const check = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { cwd: root });
  if (check.status !== 0) throw new RxfixError(`error: --diff ${rev}: not a revision of this repository; pass a commit, branch or tag (e.g. --diff HEAD~1)`);
  const args = ['diff', '-U0', '--no-color', '--no-ext-diff', '--no-renames', '--src-prefix=a/', '--dst-prefix=b/'];
  if (staged) args.push('--cached');
  args.push(rev, '--');
  return parseUnifiedDiff(git(root, args).toString('utf8'));
}

export function parseUnifiedDiff(diff: string): ChangedLines {
  const out: ChangedLines = new Map();
  let current: Set<number> | null = null;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const name = line.slice(4);
      if (name === '/dev/null') {
        current = null;
        continue;
      }
      const rel = unquote(name).replace(/^b\//, '');
      current = out.get(rel) ?? new Set();
      out.set(rel, current);
    } else if (line.startsWith('@@') && current) {
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!m) continue;
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      for (let l = start; l < start + count; l++) current.add(l);
    }
  }
  return out;
}

/** Git quotes unusual path names C-style: "b/caf\303\251.rs". */
function unquote(name: string): string {
  if (!name.startsWith('"')) return name;
  const body = name.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = body[++i]!;
    if (/[0-7]/.test(n)) {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(({ n: 10, t: 9, '"': 34, '\\': 92 } as Record<string, number>)[n] ?? n.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}
