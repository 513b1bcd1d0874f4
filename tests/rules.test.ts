// One generic tester over fixtures/rules/<id>/{valid.rs, invalid.rs, invalid.fixed.rs, invalid.findings}.
// invalid.findings lists the expected findings, one `LINE:COLUMN` per line (`#` starts a comment).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { countSyntaxErrors } from '../src/fix/fixpoint.js';
import { fixAll, ruleSetOf, scan } from './helpers/engine.js';

const root = path.resolve(__dirname, '../fixtures/rules');
const dirs = readdirSync(root).filter((d) => existsSync(path.join(root, d, 'invalid.rs'))).sort();
const read = (id: string, f: string) => readFileSync(path.join(root, id, f), 'utf8');

function expectedFindings(id: string): string[] {
  return read(id, 'invalid.findings')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}

describe('rule fixtures', () => {
  it('every built-in rule has a fixture folder', () => {
    const missing = builtinRules.filter((r) => r.query && !dirs.includes(r.id)).map((r) => r.id);
    expect(missing).toEqual([]);
  });

  for (const id of dirs) {
    describe(id, () => {
      const rule = builtinRules.find((r) => r.id === id);
      it('names a built-in rule', () => expect(rule).toBeDefined());
      if (!rule) return;

      it('reports nothing in valid.rs', async () => {
        const rules = await ruleSetOf([id]);
        expect(scan(read(id, 'valid.rs'), rules).map((f) => `${f.line}:${f.column}`)).toEqual([]);
      });

      it('reports exactly the expected findings in invalid.rs', async () => {
        const rules = await ruleSetOf([id]);
        const got = scan(read(id, 'invalid.rs'), rules).map((f) => `${f.line}:${f.column}`);
        expect(got).toEqual(expectedFindings(id));
      });

      it('fixes invalid.rs into invalid.fixed.rs', async () => {
        const rules = await ruleSetOf([id]);
        expect(fixAll(read(id, 'invalid.rs'), rules)).toBe(read(id, 'invalid.fixed.rs'));
      });

      it('fixed text parses, re-scans clean of fixable findings, and is a fixpoint', async () => {
        const rules = await ruleSetOf([id]);
        const invalid = read(id, 'invalid.rs');
        const fixed = fixAll(invalid, rules);
        expect(countSyntaxErrors(fixed)).toBeLessThanOrEqual(countSyntaxErrors(invalid));
        const unfixable = scan(invalid, rules).filter((f) => !f.edits).length;
        const after = scan(fixed, rules);
        expect(after.filter((f) => f.edits)).toEqual([]);
        expect(after.length).toBe(unfixable);
        expect(fixAll(fixed, rules)).toBe(fixed);
      });
    });
  }
});
