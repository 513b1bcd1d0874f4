// Child process of tests/query-snapshot.test.ts: a fresh WASM heap per run, as a real scan has.
// argv: JSON { read?: string[] | null, write?: string | null, parseFirst?: boolean, dirtyTail?: boolean, files: string[] }
// Prints JSON { how, findings } after matching every file with the built-in rules.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
const snapshots = await import(path.join(dist, 'src/engine/query-snapshot.js'));
const { loadRust, parseRust, pinnedInternals } = await import(path.join(dist, 'src/engine/parser.js'));
const { compileRuleSet } = await import(path.join(dist, 'src/engine/registry.js'));
const { matchSource } = await import(path.join(dist, 'src/engine/match.js'));
const { builtinRules } = await import(path.join(dist, 'rules/index.js'));

const opts = JSON.parse(process.argv[2]);
if (opts.read !== undefined) snapshots.configureQuerySnapshots(opts.read ?? [], opts.write ?? null);
await loadRust();
if (opts.parseFirst) parseRust('fn main() {}').delete(); // the heap is no longer the build's
// bytes the allocator has not handed out: nothing reads them, so they must not stop a restore
if (opts.dirtyTail) pinnedInternals().HEAPU8.fill(0xa5, pinnedInternals().HEAPU8.length - (1 << 20));
const rules = compileRuleSet(builtinRules, { lazyQuery: true });
const findings = [];
for (const f of opts.files) {
  const r = matchSource(f, readFileSync(f, 'utf8'), rules, { includeTests: true });
  for (const x of r.findings) findings.push(`${path.basename(path.dirname(f))} ${x.ruleId} ${x.start}-${x.end}`);
}
process.stdout.write(JSON.stringify({ how: snapshots.lastQueryCompile, findings }));
