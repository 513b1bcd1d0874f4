// rxfix's own version, read from the package.json above this module (src/ or dist/src/).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageJson(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = path.join(dir, 'package.json');
    if (existsSync(p) && JSON.parse(readFileSync(p, 'utf8')).name === 'rxfix') return p;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('internal: rxfix package.json not found');
    dir = up;
  }
}

export const PACKAGE_ROOT = path.dirname(findPackageJson());
export const VERSION: string = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')).version;
