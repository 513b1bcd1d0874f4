// Writing user-visible files atomically: a temp file in the same folder, then rename.
import { renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
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
