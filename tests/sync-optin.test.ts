// Guided (opt-in) fixes of the sync family: off by default, tier verify when named in --only.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixAll, ruleSetOf, scan } from './helpers/engine.js';

const dir = path.resolve(__dirname, '../fixtures/rules/mutex-hashmap');
const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');

describe('mutex-hashmap guided DashMap fix', () => {
  it('offers no fix unless the rule is opted into', async () => {
    const rules = await ruleSetOf(['mutex-hashmap']);
    const findings = scan(read('optin.rs'), rules);
    expect(findings.map((f) => `${f.line}:${f.column}`)).toEqual(['5:12', '6:14', '24:15']);
    expect(findings.every((f) => f.edits === null && f.tier === 'report-only')).toBe(true);
    expect(fixAll(read('optin.rs'), rules)).toBe(read('optin.rs'));
  });

  it('with --only, rewrites type, import, constructor and simple lock sites at tier verify', async () => {
    const rules = await ruleSetOf(['mutex-hashmap']);
    const opts = { optIn: new Set(['mutex-hashmap']) };
    const findings = scan(read('optin.rs'), rules, opts);
    // the BTreeMap keeps its ordered iteration: reported, never rewritten
    expect(findings.map((f) => [f.line, f.tier, f.edits !== null])).toEqual([
      [5, 'verify', true],
      [6, 'report-only', false],
      [24, 'verify', true],
    ]);
    const fixed = fixAll(read('optin.rs'), rules, opts);
    expect(fixed).toBe(read('optin.fixed.rs'));
    expect(fixAll(fixed, rules, opts)).toBe(fixed);
  });

  it('never rewrites tokio locks or statics', async () => {
    const rules = await ruleSetOf(['mutex-hashmap']);
    const src = 'use std::collections::HashMap;\nuse std::sync::Mutex;\nstruct S { m: tokio::sync::Mutex<HashMap<u8, u8>> }\nstatic M: Mutex<HashMap<u8, u8>> = Mutex::new(HashMap::new());\n';
    const findings = scan(src, rules, { optIn: new Set(['mutex-hashmap']) });
    expect(findings.length).toBe(2);
    expect(findings.every((f) => f.edits === null)).toBe(true);
  });
});
