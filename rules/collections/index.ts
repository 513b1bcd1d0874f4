import type { RuleDef } from '../../src/engine/rule.js';
import vecPushLoopExtend from './vec-push-loop-extend.js';
import vecPushLoopPrealloc from './vec-push-loop-prealloc.js';

export const collectionsRules: RuleDef[] = [vecPushLoopPrealloc, vecPushLoopExtend];
