// Shared start of every command that scans: config, rules (built-in + user), compiled rule set.
import path from 'node:path';
import { builtinRules } from '../../rules/index.js';
import { checkRuleIds, emptyConfig, findConfig, loadConfig, type Config } from '../config/load.js';
import { loadUserRules } from '../config/user-rules.js';
import { loadRust } from '../engine/parser.js';
import { compileRuleSet, type RuleSet } from '../engine/registry.js';
import type { RuleDef, Severity } from '../engine/rule.js';
import { resolveRuleId, selectRules } from '../engine/select.js';
import { RxfixError } from '../errors.js';

/** The built-in rules: validated by the tests, not at every start. */
const BUILTIN: ReadonlySet<RuleDef> = new Set(builtinRules);

export interface SetupOptions {
  paths: readonly string[];
  config?: string | false;
  only?: readonly string[];
  skip?: readonly string[];
  /**
   * Leave loading the grammar to whoever parses (engine/scan.ts does, once it knows how much it
   * parses: parser.ts preferQuickStart), and with it checking user rules' queries (`validate`).
   */
  grammarWhenNeeded?: boolean;
}

export interface Setup {
  config: Config;
  allRules: RuleDef[];
  ruleSet: RuleSet;
  severity: Map<string, Severity>;
  optIn: Set<string>;
  /**
   * With `grammarWhenNeeded`: compiles the user rules' queries (once; a no-op without user rules),
   * throwing the load error of a bad one. Call it right after the grammar is loaded, or before
   * reporting anything when nothing is parsed.
   */
  validate: () => Promise<void>;
}

export function resolveConfig(opts: SetupOptions): Config {
  if (opts.config === false) return emptyConfig(process.cwd());
  if (typeof opts.config === 'string') {
    const file = path.resolve(opts.config);
    try {
      return loadConfig(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new RxfixError(`error: ${opts.config}: config file not found; check --config`);
      throw e;
    }
  }
  const start = opts.paths[0] ?? '.';
  const found = findConfig(start);
  return found ? loadConfig(found) : emptyConfig(process.cwd());
}

export async function setup(opts: SetupOptions): Promise<Setup> {
  const config = resolveConfig(opts);
  const allRules = [...builtinRules, ...(await loadUserRules(config.ruleFiles))];
  checkRuleIds(config, (id) => resolveRuleId(allRules, id) !== undefined);
  const { rules, severity } = selectRules(allRules, { only: opts.only, skip: opts.skip, settings: config.rules });
  // Built-in queries are known to compile; user rules' queries are compiled alone, so a bad one
  // fails at load. The combined Query is then never needed (matching compiles the shape query,
  // shapes.ts), and is built only if asked for.
  const userRules = rules.filter((r) => !builtinRules.includes(r));
  let pending = userRules.length > 0;
  const validate = async () => {
    if (!pending) return;
    pending = false;
    await loadRust();
    compileRuleSet(userRules).query?.delete();
  };
  if (!opts.grammarWhenNeeded) {
    await loadRust();
    await validate();
  }
  const ruleSet = compileRuleSet(rules, { lazyQuery: true, trusted: BUILTIN });
  const optIn = new Set((opts.only ?? []).map((n) => resolveRuleId(allRules, n)?.id).filter((x): x is string => Boolean(x)));
  return { config, allRules, ruleSet, severity, optIn, validate };
}

/** `--only a,b --only c` → [a, b, c]. */
export function splitIds(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
}
