// Light facts about the crate holding a file: edition (from Cargo.toml) and `#![no_std]`.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import type { CrateInfo } from '../engine/context.js';
import { dependencyFeatures } from '../engine/manifest.js';

const cache = new Map<string, CrateInfo>();

export function crateRootOf(file: string): string | null {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'Cargo.toml'))) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

export function crateInfoFor(file: string): CrateInfo {
  const root = crateRootOf(file);
  if (!root) return { noStd: false, edition: null };
  const hit = cache.get(root);
  if (hit) return hit;
  let edition: string | null = null;
  try {
    const manifest = parse(readFileSync(path.join(root, 'Cargo.toml'), 'utf8')) as { package?: { edition?: unknown } };
    if (typeof manifest.package?.edition === 'string') edition = manifest.package.edition;
  } catch {
    // an unreadable manifest only loses the edition hint
  }
  let noStd = false;
  for (const entry of ['src/lib.rs', 'src/main.rs']) {
    const p = path.join(root, entry);
    if (existsSync(p) && /#!\[\s*no_std\s*\]|#!\[\s*cfg_attr\([^\]]*no_std/.test(readFileSync(p, 'utf8').slice(0, 20000))) noStd = true;
  }
  const info: CrateInfo = { noStd, edition, dependencies: dependencyFeatures(path.join(root, 'Cargo.toml')) };
  cache.set(root, info);
  return info;
}
