// What dist/bundle/rxfix.cjs exports (scripts/bundle.js): the CLI, the scan worker's body and its
// rule recipe, and the moment to save V8's code cache (src/bundle-loader.ts).
export { main } from './cli.js';
export { runScanWorker } from './engine/scan-worker-main.js';
export { workerRuleSet } from './commands/worker-rules.js';
export { onQuickStart } from './engine/parser.js';
