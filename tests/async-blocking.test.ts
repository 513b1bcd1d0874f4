// blocking-in-async's one verify form: std::thread::sleep → tokio::time::sleep(..).await, only
// when the crate depends on tokio with `time` or `full`.
import { describe, expect, it } from 'vitest';
import type { CrateInfo } from '../src/engine/context.js';
import { fixAll, ruleSetOf, scan } from './helpers/engine.js';

const src = `use std::time::Duration;
async fn poll() {
    loop {
        std::thread::sleep(Duration::from_secs(1));
        std::thread::sleep(Duration::from_secs(2)).max(());
    }
}
async fn read() -> Vec<u8> {
    std::fs::read("x").unwrap()
}
`;

const crate = (deps?: Record<string, string[]>): CrateInfo => ({ noStd: false, edition: '2021', dependencies: deps });

describe('blocking-in-async verify form', () => {
  it('rewrites thread::sleep when tokio has the time feature', async () => {
    const rules = await ruleSetOf(['blocking-in-async']);
    for (const features of [['time'], ['full'], ['default', 'rt', 'time']]) {
      const opts = { crate: crate({ tokio: features }) };
      const f = scan(src, rules, opts);
      expect(f.map((x) => [x.line, x.tier])).toEqual([[4, 'verify'], [5, 'verify'], [9, 'report-only']]);
      expect(fixAll(src, rules, opts)).toBe(src
        .replace('std::thread::sleep(Duration::from_secs(1))', 'tokio::time::sleep(Duration::from_secs(1)).await')
        .replace('std::thread::sleep(Duration::from_secs(2))', 'tokio::time::sleep(Duration::from_secs(2)).await'));
    }
  });

  it('stays report-only without tokio, or with tokio lacking `time`', async () => {
    const rules = await ruleSetOf(['blocking-in-async']);
    for (const deps of [undefined, {}, { tokio: ['default', 'rt', 'macros'] }, { 'async-std': ['default'] }]) {
      const opts = { crate: crate(deps) };
      expect(scan(src, rules, opts).every((x) => x.tier === 'report-only' && x.edits === null)).toBe(true);
      expect(fixAll(src, rules, opts)).toBe(src);
    }
  });
});
