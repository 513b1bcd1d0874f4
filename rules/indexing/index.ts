import type { RuleDef } from '../../src/engine/rule.js';
import boundsCheck from './bounds-check.js';
import iterNthZero from './iter-nth-zero.js';
import iterShortcuts from './iter-shortcuts.js';
import manualMemcpy from './manual-memcpy.js';
import needlessRangeLoop from './needless-range-loop.js';
import regexInLoop from './regex-in-loop.js';
import sortByCachedKey from './sort-by-cached-key.js';
import sortUnstablePrimitive from './sort-unstable-primitive.js';
import unbufferedIo from './unbuffered-io.js';

export const indexingRules: RuleDef[] = [iterNthZero, iterShortcuts, needlessRangeLoop, boundsCheck, sortUnstablePrimitive, sortByCachedKey, regexInLoop, manualMemcpy, unbufferedIo];
