import type { RuleDef } from '../../src/engine/rule.js';
import collectThenLen from './collect-then-len.js';
import ptrArg from './ptr-arg.js';
import containsInLoop from './contains-in-loop.js';
import drainToMove from './drain-to-move.js';
import mapEntry from './map-entry.js';
import needlessCollect from './needless-collect.js';
import orInsertNew from './or-insert-new.js';
import slowVectorInit from './slow-vector-init.js';
import vecInitThenPush from './vec-init-then-push.js';
import vecPushLoopExtend from './vec-push-loop-extend.js';
import vecPushLoopPrealloc from './vec-push-loop-prealloc.js';

export const collectionsRules: RuleDef[] = [vecPushLoopPrealloc, vecPushLoopExtend, vecInitThenPush, orInsertNew, collectThenLen, ptrArg, containsInLoop, drainToMove, mapEntry, slowVectorInit, needlessCollect];
