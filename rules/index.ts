// The built-in rules, one module per rule, grouped by family.
import type { RuleDef } from '../src/engine/rule.js';
import redundantCloneArg from './alloc/redundant-clone-arg.js';
import uselessFormat from './strings/useless-format.js';

export const builtinRules: readonly RuleDef[] = [redundantCloneArg, uselessFormat];
