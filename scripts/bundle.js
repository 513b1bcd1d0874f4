#!/usr/bin/env node
// `npm run build`, after tsc: bundles the CLI (dist/src/bundle-entry.js and everything it imports)
// into one CommonJS file, dist/bundle/rxfix.cjs, which src/bundle-loader.ts evaluates with V8's
// code cache (Node 20 caches no ES module's code): a start reads one file instead of ~120 and,
// from the second run on, compiles almost nothing. bin/load-cli.js falls back to dist/src/cli.js
// when the bundle is missing or older than it. Scan worker threads run the very same bundle
// (RuleSet.hash hashes rule functions' source text, so main thread and workers must agree):
// engine/workers.ts and commands/worker-rules.ts name ./scan-worker.js and ./worker-rules.js
// next to the bundle, two small ES modules written here that load it.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const out = path.join(dist, 'bundle');

/**
 * Every `import.meta.url` in the bundle becomes that of dist/bundle/rxfix.cjs. Allowed only where
 * that is known to work; a new use must be checked and added here.
 */
const IMPORT_META_OK = new Map([
  ['src/version.js', 'finds package.json upwards: any folder in the package does'],
  ['src/engine/parser.js', 'createRequire for tree-sitter-rust: any folder in the package does'],
  ['src/engine/workers.js', './scan-worker.js: written below'],
  ['src/commands/worker-rules.js', './worker-rules.js: written below'],
  ['src/cache/results.js', 'codeFingerprint(): replaced by the define below'],
]);
const checkImportMeta = {
  name: 'check-import-meta',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/](src|rules)[\\/].*\.js$/ }, (args) => {
      const rel = path.relative(dist, args.path).split(path.sep).join('/');
      if (readFileSync(args.path, 'utf8').includes('import.meta') && !IMPORT_META_OK.has(rel)) {
        throw new Error(`${rel} uses import.meta, which in the bundle is that of dist/bundle/; check it works there and list it in scripts/bundle.js`);
      }
      return undefined;
    });
  },
};

// The code fingerprint of the result cache key, computed once over the files bundled: the same
// value dist/src computes by reading them at every start.
const { codeFingerprint } = await import(pathToFileURL(path.join(dist, 'src', 'cache', 'results.js')).href);

rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: { rxfix: path.join(dist, 'src', 'bundle-entry.js') },
  outdir: out,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // web-tree-sitter finds its .wasm beside its own module file; tree-sitter-rust is resolved for its .wasm.
  external: ['web-tree-sitter', 'tree-sitter-rust'],
  // src/bundle-loader.ts passes __filename (the bundle) and a require() rooted at it.
  banner: { js: 'var __rxfixBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  define: { __RXFIX_CODE_FINGERPRINT__: JSON.stringify(codeFingerprint()), 'import.meta.url': '__rxfixBundleUrl' },
  plugins: [checkImportMeta],
  logLevel: 'warning',
});

// ASCII only (esbuild escapes strings, not regular expression literals): V8 then keeps the 1.6 MB
// source as a one-byte string, which is read and checked against the code cache faster.
const code = readFileSync(path.join(out, 'rxfix.cjs'), 'latin1');
const wide = /[^\x00-\x7f]/.exec(code);
if (wide) throw new Error(`dist/bundle/rxfix.cjs: non-ASCII character U+${wide[0].charCodeAt(0).toString(16).padStart(4, '0')} near "${code.slice(Math.max(0, wide.index - 40), wide.index + 10)}"; write it as a \\u escape in the source`);

// No import() left to run: src/bundle-loader.ts evaluates the bundle with vm, whose code from V8's
// code cache has no dynamic import callback (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
const dynamic = /[^\w$.]import\(/.exec(code);
if (dynamic) throw new Error(`dist/bundle/rxfix.cjs: an import() is left in the bundle near "${code.slice(Math.max(0, dynamic.index - 40), dynamic.index + 40)}"; import it statically or bundle it`);

// The two modules a scan worker loads by URL (see the top): both evaluate the bundle once per thread.
mkdirSync(out, { recursive: true });
writeFileSync(
  path.join(out, 'scan-worker.js'),
  `// Entry of a scan worker thread (engine/workers.ts), written by scripts/bundle.js.
import { loadBundle } from '../src/bundle-loader.js';

await loadBundle().runScanWorker((url) => import(url));
`,
);
writeFileSync(
  path.join(out, 'worker-rules.js'),
  `// The rule recipe of scan workers (commands/worker-rules.ts), written by scripts/bundle.js.
import { loadBundle } from '../src/bundle-loader.js';

export const workerRuleSet = (arg) => loadBundle().workerRuleSet(arg);
`,
);
