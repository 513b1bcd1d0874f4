import type { RuleDef } from '../../src/engine/rule.js';
import profilingProfile from './profiling-profile.js';
import releaseLtoCgu from './release-lto-cgu.js';
import releasePanicAbort from './release-panic-abort.js';
import targetCpuNative from './target-cpu-native.js';

export const cargoRules: RuleDef[] = [releaseLtoCgu, profilingProfile, releasePanicAbort, targetCpuNative];
