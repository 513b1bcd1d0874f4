// rustc-style diagnostics: `warning[id]: message`, ` --> path:line:col`, a code frame with carets,
// `= help:` and `= note: same as clippy::x`.
import { LineIndex, scalarCount } from '../engine/positions.js';
import type { Finding } from '../engine/rule.js';
import type { Style } from './style.js';
import type { ScanReport } from './types.js';

function severityLabel(f: Finding, s: Style): string {
  const label = `${f.severity}[${f.ruleId}]`;
  return f.severity === 'error' ? s.red(label) : f.severity === 'warning' ? s.yellow(label) : s.green(label);
}

function expandTabs(text: string): string {
  return text.replace(/\t/g, '    ');
}

export function frame(f: Finding, source: string | undefined, s: Style): string[] {
  const width = String(f.line).length;
  const gutter = ' '.repeat(width);
  const out = [`${gutter}${s.blue('-->')} ${f.path}:${f.line}:${f.column}`];
  if (source === undefined) return out;
  const lines = new LineIndex(source);
  const text = lines.lineText(f.line - 1);
  const lineStart = lines.lineStart(f.line - 1);
  const startCol = scalarCount(source, lineStart, f.start);
  const endIdx = f.endLine === f.line ? f.end : lineStart + text.length;
  const span = Math.max(1, scalarCount(source, f.start, endIdx));
  const before = expandTabs([...text].slice(0, startCol).join(''));
  const marked = expandTabs([...text].slice(startCol, startCol + span).join(''));
  out.push(`${gutter} ${s.blue('|')}`);
  out.push(`${s.blue(String(f.line))} ${s.blue('|')} ${expandTabs(text)}`);
  const carets = '^'.repeat(Math.max(1, [...marked].length));
  const colour = f.severity === 'error' ? s.red : f.severity === 'warning' ? s.yellow : s.green;
  out.push(`${gutter} ${s.blue('|')} ${' '.repeat([...before].length)}${colour(carets)}`);
  out.push(`${gutter} ${s.blue('|')}`);
  return out;
}

export function formatPretty(report: ScanReport, s: Style): string {
  const blocks: string[] = [];
  for (const f of report.findings) {
    const width = String(f.line).length;
    const gutter = ' '.repeat(width);
    const lines = [`${s.bold(severityLabel(f, s))}${s.bold(`: ${f.message}`)}`, ...frame(f, report.sources.get(f.path), s)];
    lines.push(`${gutter} ${s.blue('=')} ${s.bold('help')}: ${f.help}`);
    if (f.edits) lines.push(`${gutter} ${s.blue('=')} ${s.bold('fix')}: ${fixLabel(f)}`);
    if (f.clippy) lines.push(`${gutter} ${s.blue('=')} ${s.bold('note')}: same as ${f.clippy}`);
    blocks.push(lines.join('\n'));
  }
  blocks.push(summaryLine(report, s));
  return blocks.join('\n\n') + '\n';
}

function fixLabel(f: Finding): string {
  return f.tier === 'safe' ? 'safe, applied by `rxfix apply`' : 'kept only if cargo agrees, applied by `rxfix apply --verify`';
}

export function summaryLine(report: ScanReport, s: Style): string {
  const n = report.findings.length;
  const files = `${report.files} file${report.files === 1 ? '' : 's'}`;
  if (n === 0) return `${s.bold('rxfix')}: no findings in ${files}`;
  const safe = report.findings.filter((f) => f.edits && f.tier === 'safe').length;
  const verify = report.findings.filter((f) => f.edits && f.tier === 'verify').length;
  const parts = [`${n} finding${n === 1 ? '' : 's'} in ${files}`];
  if (safe) parts.push(`${safe} fixable with \`rxfix apply\``);
  if (verify) parts.push(`${verify} more with \`rxfix apply --verify\``);
  return `${s.bold('rxfix')}: ${parts.join('; ')}`;
}
