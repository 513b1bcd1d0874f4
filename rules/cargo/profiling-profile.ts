import { workspaceTargets } from '../../src/engine/manifest.js';
import { defineRule } from '../../src/engine/rule.js';
import { anchor, insertIntoTable, isObj, isRootManifest, rustVersion } from './shared.js';

const NO_DEBUG = new Set<unknown>([false, 0, 'none']);

export default defineRule({
  id: 'profiling-profile',
  family: 'cargo',
  severity: 'note',
  tier: 'report-only',
  clippy: null,
  optInFix: true,
  message: 'no optimised profile keeps debug line tables for profiling',
  help: 'add `[profile.profiling]` with `inherits = "release"` and `debug = "line-tables-only"`, and profile `cargo build --profile profiling` binaries (with `RUSTFLAGS="-C force-frame-pointers=yes"` for `perf record -g`)',
  docs: `Profilers (perf, valgrind/callgrind, samply, flamegraph) need an optimised build with line tables
to map samples to source lines and inlined frames. Release builds have none by default, and
switching \`release\` itself to \`debug = true\` slows every release build and grows its artifacts.
A separate profile that inherits release and adds \`debug = "line-tables-only"\` leaves release
untouched; \`cargo build --profile profiling\` puts its output in \`target/profiling/\`.

Matched in the workspace root Cargo.toml (cargo ignores \`[profile.*]\` elsewhere) of workspaces that
build a binary (\`src/main.rs\`, \`src/bin/\`, \`[[bin]]\`, cdylib, staticlib), when no optimised profile (\`release\`, \`bench\` or a custom one)
sets a non-zero \`debug\`. Reported at \`[profile.profiling]\` when that profile exists without
\`debug\`, else at \`[profile.release]\` or \`[package]\`/\`[workspace]\`.

Tier: report-only. Opt-in fix (\`--only profiling-profile\`, tier verify): appends
\`[profile.profiling]\` with \`inherits = "release"\` and \`debug = "line-tables-only"\` (\`debug = 1\`
when \`rust-version\` is older than 1.71, which added line-tables-only), or adds the missing
\`debug\` key to an existing \`[profile.profiling]\`. Release artifacts do not change. rxfix prepares
the profile but runs no profiler.`,
  example: {
    before: '[profile.release]\nlto = "thin"\n',
    after: '[profile.release]\nlto = "thin"\n\n[profile.profiling]\ninherits = "release"\ndebug = "line-tables-only"\n',
  },
  manifest(input) {
    if (!isRootManifest(input)) return [];
    const t = workspaceTargets(input.path);
    if (!t.bin) return [];
    const profiles = isObj(input.data.profile) ? input.data.profile : {};
    for (const [name, p] of Object.entries(profiles)) {
      if (name === 'dev' || name === 'test' || !isObj(p)) continue;
      if ('debug' in p && !NO_DEBUG.has(p.debug)) return [];
    }
    const rv = rustVersion(input);
    const debug = rv && (rv[0] < 1 || (rv[0] === 1 && rv[1] < 71)) ? 'debug = 1' : 'debug = "line-tables-only"';
    const existing = isObj(profiles.profiling) ? profiles.profiling : null;
    if (existing) {
      const edits = insertIntoTable(input, 'profile.profiling', [debug]);
      return [{ ...anchor(input, 'profile.profiling'), message: '`[profile.profiling]` keeps no debug line tables', ...(edits ? { edits } : {}) }];
    }
    const edits = insertIntoTable(input, 'profile.profiling', ['inherits = "release"', debug]);
    return [{ ...anchor(input, 'profile.release'), ...(edits ? { edits } : {}) }];
  },
});
