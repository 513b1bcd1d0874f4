// rxfix.toml: found by walking up from the scanned path to the repository root; validated with
// the file, line and key at fault (exit 2), never half-applied.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { RxfixError } from '../errors.js';
import type { Severity } from '../engine/rule.js';
import { SEVERITIES } from '../engine/rule.js';

export const CONFIG_FILE = 'rxfix.toml';

export interface RuleSetting {
  enabled?: boolean;
  severity?: Severity;
}

export interface Config {
  /** Absolute path of the file, or null when none was found. */
  file: string | null;
  dir: string;
  rules: Map<string, RuleSetting>;
  /** Line of each [rules] entry, for errors found after the rule set is known. */
  ruleLines: Map<string, number>;
  ignore: string[];
  ruleFiles: string[];
  includeTests: boolean;
  cacheDir: string | null;
}

const TOP_KEYS = new Set(['rules', 'ignore', 'rule-files', 'include-tests', 'cache-dir']);

export function emptyConfig(dir: string): Config {
  return { file: null, dir, rules: new Map(), ruleLines: new Map(), ignore: [], ruleFiles: [], includeTests: false, cacheDir: null };
}

/** Nearest rxfix.toml from `start` upwards, stopping at the repository root (a folder with .git). */
export function findConfig(start: string): string | null {
  let dir = path.resolve(start);
  if (!isDirectory(dir)) dir = path.dirname(dir);
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (existsSync(path.join(dir, '.git'))) return null;
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** 1-based line where `key` is written (as a key or a table header), for error messages. */
export function lineOfKey(source: string, key: string): number {
  const lines = source.split(/\r?\n/);
  const esc = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^\\s*(\\[\\s*)?(rules\\.)?("?)${esc}\\3\\s*(=|\\]|\\.)`);
  const i = lines.findIndex((l) => re.test(l));
  return i < 0 ? 1 : i + 1;
}

function configError(file: string, line: number, what: string): never {
  throw new RxfixError(`error: ${path.relative(process.cwd(), file) || file}:${line}: ${what}`);
}

export function loadConfig(file: string): Config {
  const source = readFileSync(file, 'utf8');
  let data: Record<string, unknown>;
  try {
    data = parse(source) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) configError(file, e.line, `invalid TOML: ${e.message.split('\n')[0]}; fix the syntax`);
    throw e;
  }
  const config = emptyConfig(path.dirname(file));
  config.file = file;
  for (const key of Object.keys(data)) {
    if (!TOP_KEYS.has(key)) configError(file, lineOfKey(source, key), `unknown key \`${key}\`; expected one of ${[...TOP_KEYS].join(', ')}`);
  }
  const strings = (key: string): string[] => {
    const v = data[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) configError(file, lineOfKey(source, key), `\`${key}\` must be an array of strings`);
    return v as string[];
  };
  config.ignore = strings('ignore');
  config.ruleFiles = strings('rule-files').map((f) => path.resolve(config.dir, f));
  if (data['include-tests'] !== undefined) {
    if (typeof data['include-tests'] !== 'boolean') configError(file, lineOfKey(source, 'include-tests'), '`include-tests` must be true or false');
    config.includeTests = data['include-tests'] as boolean;
  }
  if (data['cache-dir'] !== undefined) {
    if (typeof data['cache-dir'] !== 'string') configError(file, lineOfKey(source, 'cache-dir'), '`cache-dir` must be a string');
    config.cacheDir = path.resolve(config.dir, data['cache-dir'] as string);
  }
  const rules = data.rules ?? {};
  if (typeof rules !== 'object' || Array.isArray(rules)) configError(file, lineOfKey(source, 'rules'), '`rules` must be a table');
  for (const [id, value] of Object.entries(rules as Record<string, unknown>)) {
    const line = lineOfKey(source, id);
    config.ruleLines.set(id, line);
    config.rules.set(id, parseRuleSetting(file, line, id, value));
  }
  return config;
}

function parseRuleSetting(file: string, line: number, id: string, value: unknown): RuleSetting {
  if (typeof value === 'string') {
    if (value === 'off') return { enabled: false };
    if (value === 'on') return { enabled: true };
    if ((SEVERITIES as readonly string[]).includes(value)) return { enabled: true, severity: value as Severity };
    configError(file, line, `rule \`${id}\`: \`${value}\` must be "on", "off", "error", "warning" or "note"`);
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const out: RuleSetting = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'enabled' && typeof v === 'boolean') out.enabled = v;
      else if (k === 'severity' && typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v)) out.severity = v as Severity;
      else configError(file, lineOfKey(readFileSync(file, 'utf8'), k), `rule \`${id}\`: invalid \`${k}\` (expected enabled = true|false, severity = "error"|"warning"|"note")`);
    }
    return out;
  }
  configError(file, line, `rule \`${id}\`: expected a string or a table`);
}

/** Fails with the file and line of the first [rules] entry that names no known rule. */
export function checkRuleIds(config: Config, known: (id: string) => boolean): void {
  for (const [id, line] of config.ruleLines) {
    if (!known(id)) configError(config.file!, line, `unknown rule \`${id}\` in [rules]; run \`rxfix rules\` for the list`);
  }
}
