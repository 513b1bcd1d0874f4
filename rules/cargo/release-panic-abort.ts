import { existsSync } from 'node:fs';
import path from 'node:path';
import { crateTargets, dependencyFeatures, readManifest, workspaceMembers } from '../../src/engine/manifest.js';
import { defineRule } from '../../src/engine/rule.js';
import { anchor, isRootManifest, profile } from './shared.js';

/** Dependencies that run user code in tasks, jobs or handlers whose panics must stay isolated. */
const ISOLATING = ['tokio', 'async-std', 'smol', 'rayon', 'actix-web', 'actix-rt', 'axum', 'hyper', 'warp', 'rocket', 'tower', 'tonic', 'poem', 'salvo', 'threadpool', 'crossbeam'];

export default defineRule({
  id: 'release-panic-abort',
  family: 'cargo',
  severity: 'note',
  tier: 'report-only',
  clippy: null,
  message: 'the release profile keeps unwinding; `panic = "abort"` would shrink the binary',
  help: 'consider `panic = "abort"` under `[profile.release]` only if nothing relies on catching panics (catch_unwind, thread or task isolation) or on destructors running during a panic; rxfix never adds it',
  docs: `\`panic = "abort"\` drops the unwinding tables and landing pads: binaries get smaller and some hot
paths slightly faster. rxfix reports the opportunity and never applies it, because:
- \`catch_unwind\` stops working, so one panic in a thread, Tokio task, rayon job or request handler
  kills the whole process;
- destructors do not run on panic, so buffers are not flushed and temporary files stay behind;
- \`cargo test\` and \`cargo bench\` ignore the setting (the harness needs unwinding), so the verify
  gate cannot detect the breakage.

Matched in the workspace root Cargo.toml of workspaces that build a binary and have no library
crate (\`src/lib.rs\` or \`[lib]\`: a library's users choose their own strategy), when
\`[profile.release]\` has no \`panic\` key (reported at that header, or at \`[package]\`/\`[workspace]\`).
Not reported when a workspace crate depends on a runtime or pool that isolates panics per task or
job (tokio, async-std, smol, rayon, actix, axum, hyper, warp, rocket, tower, tonic, ...), since there
a panic that now only fails one request would end the process. Libraries are not reported: the final
binary decides.

Tier: report-only, no fix (patterns.md G2).`,
  example: { before: '[profile.release]\nlto = "thin"\n', after: '[profile.release]\nlto = "thin"\npanic = "abort"   # only after checking the caveats' },
  manifest(input) {
    if (!isRootManifest(input)) return [];
    const members = workspaceMembers(input.path);
    // applications only: with a library in the workspace, dependents choose their own strategy
    if (!members.some((m) => crateTargets(m).bin) || members.some(hasLib)) return [];
    const release = profile(input, 'release');
    if (release && 'panic' in release) return [];
    for (const m of members) {
      const deps = dependencyFeatures(m);
      if (ISOLATING.some((d) => d in deps)) return [];
    }
    return [anchor(input, 'profile.release')];
  },
});

function hasLib(manifest: string): boolean {
  const m = readManifest(manifest);
  return existsSync(path.join(path.dirname(manifest), 'src/lib.rs')) || (m !== null && typeof m.data.lib === 'object');
}
