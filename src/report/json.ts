// The JSON contract of architecture.md ("Output contracts"): keys in a fixed order.
import type { Finding } from '../engine/rule.js';
import type { ScanReport } from './types.js';

export function findingToJson(f: Finding) {
  return {
    ruleId: f.ruleId,
    family: f.family,
    severity: f.severity,
    path: f.path,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    message: f.message,
    help: f.help,
    fix: f.edits
      ? { tier: f.tier, edits: f.edits.map((e) => ({ line: e.line, column: e.column, endLine: e.endLine, endColumn: e.endColumn, text: e.text })) }
      : null,
  };
}

export function byRuleCounts(findings: readonly Finding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const id of [...new Set(findings.map((f) => f.ruleId))].sort()) counts[id] = findings.filter((f) => f.ruleId === id).length;
  return counts;
}

export function formatJson(report: ScanReport): string {
  const doc = {
    version: 1,
    tool: { name: 'rxfix', version: report.version },
    findings: report.findings.map(findingToJson),
    summary: { files: report.files, findings: report.findings.length, byRule: byRuleCounts(report.findings) },
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
