import type { RuleDef } from '../../src/engine/rule.js';
import iterNthZero from './iter-nth-zero.js';
import iterShortcuts from './iter-shortcuts.js';
import needlessRangeLoop from './needless-range-loop.js';

export const indexingRules: RuleDef[] = [iterNthZero, iterShortcuts, needlessRangeLoop];
