// The compiled CLI's main(): the bundle of it (scripts/bundle.js: one file to load instead of
// ~120, with V8's code cache, src/bundle-loader.ts), unless it is missing or tsc has rebuilt
// dist/src since it was made.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/bundle/rxfix.cjs', import.meta.url);
const modules = new URL('../dist/src/cli.js', import.meta.url);

function fresh(file, source) {
  try {
    return statSync(file).mtimeMs >= statSync(source).mtimeMs;
  } catch {
    return false;
  }
}

async function bundledMain() {
  const { loadBundle } = await import('../dist/src/bundle-loader.js');
  return loadBundle(fileURLToPath(bundle)).main;
}

export const main = fresh(bundle, modules) ? await bundledMain() : (await import(modules.href)).main;
