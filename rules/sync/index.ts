import type { RuleDef } from '../../src/engine/rule.js';
import lighterSyncPrimitive from './lighter-sync-primitive.js';
import lockInLoop from './lock-in-loop.js';
import mutexHashmap from './mutex-hashmap.js';
import rcRefcellInLoop from './rc-refcell-in-loop.js';
import readonlyWriteLock from './readonly-write-lock.js';

export const syncRules: RuleDef[] = [mutexHashmap, lighterSyncPrimitive, lockInLoop, rcRefcellInLoop, readonlyWriteLock];
