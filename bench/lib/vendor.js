// Shared by the bench scripts: the user cache folder and `cargo vendor` of a pinned manifest into
// it, done once per manifest+lock content, atomically (a .complete marker, then rename).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function cacheHome() {
  if (process.env.XDG_CACHE_HOME) return process.env.XDG_CACHE_HOME;
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library/Caches');
  if (process.platform === 'win32') return process.env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData/Local');
  return path.join(os.homedir(), '.cache');
}

/**
 * Vendors the crates pinned by `manifestDir`/Cargo.toml + Cargo.lock into
 * `<cache>/rxfix-bench/<name>-<hash>` and returns that folder. `fail(msg)` must not return.
 */
export function vendorPinned(manifestDir, name, log, fail) {
  const lock = readFileSync(path.join(manifestDir, 'Cargo.lock'));
  const id = createHash('sha256').update(readFileSync(path.join(manifestDir, 'Cargo.toml'))).update(lock).digest('hex').slice(0, 12);
  const dir = path.join(cacheHome(), 'rxfix-bench', `${name}-${id}`);
  if (existsSync(path.join(dir, '.complete'))) return dir;
  log(`vendoring ${path.relative(process.cwd(), manifestDir)}/Cargo.lock into ${dir} with cargo vendor ...`);
  const probe = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) fail('`cargo` is not on PATH: install Rust (https://rustup.rs)');
  mkdirSync(path.dirname(dir), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const r = spawnSync('cargo', ['vendor', '--locked', '--versioned-dirs', '--quiet', tmp], { cwd: manifestDir, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    fail(`\`cargo vendor\` failed (is crates.io reachable?):\n${(r.stderr ?? '').trim().split('\n').slice(-8).join('\n')}`);
  }
  writeFileSync(path.join(tmp, '.complete'), new Date().toISOString() + '\n');
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return dir;
}

/** Crate folders of a vendored tree, except `*-sys` FFI bindings (mostly generated). */
export function crateDirs(vendored) {
  return readdirSync(vendored, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !/-sys(-\d[^/]*)?$/.test(e.name))
    .map((e) => path.join(vendored, e.name))
    .sort();
}
