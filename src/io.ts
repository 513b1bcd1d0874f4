// File helpers: writing files atomically (a temp file in the same folder, then rename), and
// keeping a cache folder to its newest files.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function writeFileAtomic(file: string, text: string | Uint8Array): void {
  const dir = path.dirname(path.resolve(file));
  mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.rxfix-${process.pid}-${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Deletes all but the `keep` most recently modified files of `dir` whose names `matches` accepts (ties: by name). */
export function keepNewest(dir: string, matches: (name: string) => boolean, keep: number): void {
  const files = readdirSync(dir)
    .filter(matches)
    .map((f) => ({ f, t: statSync(path.join(dir, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t || (a.f < b.f ? -1 : 1));
  for (const { f } of files.slice(keep)) rmSync(path.join(dir, f), { force: true });
}
