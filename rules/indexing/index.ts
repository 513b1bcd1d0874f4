import type { RuleDef } from '../../src/engine/rule.js';
import iterNthZero from './iter-nth-zero.js';

export const indexingRules: RuleDef[] = [iterNthZero];
