#!/usr/bin/env node
// `npm run build`, after tsc: stores the built-in rules' query facts (their patterns' texts,
// trigger literals and shapes) in dist/query-facts.json, which a run reads instead of tokenizing
// the queries again (src/engine/query-facts.ts).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const { BUILT_FACTS, storedFacts } = await import(path.join(dist, 'src/engine/query-facts.js'));
const { builtinRules } = await import(path.join(dist, 'rules/index.js'));

writeFileSync(BUILT_FACTS, JSON.stringify(storedFacts(builtinRules.filter((r) => r.query).map((r) => r.query))));
