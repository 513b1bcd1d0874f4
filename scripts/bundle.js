#!/usr/bin/env node
// `npm run build`, after tsc: bundles dist/src/cli.js and everything it imports into
// dist/bundle/rxfix.js, so a start resolves and compiles a dozen files instead of ~120;
// bin/rxfix.js falls back to dist/src/cli.js when the bundle is missing or older than it.
// Dynamic imports become chunks beside it. Scan workers (engine/workers.ts) and their rule
// recipe (commands/worker-rules.ts) are loaded by URL next to the module that names them, so they
// are entries too: a worker then runs the very code of the main thread, which RuleSet.hash (it
// hashes rule functions' source text) requires.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const out = path.join(dist, 'bundle');

/**
 * Every `import.meta.url` in the bundle becomes that of a file in dist/bundle/. Allowed only where
 * that is known to work; a new use must be checked and added here.
 */
const IMPORT_META_OK = new Map([
  ['src/version.js', 'finds package.json upwards: any folder in the package does'],
  ['src/engine/parser.js', 'createRequire for tree-sitter-rust: any folder in the package does'],
  ['src/engine/workers.js', './scan-worker.js: an entry below'],
  ['src/commands/worker-rules.js', './worker-rules.js: an entry below'],
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
  entryPoints: {
    rxfix: path.join(dist, 'src', 'cli.js'),
    'scan-worker': path.join(dist, 'src', 'engine', 'scan-worker.js'),
    'worker-rules': path.join(dist, 'src', 'commands', 'worker-rules.js'),
  },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // web-tree-sitter finds its .wasm beside its own module file; tree-sitter-rust is resolved for its .wasm.
  external: ['web-tree-sitter', 'tree-sitter-rust'],
  // Bundled CommonJS packages (commander, ...) require() node built-ins.
  banner: { js: "import { createRequire as __rxfixRequire } from 'node:module'; const require = __rxfixRequire(import.meta.url);" },
  define: { __RXFIX_CODE_FINGERPRINT__: JSON.stringify(codeFingerprint()) },
  plugins: [checkImportMeta],
  logLevel: 'warning',
});
