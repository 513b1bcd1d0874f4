// Manifest scanning end to end: Cargo.toml / .cargo/config.toml discovery from scanned paths,
// workspace roots, the cargo rules, positions in Unicode scalars, opt-in edits that keep comments,
// and the merge into `rxfix scan` output (JSON order, files count, code frames).
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runScan } from '../src/commands/scan.js';
import { clearManifestCache, dependencyFeatures, manifestsFor, scanManifests, TomlLocator, workspaceRootOf } from '../src/engine/manifest.js';
import type { Finding } from '../src/engine/rule.js';
import { applyEdits } from '../src/fix/edits.js';
import { plain } from '../src/report/style.js';
import { displayPath } from '../src/workspace/walk.js';
import { ruleSetOf } from './helpers/engine.js';

const ROOT = path.resolve(__dirname, '..');
const FIX = path.join(ROOT, 'fixtures/manifests');
const CARGO_RULES = ['release-lto-cgu', 'profiling-profile', 'release-panic-abort', 'target-cpu-native'];

const at = (f: Finding) => `${f.path}:${f.line}:${f.column} ${f.ruleId}`;

async function manifestScan(paths: string[], optIn: string[] = []) {
  const rules = await ruleSetOf(CARGO_RULES);
  return scanManifests(paths, rules, { optIn: new Set(optIn), display: (abs) => displayPath(abs) });
}

function tempCopy(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rxfix-manifest-'));
  cpSync(path.join(FIX, name), dir, { recursive: true });
  return dir;
}

/** Applies fixable findings one at a time, re-scanning after each (as a fixpoint does), at most 5 times. */
async function applyAll(paths: string[], optIn: string[]): Promise<void> {
  for (let pass = 0; pass < 5; pass++) {
    clearManifestCache();
    const f = (await manifestScan(paths, optIn)).findings.find((x) => x.edits);
    if (!f) return;
    const abs = path.resolve(f.path);
    writeFileSync(abs, applyEdits(readFileSync(abs, 'utf8'), f.edits!));
  }
  throw new Error('edits did not converge');
}

beforeEach(() => clearManifestCache());

describe('TomlLocator', () => {
  it('finds headers and keys, with dotted and quoted names, skipping comments and multi-line values', () => {
    const src = '# c = 1\n[a]\nx = [\n  1, # ]\n  2,\n]\ny.z = "s # not a comment"\n[target.\'cfg(unix)\']\nrustflags = "q"\n';
    const l = new TomlLocator(src);
    expect(l.headers.map((h) => h.path)).toEqual(['a', "target.cfg(unix)"]);
    expect(l.entries.map((e) => e.path)).toEqual(['a.x', 'a.y.z', 'target.cfg(unix).rustflags']);
    const x = l.entry('a.x')!;
    expect(src.slice(x.keyStart, x.valueEnd)).toBe('x = [\n  1, # ]\n  2,\n]');
    expect(src.slice(x.lineEnd)).toMatch(/^y\.z/);
    expect(src.slice(l.entry('a.y.z')!.keyStart, l.entry('a.y.z')!.valueEnd)).toBe('y.z = "s # not a comment"');
    expect(src.slice(0, l.tableEnd('a')!)).toMatch(/y\.z = "s # not a comment"\n$/);
  });
});

describe('manifest discovery', () => {
  it('walks up to the workspace root and its .cargo/config.toml', () => {
    const app = path.join(FIX, 'workspace/crates/app');
    expect(workspaceRootOf(path.join(app, 'Cargo.toml'))).toBe(path.join(FIX, 'workspace/Cargo.toml'));
    const { inputs } = manifestsFor([path.join(app, 'src/main.rs')]);
    expect(inputs.map((i) => [path.relative(FIX, i.path), i.isWorkspaceRoot])).toEqual([
      ['workspace/.cargo/config.toml', false],
      ['workspace/Cargo.toml', true],
      ['workspace/crates/app/Cargo.toml', false],
    ]);
  });

  it('a crate outside any workspace is its own root', () => {
    const p = path.join(FIX, 'bin-plain/Cargo.toml');
    expect(workspaceRootOf(p)).toBe(p);
  });

  it('reads direct dependencies and features, completing workspace = true from the root', () => {
    expect(dependencyFeatures(path.join(FIX, 'workspace/crates/app/Cargo.toml'))).toEqual({ tokio: ['default', 'macros', 'rt', 'time'] });
    expect(dependencyFeatures(path.join(FIX, 'bin-plain/Cargo.toml'))).toEqual({});
  });
});

describe('cargo rules', () => {
  it('report a plain binary crate at its [package] header', async () => {
    const r = await manifestScan([path.join(FIX, 'bin-plain')]);
    expect(r.findings.map(at)).toEqual([
      'fixtures/manifests/bin-plain/Cargo.toml:1:1 profiling-profile',
      'fixtures/manifests/bin-plain/Cargo.toml:1:1 release-lto-cgu',
      'fixtures/manifests/bin-plain/Cargo.toml:1:1 release-panic-abort',
    ]);
    expect(r.findings.every((f) => f.edits === null && f.tier === 'report-only')).toBe(true);
    expect(r.findings[0]).toMatchObject({ endLine: 1, endColumn: 10 });
    expect(r.files).toBe(1);
  });

  it('only the workspace root counts for [profile.*]; config rustflags are located in scalars', async () => {
    const r = await manifestScan([path.join(FIX, 'workspace/crates/app'), path.join(FIX, 'workspace/crates/lib')]);
    expect(r.findings.map(at)).toEqual([
      'fixtures/manifests/workspace/.cargo/config.toml:2:32 target-cpu-native',
      'fixtures/manifests/workspace/.cargo/config.toml:5:16 target-cpu-native',
      'fixtures/manifests/workspace/Cargo.toml:9:1 profiling-profile',
      'fixtures/manifests/workspace/Cargo.toml:9:1 release-lto-cgu',
      'fixtures/manifests/workspace/Cargo.toml:12:1 release-lto-cgu',
    ]);
    const cgu = r.findings[4]!;
    expect(cgu.message).toContain('codegen-units = 4');
    expect([cgu.endLine, cgu.endColumn]).toEqual([12, 18]);
    expect(r.findings[3]!.message).toBe('the release profile sets no `lto`: no cross-crate inlining');
    // tokio in a member: panic = "abort" would kill the process on a task panic, so not suggested
    expect(r.findings.some((f) => f.ruleId === 'release-panic-abort')).toBe(false);
  });

  it('say nothing about a library without benches or a fully configured crate', async () => {
    expect((await manifestScan([path.join(FIX, 'lib-only')])).findings).toEqual([]);
    expect((await manifestScan([path.join(FIX, 'configured')])).findings).toEqual([]);
  });

  it('honour `# rxfix-ignore:` comments', async () => {
    const dir = tempCopy('bin-plain');
    const toml = path.join(dir, 'Cargo.toml');
    writeFileSync(toml, '# rxfix-ignore: release-panic-abort, profiling-profile\n' + readFileSync(toml, 'utf8'));
    const r = await manifestScan([dir]);
    expect(r.findings.map((f) => `${f.line}:${f.column} ${f.ruleId}`)).toEqual(['2:1 release-lto-cgu']);
  });
});

describe('opt-in manifest edits', () => {
  it('are offered only when opted in, at tier verify', async () => {
    const r = await manifestScan([path.join(FIX, 'bin-plain')], ['release-lto-cgu', 'profiling-profile']);
    expect(r.findings.map((f) => [f.ruleId, f.tier, f.edits !== null])).toEqual([
      ['profiling-profile', 'verify', true],
      ['release-lto-cgu', 'verify', true],
      ['release-panic-abort', 'report-only', false],
    ]);
  });

  it('add a missing section at the end and are idempotent', async () => {
    const dir = tempCopy('bin-plain');
    const optIn = ['release-lto-cgu'];
    await applyAll([dir], optIn);
    const text = readFileSync(path.join(dir, 'Cargo.toml'), 'utf8');
    expect(text).toBe(readFileSync(path.join(FIX, 'bin-plain/Cargo.toml'), 'utf8') + '\n[profile.release]\nlto = "fat"\ncodegen-units = 1\n');
    clearManifestCache();
    const again = await manifestScan([dir], optIn);
    expect(again.findings.filter((f) => f.ruleId === 'release-lto-cgu')).toEqual([]);
  });

  it('insert into an existing table after its last key, keeping comments and user keys', async () => {
    const dir = tempCopy('workspace');
    await applyAll([path.join(dir, 'crates/app')], ['release-lto-cgu', 'profiling-profile']);
    const text = readFileSync(path.join(dir, 'Cargo.toml'), 'utf8');
    expect(text).toBe(`# workspace root
[workspace]
members = ["crates/*"]
resolver = "2"

[workspace.dependencies]
tokio = { version = "1", features = ["rt", "time"] }

[profile.release]
# keep builds quick
opt-level = 3
codegen-units = 4 # 🚀 fast builds
lto = "fat"

[profile.dev]
debug = 1

[profile.profiling]
inherits = "release"
debug = "line-tables-only"
`);
    clearManifestCache();
    const again = await manifestScan([path.join(dir, 'crates/app')], ['release-lto-cgu', 'profiling-profile']);
    // only the explicit codegen-units (never overwritten) and the config remain
    expect(again.findings.map((f) => `${path.basename(f.path)}:${f.line} ${f.ruleId}`)).toEqual([
      'config.toml:2 target-cpu-native',
      'config.toml:5 target-cpu-native',
      'Cargo.toml:12 release-lto-cgu',
    ]);
  });

  it('keep CRLF line endings and use debug = 1 before Cargo 1.71', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rxfix-manifest-'));
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'src/main.rs'), 'fn main() {}\n');
    writeFileSync(path.join(dir, 'Cargo.toml'), '[package]\r\nname = "old"\r\nversion = "0.1.0"\r\nrust-version = "1.70"\r\n\r\n[profile.release]\r\nopt-level = 3\r\n');
    await applyAll([dir], ['release-lto-cgu', 'profiling-profile']);
    expect(readFileSync(path.join(dir, 'Cargo.toml'), 'utf8')).toBe(
      '[package]\r\nname = "old"\r\nversion = "0.1.0"\r\nrust-version = "1.70"\r\n\r\n[profile.release]\r\nopt-level = 3\r\nlto = "fat"\r\ncodegen-units = 1\r\n\r\n[profile.profiling]\r\ninherits = "release"\r\ndebug = 1\r\n',
    );
  });
});

describe('rxfix scan with manifests', () => {
  const scanOpts = (paths: string[], formats: string[]) =>
    ({ paths, formats, outputs: [], failOn: 'never', config: false, cache: false }) as unknown as Parameters<typeof runScan>[0];

  it('merges manifest findings into the sorted JSON output and counts reported manifests', async () => {
    const r = await runScan(scanOpts([path.join(FIX, 'bin-plain')], ['json']), plain);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings.map((f: Finding) => at(f))).toEqual([
      'fixtures/manifests/bin-plain/Cargo.toml:1:1 profiling-profile',
      'fixtures/manifests/bin-plain/Cargo.toml:1:1 release-lto-cgu',
      'fixtures/manifests/bin-plain/Cargo.toml:1:1 release-panic-abort',
      'fixtures/manifests/bin-plain/src/main.rs:2:13 useless-format',
    ]);
    expect(doc.findings[0].fix).toBeNull();
    expect(doc.summary.files).toBe(2);
  });

  it('prints a code frame from Cargo.toml', async () => {
    const r = await runScan(scanOpts([path.join(FIX, 'workspace/crates/app')], ['pretty']), plain);
    expect(r.stdout).toContain('note[release-lto-cgu]: `codegen-units = 4` in the release profile');
    expect(r.stdout).toContain('  --> fixtures/manifests/workspace/Cargo.toml:12:1\n   |\n12 | codegen-units = 4 # 🚀 fast builds\n   | ^^^^^^^^^^^^^^^^^\n');
  });

  it('feeds tokio features to blocking-in-async: the sleep fix is offered in a tokio `time` workspace', async () => {
    const r = await runScan(scanOpts([path.join(FIX, 'workspace/crates/app')], ['json']), plain);
    const doc = JSON.parse(r.stdout);
    const sleep = doc.findings.find((f: Finding) => f.ruleId === 'blocking-in-async');
    expect(sleep.path).toBe('fixtures/manifests/workspace/crates/app/src/main.rs');
    expect(sleep.fix.tier).toBe('verify');
    expect(sleep.fix.edits.map((e: { text: string }) => e.text)).toEqual(['tokio::time::sleep', '.await']);
  });

  it('leaves a library crate scan unchanged', async () => {
    const r = await runScan(scanOpts([path.join(FIX, 'lib-only')], ['json']), plain);
    expect(JSON.parse(r.stdout).summary).toEqual({ files: 1, findings: 0, byRule: {} });
  });
});
