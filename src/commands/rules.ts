// `rxfix rules` (a table or JSON of every rule) and `rxfix explain <id>` (its docs and example).
import type { RuleDef } from '../engine/rule.js';
import { resolveRuleId } from '../engine/select.js';
import { RxfixError } from '../errors.js';
import type { Style } from '../report/style.js';

export function rulesJson(rules: readonly RuleDef[]): string {
  const list = [...rules]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((r) => ({ id: r.id, family: r.family, severity: r.severity, tier: r.tier, clippy: r.clippy }));
  return JSON.stringify(list, null, 2) + '\n';
}

/** cli-table3 (~25 ms to import) is loaded only here. */
export async function rulesTable(rules: readonly RuleDef[], style: Style): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const table = new Table({
    head: ['id', 'family', 'tier', 'clippy equivalent'],
    style: { head: [], border: [] },
  });
  const sorted = [...rules].sort((a, b) => (a.family < b.family ? -1 : a.family > b.family ? 1 : a.id < b.id ? -1 : 1));
  for (const r of sorted) table.push([r.id, r.family, r.tier, r.clippy ?? '—']);
  return `${table.toString()}\n${rules.length} rules; \`rxfix explain <id>\` shows one\n`;
}

export function explain(rules: readonly RuleDef[], id: string, style: Style): string {
  const r = resolveRuleId(rules, id);
  if (!r) throw new RxfixError(`error: unknown rule \`${id}\`; run \`rxfix rules\` for the list`);
  const lines = [
    style.bold(`${r.id}`) + ` (${r.family}, ${r.severity}, tier ${r.tier}${r.clippy ? `, same as ${r.clippy}` : ''})`,
    ...(r.aliases?.length ? [`also known as: ${r.aliases.join(', ')}`] : []),
    '',
    r.message,
    '',
    r.docs,
    '',
    style.bold('help') + `: ${r.help}`,
  ];
  if (r.example.before) {
    lines.push('', style.bold('before:'), indent(r.example.before), '', style.bold('after:'), indent(r.example.after));
  }
  return lines.join('\n') + '\n';
}

function indent(code: string): string {
  return code
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
