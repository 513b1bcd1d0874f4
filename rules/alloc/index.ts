import type { RuleDef } from '../../src/engine/rule.js';
import redundantCloneArg from './redundant-clone-arg.js';

export const allocRules: RuleDef[] = [redundantCloneArg];
