// GitHub Actions workflow commands: one `::warning file=…,line=…::message` a finding.
import type { ScanReport } from './types.js';

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function formatGithub(report: ScanReport): string {
  return report.findings
    .map((f) => {
      const level = f.severity === 'note' ? 'notice' : f.severity;
      const props = [`file=${escapeProperty(f.path)}`, `line=${f.line}`, `col=${f.column}`, `endLine=${f.endLine}`, `endColumn=${f.endColumn}`, `title=${escapeProperty(`rxfix ${f.ruleId}`)}`];
      return `::${level} ${props.join(',')}::${escapeData(`${f.message} (help: ${f.help})`)}\n`;
    })
    .join('');
}
