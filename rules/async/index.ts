import type { RuleDef } from '../../src/engine/rule.js';
import awaitHoldingLock from './await-holding-lock.js';
import blockOnInAsync from './block-on-in-async.js';
import blockingInAsync from './blocking-in-async.js';
import sequentialAwait from './sequential-await.js';
import spawnInLoop from './spawn-in-loop.js';

export const asyncRules: RuleDef[] = [spawnInLoop, sequentialAwait, blockingInAsync, awaitHoldingLock, blockOnInAsync];
