// Where a scan server for this very build of rxfix listens (src/server/serve.ts), worked out the
// same way by the client in bin/ (before the CLI is loaded) and by the server. Node builtins only:
// the client imports this module unbundled, and must stay a few milliseconds.
import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ServerAddress {
  /** Folder of the user's sockets (mode 0700). */
  dir: string;
  /** The socket (a named pipe on Windows). */
  socket: string;
  /** Identifies the build: node binary and version, package folder, build times. */
  build: string;
}

/** Protocol version: a client and a server of different versions never talk (the build id differs too). */
export const PROTOCOL = 1;

const mtime = (file: string) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
};

/**
 * The address of the server for the rxfix installed at `packageRoot`, run by this node. A rebuild
 * (npm run build changes dist/), another install or another node gives another address, so a
 * client never talks to a server running other code.
 */
export function serverAddress(packageRoot: string, env: NodeJS.ProcessEnv): ServerAddress {
  const root = realpathSync(packageRoot);
  const build = createHash('sha1')
    .update([PROTOCOL, process.execPath, process.version, root, mtime(path.join(root, 'dist/bundle/rxfix.cjs')), mtime(path.join(root, 'dist/src/cli.js'))].join('\0'))
    .digest('hex')
    .slice(0, 16);
  const dir = runtimeDir(env);
  const socket = process.platform === 'win32' ? `\\\\.\\pipe\\rxfix-${os.userInfo().username}-${build}` : path.join(dir, `${build}.sock`);
  return { dir, socket, build };
}

/** RXFIX_RUNTIME_DIR, else $XDG_RUNTIME_DIR/rxfix, else <tmp>/rxfix-<uid>. */
export function runtimeDir(env: NodeJS.ProcessEnv): string {
  if (env['RXFIX_RUNTIME_DIR']) return path.resolve(env['RXFIX_RUNTIME_DIR']);
  if (env['XDG_RUNTIME_DIR']) return path.join(env['XDG_RUNTIME_DIR'], 'rxfix');
  return path.join(os.tmpdir(), `rxfix-${typeof process.getuid === 'function' ? process.getuid() : os.userInfo().username}`);
}

/**
 * Why the socket folder cannot be trusted (another user owns it, or others may enter it), or
 * null when it can. `create`: make it (mode 0700) when missing.
 */
export function runtimeDirProblem(dir: string, create: boolean): string | null {
  if (process.platform === 'win32') return null; // named pipes: no folder
  if (create) mkdirSync(dir, { recursive: true, mode: 0o700 });
  let st;
  try {
    st = statSync(dir);
  } catch {
    return `${dir} does not exist`;
  }
  if (!st.isDirectory()) return `${dir} is not a folder`;
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return `${dir} belongs to another user`;
  if ((st.mode & 0o077) !== 0) return `${dir} may be entered by other users (mode ${(st.mode & 0o777).toString(8)}; it must be 700)`;
  return null;
}
