import type { RuleDef } from '../../src/engine/rule.js';
import lighterSyncPrimitive from './lighter-sync-primitive.js';
import lockInLoop from './lock-in-loop.js';
import mutexHashmap from './mutex-hashmap.js';

export const syncRules: RuleDef[] = [mutexHashmap, lighterSyncPrimitive, lockInLoop];
