// Loads the CLI bundle (dist/bundle/rxfix.cjs, scripts/bundle.js) with V8's code cache.
//
// A one-file `--staged` run spends tens of milliseconds of its ~0.3 s compiling JavaScript: the
// bundle's top level, then each function the scan calls, lazily. Node 20 has no compile cache
// for modules (Node 22's module.enableCompileCache), but vm.Script takes V8's cached data: the
// bundle is one CommonJS file, evaluated here with the code V8 serialized in an earlier run, kept
// in the user's cache folder.
//
// V8 rejects cached data made under other V8 flags, and a run that parses little sets one
// (parser.ts preferQuickStart, which gives up V8's optimizing WASM tier; it implies other flags
// that cannot be reset portably). So the cache is saved right before that flag is set, by the
// first such run that finds none (or a stale one): it holds what that run compiled until then
// (start-up, set-up, reading). Runs under other flags or builds get it rejected and compile as
// without it. RXFIX_CODE_CACHE=0 turns it off; failing to read or write it costs only the compile.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { isMainThread } from 'node:worker_threads';
import { defaultCacheDir } from './cache/dir.js';
import { keepNewest, writeFileAtomic } from './io.js';
import type { Io } from './cli.js';

/** What src/bundle-entry.ts exports. */
export interface BundleExports {
  main(argv: string[], io: Io): Promise<number>;
  runScanWorker(importModule: (url: string) => Promise<unknown>): Promise<void>;
  workerRuleSet(arg: unknown): Promise<unknown>;
  onQuickStart(hook: () => void): void;
}

/** The bundle beside this module's folder: dist/src/ → dist/bundle/rxfix.cjs. */
export const DEFAULT_BUNDLE = fileURLToPath(new URL('../bundle/rxfix.cjs', import.meta.url));

/** Code caches kept in the folder (one per rxfix build and Node); the least recent go first. */
const KEEP = 4;

/** The code cache's file name: V8 build and bundle identity (size, mtime). */
export function codeCacheName(size: number, mtimeMs: number, versions: { node: string; v8: string; arch: string }): string {
  const key = createHash('sha256').update([versions.node, versions.v8, versions.arch, size, mtimeMs].join('\0')).digest('hex').slice(0, 16);
  return `rxfix-${key}.bin`;
}

const loaded = new Map<string, BundleExports>();

/** The bundle's exports, evaluated once per thread. */
export function loadBundle(file: string = DEFAULT_BUNDLE, env: NodeJS.ProcessEnv = process.env): BundleExports {
  let b = loaded.get(file);
  if (!b) loaded.set(file, (b = evaluate(file, env)));
  return b;
}

function evaluate(file: string, env: NodeJS.ProcessEnv): BundleExports {
  const source = readFileSync(file, 'utf8');
  const st = statSync(file);
  const cacheFile = env.RXFIX_CODE_CACHE === '0' ? null : path.join(defaultCacheDir(env), 'code', codeCacheName(st.size, st.mtimeMs, { node: process.version, v8: process.versions.v8, arch: process.arch }));
  let cachedData: Buffer | undefined;
  if (cacheFile) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // absent: compiled from source, saved before a quick start (see the top)
    }
  }
  // (no import() in it: code from the cache would have no callback for it; scripts/bundle.js checks)
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const module = { exports: {} as BundleExports };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, path.dirname(file));
  // missing or stale; the main thread only: a worker starts under the flags of a run that parses much
  if (cacheFile && (cachedData === undefined || script.cachedDataRejected) && isMainThread) {
    module.exports.onQuickStart(() => {
      try {
        writeFileAtomic(cacheFile, script.createCachedData());
        keepNewest(path.dirname(cacheFile), (f) => /^rxfix-[0-9a-f]+\.bin$/.test(f), KEEP);
      } catch {
        // a read-only or full cache folder: the next run compiles again
      }
    });
  }
  return module.exports;
}

