// SARIF 2.1.0: rules with help text under tool.driver.rules, results with locations and fixes.
import type { ScanReport } from './types.js';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const LEVEL = { error: 'error', warning: 'warning', note: 'note' } as const;

export function formatSarif(report: ScanReport): string {
  const rules = [...report.rules].sort((a, b) => (a.id < b.id ? -1 : 1));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const doc = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'rxfix',
            version: report.version,
            informationUri: 'https://www.npmjs.com/package/rxfix',
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
              shortDescription: { text: r.message },
              fullDescription: { text: r.docs.split('\n\n')[0]!.replace(/\n/g, ' ') },
              help: { text: `${r.help}\n\n${r.docs}`, markdown: `${r.help}\n\n${r.docs}` },
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { family: r.family, tier: r.tier, ...(r.clippy ? { clippy: r.clippy } : {}) },
            })),
          },
        },
        columnKind: 'unicodeCodePoints',
        results: report.findings.map((f) => ({
          ruleId: f.ruleId,
          ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
          level: LEVEL[f.severity],
          message: { text: `${f.message}. Help: ${f.help}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(f.path) },
                region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
              },
            },
          ],
          ...(f.edits
            ? {
                fixes: [
                  {
                    description: { text: `${f.help} (tier: ${f.tier})` },
                    artifactChanges: [
                      {
                        artifactLocation: { uri: encodeURI(f.path) },
                        replacements: f.edits.map((e) => ({
                          deletedRegion: { startLine: e.line, startColumn: e.column, endLine: e.endLine, endColumn: e.endColumn },
                          insertedContent: { text: e.text },
                        })),
                      },
                    ],
                  },
                ],
              }
            : {}),
          properties: { tier: f.tier, family: f.family },
        })),
      },
    ],
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
