// Guided fixes that need a crate (RuleDef.fixDependencies, e.g. mutex-hashmap's DashMap rewrite):
// `cargo add` runs in the scratch copy before the baseline, so the gate judges the fix with the
// crate present; the manifests it changed are written back only when such a fix is kept.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Candidate } from './candidates.js';
import { runCargo } from './cargo.js';
import type { Journal, PlannedWrite } from './journal.js';
import { sha256 } from './journal.js';

export interface DependencyPlan {
  /** Member folder relative to the workspace root ('' for the root package). */
  memberRel: string;
  deps: string[];
  candidateIds: number[];
}

/** Groups the candidates that need crates by the workspace member holding their file. */
export function planDependencies(cands: readonly Candidate[], depsOf: (ruleId: string) => readonly string[] | undefined, memberRels: readonly string[]): DependencyPlan[] {
  const byMember = new Map<string, DependencyPlan>();
  const longestFirst = [...memberRels].sort((a, b) => b.length - a.length);
  for (const c of cands) {
    const deps = depsOf(c.ruleId);
    if (!deps || deps.length === 0) continue;
    const member = longestFirst.find((m) => m === '' || c.rel.startsWith(`${m}/`)) ?? '';
    const plan = byMember.get(member) ?? { memberRel: member, deps: [], candidateIds: [] };
    for (const d of deps) if (!plan.deps.includes(d)) plan.deps.push(d);
    plan.candidateIds.push(c.id);
    byMember.set(member, plan);
  }
  return [...byMember.values()].sort((a, b) => (a.memberRel < b.memberRel ? -1 : 1));
}

export interface AddedDependencies {
  /** Plans whose `cargo add` failed: their candidates cannot be verified. */
  failed: { plan: DependencyPlan; output: string }[];
  /** Manifest files `cargo add` may change, with the user's bytes' hash before the run. */
  manifests: { rel: string; userHash: string }[];
}

/** Runs `cargo add` for each plan in the scratch copy (`scratchSrc` mirrors `root`). */
export async function addDependencies(plans: readonly DependencyPlan[], root: string, scratchSrc: string, journal: Journal | null, signal?: AbortSignal): Promise<AddedDependencies> {
  const out: AddedDependencies = { failed: [], manifests: [] };
  for (const plan of plans) {
    const cwd = path.join(scratchSrc, plan.memberRel);
    const run = await runCargo(['add', ...plan.deps], { cwd, signal });
    journal?.event({ type: 'cargo-add', member: plan.memberRel || '.', deps: plan.deps, exit: run.exitCode, ok: run.exitCode === 0 });
    if (run.exitCode !== 0) {
      out.failed.push({ plan, output: `${run.stdout}${run.stderr}` });
      continue;
    }
    for (const rel of [path.posix.join(plan.memberRel, 'Cargo.toml'), 'Cargo.lock']) {
      const user = path.join(root, rel);
      if (existsSync(user) && !out.manifests.some((m) => m.rel === rel)) out.manifests.push({ rel, userHash: sha256(readFileSync(user)) });
    }
  }
  return out;
}

/** The manifest writes owed to kept candidates that needed a crate. */
export function dependencyWrites(plans: readonly DependencyPlan[], kept: readonly Candidate[], added: AddedDependencies, root: string, scratchSrc: string, shown: (abs: string) => string): PlannedWrite[] {
  const keptIds = new Set(kept.map((c) => c.id));
  const needed = plans.filter((p) => p.candidateIds.some((id) => keptIds.has(id)) && !added.failed.some((f) => f.plan === p));
  if (needed.length === 0) return [];
  const rels = new Set(['Cargo.lock', ...needed.map((p) => path.posix.join(p.memberRel, 'Cargo.toml'))]);
  return added.manifests
    .filter((m) => rels.has(m.rel))
    .map((m) => ({ abs: path.join(root, m.rel), path: shown(path.join(root, m.rel)), text: readFileSync(path.join(scratchSrc, m.rel), 'utf8'), scannedHash: m.userHash }));
}
