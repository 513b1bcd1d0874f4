#!/usr/bin/env node
// `npm run build`, after tsc: compiles the built-in rules' shape query in a fresh WASM heap and
// stores the heap bytes the compile changed in dist/query-snapshots/, which a run restores
// instead of compiling (src/engine/query-snapshot.ts explains why that is exact).
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const snapshots = await import(path.join(dist, 'src/engine/query-snapshot.js'));
const { loadRust } = await import(path.join(dist, 'src/engine/parser.js'));
const { compileRuleSet } = await import(path.join(dist, 'src/engine/registry.js'));
const { prepareMatching } = await import(path.join(dist, 'src/engine/match.js'));
const { builtinRules } = await import(path.join(dist, 'rules/index.js'));

rmSync(snapshots.BUILT_SNAPSHOTS, { recursive: true, force: true });
snapshots.configureQuerySnapshots([], snapshots.BUILT_SNAPSHOTS);
// the same steps as a scan before its first file: load the grammar, then the shape query
await loadRust();
prepareMatching(compileRuleSet(builtinRules, { lazyQuery: true }));
if (snapshots.lastQueryCompile !== 'saved') {
  console.error(`warning: no query snapshot was made (${snapshots.lastQueryCompile}); scans compile the query at start`);
}
