import { workspaceTargets } from '../../src/engine/manifest.js';
import { defineRule, type ManifestFinding } from '../../src/engine/rule.js';
import { anchor, insertIntoTable, isRootManifest, locate, profile } from './shared.js';

export default defineRule({
  id: 'release-lto-cgu',
  family: 'cargo',
  severity: 'note',
  tier: 'report-only',
  clippy: null,
  optInFix: true,
  message: 'the release profile sets no `lto`: no cross-crate inlining',
  help: 'add `lto = "fat"` (or `"thin"`: most of the gain, much shorter links) and `codegen-units = 1` under `[profile.release]`; keep them only if benchmarks show a gain',
  docs: `By default a release build optimises each crate, and within a crate each of 16 codegen units,
separately (\`lto = false\` means "thin-local" LTO inside one crate). Generic code from dependencies
is inlined, but non-generic functions of other crates are calls through the crate boundary.
\`lto = "fat"\` (or \`"thin"\`) optimises the whole program together, and \`codegen-units = 1\` lets
LLVM see a crate as one unit: typically 5-20% faster and smaller binaries.

Matched in the workspace root Cargo.toml only (cargo ignores \`[profile.*]\` elsewhere), for
workspaces that build a binary (a \`src/main.rs\`, \`src/bin/\`, \`[[bin]]\`, a cdylib or staticlib;
a library's own profile does not reach the crates that depend on it, and enabling LTO only for its
benchmarks would make them unrepresentative):
- no \`lto\` key in \`[profile.release]\` (reported at that header, or at \`[package]\`/\`[workspace]\`
  when the section is absent). An explicit \`lto = false\` or \`"off"\` is the user's decision and is
  not reported;
- an explicit \`codegen-units\` greater than 1 (reported at the key; never edited).

When it is not worth it: builds get slower (much slower with \`"fat"\`) and need more memory;
gains vary, and incremental release builds lose most of their speed.

Tier: report-only. Opt-in fix (\`--only release-lto-cgu\`, then tier verify; keep it only when the
bench gate shows a gain): adds \`lto = "fat"\` and, when absent, \`codegen-units = 1\` after the
last key of \`[profile.release]\` (or adds the section at the end of the file), keeping comments and
never touching a key the user has set. Related, report-only elsewhere: PGO (cargo-pgo) and a global
allocator (mimalloc, jemalloc).`,
  example: { before: '[package]\nname = "app"\n', after: '[package]\nname = "app"\n\n[profile.release]\nlto = "fat"\ncodegen-units = 1\n' },
  manifest(input) {
    if (!isRootManifest(input)) return [];
    const t = workspaceTargets(input.path);
    if (!t.bin) return [];
    const release = profile(input, 'release');
    const out: ManifestFinding[] = [];
    const cgu = release?.['codegen-units'];
    if (!release || !('lto' in release)) {
      const keys = ['lto = "fat"'];
      if (cgu === undefined) keys.push('codegen-units = 1');
      const edits = insertIntoTable(input, 'profile.release', keys);
      out.push({
        ...anchor(input, 'profile.release'),
        message: cgu === undefined ? 'the release profile sets no `lto` and keeps the default 16 codegen units' : 'the release profile sets no `lto`: no cross-crate inlining',
        ...(edits ? { edits } : {}),
      });
    }
    if (typeof cgu === 'number' && cgu > 1) {
      const e = locate(input).entry('profile.release.codegen-units');
      out.push({
        ...(e ? { start: e.keyStart, end: e.valueEnd } : anchor(input, 'profile.release')),
        message: `\`codegen-units = ${cgu}\` in the release profile splits each crate into ${cgu} separately optimised parts`,
        help: '`codegen-units = 1` lets LLVM optimise each crate as a whole (slower builds); rxfix does not change a value you set',
      });
    }
    return out;
  },
});
