// Bench targets from `cargo metadata` (name, source) and the manifest (`harness`), the adapter each
// one needs, and building them once per side (`cargo bench --no-run --message-format=json`).
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { RxfixError } from '../errors.js';
import { runProcess } from './exec.js';
import type { AdapterKind, BenchTarget } from './types.js';

interface MetaTarget {
  name: string;
  kind: string[];
  src_path: string;
}
interface MetaPackage {
  name: string;
  manifest_path: string;
  targets: MetaTarget[];
}

/** Which adapter reads a bench's output: from the harness flag and what its source calls. */
export function adapterFor(harness: boolean, source: string): AdapterKind {
  if (harness) return 'libtest';
  if (/\bcriterion_main!/.test(source)) return 'criterion';
  if (/\bdivan::main\s*\(/.test(source)) return 'divan';
  return 'plain';
}

/** `harness` of each `[[bench]]` of a manifest (cargo metadata does not report it). */
export function harnessFlags(manifestText: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  const data = parse(manifestText) as { bench?: { name?: unknown; harness?: unknown }[] };
  for (const b of data.bench ?? []) if (typeof b.name === 'string') out.set(b.name, b.harness !== false);
  return out;
}

export function benchTargetsFromMetadata(metadataJson: string): BenchTarget[] {
  const meta = JSON.parse(metadataJson) as { packages: MetaPackage[]; workspace_members?: string[] };
  const out: BenchTarget[] = [];
  for (const pkg of meta.packages) {
    const benches = pkg.targets.filter((t) => t.kind.includes('bench'));
    if (benches.length === 0) continue;
    const flags = harnessFlags(readFileSync(pkg.manifest_path, 'utf8'));
    for (const t of benches) {
      const harness = flags.get(t.name) ?? true;
      const src = existsSync(t.src_path) ? readFileSync(t.src_path, 'utf8') : '';
      out.push({ name: t.name, packageName: pkg.name, manifestPath: pkg.manifest_path, srcPath: t.src_path, harness, adapter: adapterFor(harness, src) });
    }
  }
  return out.sort((a, b) => a.packageName.localeCompare(b.packageName) || a.name.localeCompare(b.name));
}

export interface Discovered {
  targets: BenchTarget[];
  /** Names of the workspace's own packages (built from source on each side). */
  packages: string[];
  workspaceRoot: string;
}

export async function discoverBenches(crateDir: string, env: NodeJS.ProcessEnv): Promise<Discovered> {
  const manifest = path.join(crateDir, 'Cargo.toml');
  if (!existsSync(manifest)) throw new RxfixError(`error: ${crateDir}: no Cargo.toml here; point rxfix bench at a crate or workspace folder`);
  const r = await runProcess('cargo', ['metadata', '--format-version', '1', '--no-deps', '--manifest-path', manifest], { env, timeoutMs: 120_000 });
  if (r.code !== 0) throw new RxfixError(`error: cargo metadata failed in ${crateDir}: ${lastLine(r.stderr || r.spawnError || '')}`);
  const meta = JSON.parse(r.stdout) as { packages: { name: string }[]; workspace_root: string };
  return { targets: benchTargetsFromMetadata(r.stdout), packages: meta.packages.map((p) => p.name), workspaceRoot: meta.workspace_root };
}

/**
 * Forget cargo's fingerprints of the workspace's own packages in a target dir. Cargo's fingerprint
 * of a path package does not include the package's folder, so a target dir last used for another
 * copy of the crate (the other side, a seeded copy, an earlier candidate) would count as fresh and
 * hand back the other side's binary. Dependencies keep their fingerprints and are not rebuilt.
 */
export function forgetLocalFingerprints(targetDir: string, packages: readonly string[]): void {
  if (!existsSync(targetDir)) return;
  for (const profile of readdirSync(targetDir, { withFileTypes: true })) {
    if (!profile.isDirectory()) continue;
    const fp = path.join(targetDir, profile.name, '.fingerprint');
    if (!existsSync(fp)) continue;
    for (const e of readdirSync(fp)) {
      const m = /^(.+)-[0-9a-f]{16}$/.exec(e);
      if (m && packages.includes(m[1]!)) rmSync(path.join(fp, e), { recursive: true, force: true });
    }
  }
}

/** Identity of a bench target that is the same on both sides: manifest path relative to the crate, and name. */
export function targetKey(crateDir: string, manifestPath: string, name: string): string {
  return `${path.relative(crateDir, manifestPath).split(path.sep).join('/')}#${name}`;
}

/** Bench executables by target key, from cargo's JSON messages. */
export function benchExecutables(messages: string, crateDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of messages.split('\n')) {
    if (!line.startsWith('{')) continue;
    let m: { reason?: string; target?: { name: string; kind: string[] }; executable?: string | null; manifest_path?: string };
    try {
      m = JSON.parse(line);
    } catch {
      continue;
    }
    if (m.reason === 'compiler-artifact' && m.executable && m.target?.kind.includes('bench')) out.set(targetKey(crateDir, m.manifest_path ?? '', m.target.name), m.executable);
  }
  return out;
}

export async function buildBenches(crateDir: string, targetDir: string, env: NodeJS.ProcessEnv, label: string, timeoutMs: number, signal?: AbortSignal): Promise<Map<string, string>> {
  const r = await runProcess('cargo', ['bench', '--no-run', '--message-format=json', '--manifest-path', path.join(crateDir, 'Cargo.toml')], {
    env: { ...env, CARGO_TARGET_DIR: targetDir },
    timeoutMs,
    ...(signal ? { signal } : {}),
  });
  if (r.timedOut) throw new RxfixError(`error: building the ${label} benches took longer than ${Math.round(timeoutMs / 1000)} s`);
  if (r.code !== 0) {
    const firstError = r.stdout
      .split('\n')
      .map((l) => {
        try {
          const m = JSON.parse(l) as { reason?: string; message?: { level?: string; rendered?: string } };
          return m.reason === 'compiler-message' && m.message?.level === 'error' ? m.message.rendered?.split('\n')[0] : undefined;
        } catch {
          return undefined;
        }
      })
      .find(Boolean);
    throw new RxfixError(`error: the ${label} benches do not build: ${firstError ?? lastLine(r.stderr || r.spawnError || '')}`);
  }
  return benchExecutables(r.stdout, crateDir);
}

export function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '(no output)';
}
