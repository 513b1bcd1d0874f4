// The built-in rules, one module per rule, grouped by family; each family folder has an index.
import type { RuleDef } from '../src/engine/rule.js';
import { allocRules } from './alloc/index.js';
import { asyncRules } from './async/index.js';
import { cargoRules } from './cargo/index.js';
import { collectionsRules } from './collections/index.js';
import { indexingRules } from './indexing/index.js';
import { stringsRules } from './strings/index.js';
import { syncRules } from './sync/index.js';

export const builtinRules: readonly RuleDef[] = [
  ...allocRules,
  ...collectionsRules,
  ...stringsRules,
  ...indexingRules,
  ...syncRules,
  ...asyncRules,
  ...cargoRules,
];
