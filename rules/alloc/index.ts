import type { RuleDef } from '../../src/engine/rule.js';
import cloneOnCopy from './clone-on-copy.js';
import redundantClone from './redundant-clone.js';
import redundantCloneArg from './redundant-clone-arg.js';

export const allocRules: RuleDef[] = [redundantCloneArg, redundantClone, cloneOnCopy];
