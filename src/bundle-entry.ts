// What dist/bundle/rxfix.cjs exports (scripts/bundle.js): the CLI, the scan worker's body and its
// rule recipe, and whether the V8 code cache may be saved from this run (src/bundle-loader.ts).
export { main } from './cli.js';
export { runScanWorker } from './engine/scan-worker-main.js';
export { workerRuleSet } from './commands/worker-rules.js';
export { codeCacheWorthy } from './engine/parser.js';
