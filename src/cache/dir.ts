// The user's cache folder, alone in its module: bin/ loads it before the bundle (the V8 code
// cache lives there too, src/bundle-loader.ts), so it must not pull in anything else.
import os from 'node:os';
import path from 'node:path';

/** The user's cache folder for rxfix: $RXFIX_CACHE_DIR, $XDG_CACHE_HOME/rxfix, ~/.cache/rxfix ... */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RXFIX_CACHE_DIR) return path.resolve(env.RXFIX_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'rxfix');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches', 'rxfix');
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local'), 'rxfix', 'cache');
  return path.join(os.homedir(), '.cache', 'rxfix');
}
