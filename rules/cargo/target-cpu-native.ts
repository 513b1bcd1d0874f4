import { defineRule, type ManifestFinding } from '../../src/engine/rule.js';
import { isCargoConfig, isObj, locate } from './shared.js';

const NATIVE = /target-cpu\s*=\s*native/;

export default defineRule({
  id: 'target-cpu-native',
  family: 'cargo',
  severity: 'warning',
  tier: 'report-only',
  clippy: null,
  message: '`-C target-cpu=native` ties the binary to the build machine\'s CPU',
  help: 'use a baseline level such as `-C target-cpu=x86-64-v3`, or runtime dispatch (`is_x86_feature_detected!` with `#[target_feature(enable = "..")]`); keep `native` for local benchmarking only',
  docs: `\`-C target-cpu=native\` lets LLVM use every instruction of the machine that compiles. The binary
then dies with SIGILL (illegal instruction) on older or different CPUs: wrong for distributed
binaries, CI-built containers, and shared build caches. A \`RUSTFLAGS\` environment variable also
replaces config \`rustflags\` instead of merging with them, and changing either forces a full
rebuild.

Matched in \`.cargo/config.toml\` (or legacy \`.cargo/config\`) next to the workspace root and its
parent folders up to the repository root: \`rustflags\` of \`[build]\` or \`[target.<triple or cfg>]\`,
as an array (\`["-C", "target-cpu=native"]\`, \`["-Ctarget-cpu=native"]\`) or a string. Reported at
the \`target-cpu=native\` text.

Fix: a baseline level such as \`-C target-cpu=x86-64-v3\` (still excludes older CPUs), or runtime
feature detection; \`native\` only for benchmarking on one machine. Tier: report-only: a
distribution decision.`,
  example: { before: '[build]\nrustflags = ["-C", "target-cpu=native"]\n', after: '[build]\nrustflags = ["-C", "target-cpu=x86-64-v3"]\n' },
  manifest(input) {
    if (!isCargoConfig(input)) return [];
    const keys: string[] = [];
    const build = isObj(input.data.build) ? input.data.build : null;
    if (build && flagsHaveNative(build.rustflags)) keys.push('build.rustflags');
    const target = isObj(input.data.target) ? input.data.target : {};
    for (const [triple, t] of Object.entries(target)) {
      if (isObj(t) && flagsHaveNative(t.rustflags)) keys.push(`target.${triple}.rustflags`);
    }
    const l = locate(input);
    const out: ManifestFinding[] = [];
    for (const k of keys) {
      const e = l.entry(k);
      if (!e) continue;
      const text = input.source.slice(e.keyStart, e.valueEnd);
      const m = NATIVE.exec(text);
      const start = m ? e.keyStart + m.index : e.keyStart;
      const header = [...l.headers].reverse().find((h) => h.start < e.keyStart);
      const table = header ? input.source.slice(header.start, header.end) : `[${k.slice(0, -'.rustflags'.length)}]`;
      out.push({ start, end: m ? start + m[0].length : e.keyEnd, message: k.startsWith('target.') ? `\`-C target-cpu=native\` in \`${table}\` ties the binary to the build machine's CPU` : undefined });
    }
    return out;
  },
});

function flagsHaveNative(v: unknown): boolean {
  if (typeof v === 'string') return NATIVE.test(v);
  if (!Array.isArray(v)) return false;
  return v.some((f) => typeof f === 'string' && NATIVE.test(f));
}
