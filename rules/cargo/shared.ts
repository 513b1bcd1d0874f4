// Helpers for manifest rules: which input is which, where to report, how to insert keys.
import path from 'node:path';
import { TomlLocator } from '../../src/engine/manifest.js';
import type { Edit, ManifestFinding, ManifestInput } from '../../src/engine/rule.js';

const locators = new WeakMap<ManifestInput, TomlLocator>();

export function locate(input: ManifestInput): TomlLocator {
  let l = locators.get(input);
  if (!l) locators.set(input, (l = new TomlLocator(input.source)));
  return l;
}

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A `.cargo/config.toml` (or legacy `.cargo/config`) input rather than a Cargo.toml. */
export function isCargoConfig(input: ManifestInput): boolean {
  return path.basename(path.dirname(input.path)) === '.cargo' && /^config(\.toml)?$/.test(path.basename(input.path));
}

/** The root Cargo.toml whose [profile.*] cargo honours. */
export function isRootManifest(input: ManifestInput): boolean {
  return input.isWorkspaceRoot && path.basename(input.path) === 'Cargo.toml';
}

/** `data.profile.<name>` when present. */
export function profile(input: ManifestInput, name: string): Record<string, unknown> | null {
  const p = isObj(input.data.profile) ? input.data.profile : null;
  return p && isObj(p[name]) ? (p[name] as Record<string, unknown>) : null;
}

/** Where to report about a table: its header, else the `[package]`/`[workspace]` header, else line 1. */
export function anchor(input: ManifestInput, table: string): Pick<ManifestFinding, 'start' | 'end'> {
  const l = locate(input);
  const h = l.header(table) ?? l.header('package') ?? l.header('workspace');
  if (h) return { start: h.start, end: h.end };
  const firstLine = input.source.indexOf('\n');
  return { start: 0, end: firstLine < 0 ? input.source.length : firstLine };
}

function eol(source: string): string {
  return source.includes('\r\n') ? '\r\n' : '\n';
}

/**
 * Edits that add `lines` (e.g. `lto = "fat"`) to `[table]`: after its last key when the table has a
 * header, as a new table at the end of the file when the table does not exist at all. Null when the
 * table exists only as an inline or dotted table (no safe place to insert).
 */
export function insertIntoTable(input: ManifestInput, table: string, lines: string[]): Edit[] | null {
  const l = locate(input);
  const nl = eol(input.source);
  const end = l.tableEnd(table);
  const s = input.source;
  if (end !== null) {
    const lead = end === s.length && !s.endsWith('\n') ? nl : '';
    return [{ start: end, end, text: lead + lines.map((x) => x + nl).join('') }];
  }
  const parts = table.split('.');
  let exists = true;
  let cur: unknown = input.data;
  for (const p of parts) {
    if (!isObj(cur) || !(p in cur)) {
      exists = false;
      break;
    }
    cur = cur[p];
  }
  if (exists) return null;
  const sep = s.length === 0 ? '' : s.endsWith(`${nl}${nl}`) || s.endsWith('\n\n') ? '' : s.endsWith('\n') ? nl : nl + nl;
  return [{ start: s.length, end: s.length, text: `${sep}[${table}]${nl}${lines.map((x) => x + nl).join('')}` }];
}

/** `rust-version` of the package (or workspace.package) as [major, minor], or null. */
export function rustVersion(input: ManifestInput): [number, number] | null {
  const pkg = isObj(input.data.package) ? input.data.package : null;
  const ws = isObj(input.data.workspace) && isObj(input.data.workspace.package) ? input.data.workspace.package : null;
  const v = (pkg && typeof pkg['rust-version'] === 'string' ? pkg['rust-version'] : null) ?? (ws && typeof ws['rust-version'] === 'string' ? ws['rust-version'] : null);
  const m = v ? /^(\d+)\.(\d+)/.exec(v) : null;
  return m ? [Number(m[1]), Number(m[2])] : null;
}
