import type { RuleDef } from '../../src/engine/rule.js';
import lighterSyncPrimitive from './lighter-sync-primitive.js';
import mutexHashmap from './mutex-hashmap.js';

export const syncRules: RuleDef[] = [mutexHashmap, lighterSyncPrimitive];
