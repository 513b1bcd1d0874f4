// SARIF output validated against the SARIF 2.1.0 JSON schema kept under fixtures/sarif.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { ROOT, rxfix } from './helpers/cli.js';

const schema = JSON.parse(readFileSync(path.join(ROOT, 'fixtures/sarif/sarif-2.1.0-rtm.5.json'), 'utf8'));

describe('SARIF output', () => {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
  const validate = ajv.compile(schema);

  it('validates against the SARIF 2.1.0 schema, with rules, locations and fixes', () => {
    const r = rxfix(['scan', '--format', 'sarif', '--only', 'useless-format,redundant-clone-arg'], { cwd: path.join(ROOT, 'fixtures/scan/basic') });
    const doc = JSON.parse(r.stdout);
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(doc.$schema).toMatch(/sarif-2\.1\.0/);
    const run = doc.runs[0];
    expect(run.tool.driver.rules.map((x: { id: string }) => x.id)).toContain('useless-format');
    for (const rule of run.tool.driver.rules) expect(rule.help.text.length).toBeGreaterThan(20);
    expect(run.results).toHaveLength(4);
    const withFix = run.results.find((x: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }) => x.ruleId === 'useless-format' && x.locations[0].physicalLocation.region.startLine === 9);
    expect(withFix.fixes[0].artifactChanges[0].replacements[0].insertedContent.text).toBe('"ready".to_string()');
  });

  it('rejects a document the schema forbids (the validator can fail)', () => {
    expect(validate({ version: '2.1.0', runs: [{ tool: {} }] })).toBe(false);
  });

  it('is valid with no findings', () => {
    const r = rxfix(['scan', '--format', 'sarif', '--only', 'redundant-clone-arg', 'fixtures/scan/basic/src/names.rs']);
    expect(validate(JSON.parse(r.stdout))).toBe(true);
  });
});
