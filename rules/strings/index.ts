import type { RuleDef } from '../../src/engine/rule.js';
import uselessFormat from './useless-format.js';

export const stringsRules: RuleDef[] = [uselessFormat];
