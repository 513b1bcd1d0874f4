// One line a finding: `path:line:col: severity[id]: message`.
import type { Style } from './style.js';
import type { ScanReport } from './types.js';

export function formatShort(report: ScanReport, _s: Style): string {
  return report.findings.map((f) => `${f.path}:${f.line}:${f.column}: ${f.severity}[${f.ruleId}]: ${f.message}\n`).join('');
}
