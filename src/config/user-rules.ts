// User rules: YAML files named in rxfix.toml (`rule-files`), compiled to the built-in rule shape.
// A fix is a template where `$NAME` is replaced by the text of capture `@NAME`; `$$` is a `$`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RxfixError } from '../errors.js';
import { capturesIn } from '../engine/query-text.js';
import { FAMILIES, SEVERITIES, TIERS, type Family, type RuleDef, type Severity, type Tier } from '../engine/rule.js';

const KEYS = new Set(['id', 'family', 'severity', 'tier', 'clippy', 'message', 'help', 'docs', 'query', 'fix', 'example']);

function userError(file: string, id: string | undefined, what: string): never {
  const where = path.relative(process.cwd(), file) || file;
  throw new RxfixError(`error: ${where}${id ? `: rule \`${id}\`` : ''}: ${what}`);
}

export function templateCaptures(template: string): string[] {
  return [...template.replace(/\$\$/g, '').matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
}

function compileTemplate(template: string): RuleDef['fix'] {
  return (m, ctx) => {
    const text = template.replace(/\$\$|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, name: string | undefined) =>
      name === undefined ? '$' : ctx.text(m.cap(name)),
    );
    return [{ start: m.node.startIndex, end: m.node.endIndex, text }];
  };
}

/** The rules of each file, in order. `yaml` (~40 ms to import) is loaded only when a file is named. */
export async function loadUserRules(files: readonly string[]): Promise<RuleDef[]> {
  if (files.length === 0) return [];
  // `.default`: yaml is CommonJS, and the bundle (scripts/bundle.js) gives a lazy CommonJS chunk no named exports.
  const { parseAllDocuments } = (await import('yaml')).default;
  return files.flatMap((file) => loadRuleFile(file, parseAllDocuments));
}

function loadRuleFile(file: string, parseAllDocuments: typeof import('yaml').parseAllDocuments): RuleDef[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    userError(file, undefined, 'rule file not found; fix `rule-files` in rxfix.toml');
  }
  const docs = parseAllDocuments(text);
  const out: RuleDef[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) userError(file, undefined, `invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
    const raw = doc.toJS() as unknown;
    const items = Array.isArray(raw) ? raw : raw == null ? [] : [raw];
    for (const item of items) out.push(toRule(file, item));
  }
  return out;
}

function toRule(file: string, item: unknown): RuleDef {
  if (typeof item !== 'object' || item === null) userError(file, undefined, 'each rule must be a mapping');
  const r = item as Record<string, unknown>;
  const id = typeof r.id === 'string' ? r.id : undefined;
  if (!id) userError(file, undefined, 'a rule has no `id`');
  for (const key of Object.keys(r)) if (!KEYS.has(key)) userError(file, id, `unknown key \`${key}\``);
  const str = (key: string, required: boolean): string | undefined => {
    const v = r[key];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v.trim() === '') userError(file, id, `\`${key}\` must be a non-empty string`);
    return v;
  };
  const query = str('query', true)!;
  const fixTemplate = str('fix', false);
  const family = (str('family', false) ?? 'alloc') as Family;
  const severity = (str('severity', false) ?? 'warning') as Severity;
  const tier = (str('tier', false) ?? (fixTemplate ? 'verify' : 'report-only')) as Tier;
  if (!FAMILIES.includes(family)) userError(file, id, `family must be one of ${FAMILIES.join(', ')}`);
  if (!SEVERITIES.includes(severity)) userError(file, id, `severity must be one of ${SEVERITIES.join(', ')}`);
  if (!TIERS.includes(tier)) userError(file, id, `tier must be one of ${TIERS.join(', ')}`);
  if (fixTemplate) {
    const captures = capturesIn(query);
    for (const name of templateCaptures(fixTemplate)) {
      if (!captures.has(name)) userError(file, id, `fix uses \`$${name}\` but the query has no capture \`@${name}\``);
    }
  }
  const message = str('message', true)!;
  return {
    id,
    family,
    severity,
    tier,
    clippy: str('clippy', false) ?? null,
    message,
    help: str('help', false) ?? message,
    docs: str('docs', false) ?? message,
    example: { before: '', after: '' },
    query,
    fix: fixTemplate ? compileTemplate(fixTemplate) : undefined,
    source: path.relative(process.cwd(), file) || file,
  };
}
