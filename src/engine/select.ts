// Choosing the rules of a run: built-in + user rules, rxfix.toml on/off, --only / --skip.
import { RxfixError } from '../errors.js';
import type { RuleDef, Severity } from './rule.js';

export interface Selection {
  only?: readonly string[];
  skip?: readonly string[];
  /** From rxfix.toml: explicit enables/disables and severity overrides. */
  settings?: ReadonlyMap<string, { enabled?: boolean; severity?: Severity }>;
}

export function resolveRuleId(all: readonly RuleDef[], name: string): RuleDef | undefined {
  return all.find((r) => r.id === name || (r.aliases ?? []).includes(name));
}

function resolveAll(all: readonly RuleDef[], names: readonly string[], flag: string): Set<string> {
  const ids = new Set<string>();
  for (const name of names) {
    const rule = resolveRuleId(all, name);
    if (!rule) throw new RxfixError(`error: unknown rule \`${name}\` in ${flag}; run \`rxfix rules\` for the list`);
    ids.add(rule.id);
  }
  return ids;
}

export function selectRules(all: readonly RuleDef[], sel: Selection): { rules: RuleDef[]; severity: Map<string, Severity> } {
  const only = sel.only && sel.only.length > 0 ? resolveAll(all, sel.only, '--only') : null;
  const skip = resolveAll(all, sel.skip ?? [], '--skip');
  const severity = new Map<string, Severity>();
  const rules = all.filter((r) => {
    const setting = sel.settings?.get(r.id) ?? (r.aliases ?? []).map((a) => sel.settings?.get(a)).find(Boolean);
    if (setting?.severity) severity.set(r.id, setting.severity);
    if (skip.has(r.id)) return false;
    if (only) return only.has(r.id);
    return setting?.enabled !== false;
  });
  return { rules, severity };
}
