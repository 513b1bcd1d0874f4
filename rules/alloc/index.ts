import type { RuleDef } from '../../src/engine/rule.js';
import assignCloneFrom from './assign-clone-from.js';
import cloneOnCopy from './clone-on-copy.js';
import redundantClone from './redundant-clone.js';
import eagerFallbackAlloc from './eager-fallback-alloc.js';
import heapIndirection from './heap-indirection.js';
import iterClonedCollect from './iter-cloned-collect.js';
import redundantCloneArg from './redundant-clone-arg.js';
import toOwnedLiteral from './to-owned-literal.js';

export const allocRules: RuleDef[] = [redundantCloneArg, redundantClone, cloneOnCopy, toOwnedLiteral, iterClonedCollect, heapIndirection, eagerFallbackAlloc, assignCloneFrom];
