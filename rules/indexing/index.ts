import type { RuleDef } from '../../src/engine/rule.js';

export const indexingRules: RuleDef[] = [];
