import type { RuleDef } from '../../src/engine/rule.js';
import charsNthInLoop from './chars-nth-in-loop.js';
import formatArgsNested from './format-args-nested.js';
import formatPushString from './format-push-string.js';
import manualStrRepeat from './manual-str-repeat.js';
import singleCharPattern from './single-char-pattern.js';
import stringRebuildInLoop from './string-rebuild-in-loop.js';
import toStringInLoop from './to-string-in-loop.js';
import uselessFormat from './useless-format.js';

export const stringsRules: RuleDef[] = [uselessFormat, singleCharPattern, formatPushString, formatArgsNested, manualStrRepeat, stringRebuildInLoop, toStringInLoop, charsNthInLoop];
