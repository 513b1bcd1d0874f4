// Crash safety of `rxfix apply --verify`: a real run on a small two-file crate is interrupted (SIGINT,
// SIGKILL or SIGTERM) at random moments (seeded, so the moments are the same on every run). Before the final
// write phase the tree must be byte-identical; once it began, every file is wholly old or new.
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cleanupTemp, copyCrate, hashTree, ONLY, reapScratch, scratchDirs, tempDir } from './helpers/crates.js';
import { mulberry32 } from '../src/bench/stats.js';

const scratchBase = tempDir('scratch-interrupt');
const reports = tempDir('reports');
const DELAY_MS = 150; // pause before each rename of the write phase, so kills can land inside it
const env = { RXFIX_SCRATCH_DIR: scratchBase, RXFIX_WRITE_PHASE_DELAY_MS: String(DELAY_MS), NO_COLOR: '1' };

afterAll(() => {
  reapScratch(scratchBase);
  cleanupTemp();
});


interface Attempt {
  code: number | null;
  signal: string | null;
  stderr: string;
  ms: number;
}

function start(crate: string, report: string, killAt: (child: ReturnType<typeof execa>, stderr: () => string) => void): Promise<Attempt> {
  const t0 = Date.now();
  const child = execa(process.execPath, [BIN, 'apply', '--verify', ...ONLY, '--report', report], { cwd: crate, env, reject: false, stdin: 'ignore' });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += String(d)));
  killAt(child, () => err);
  return child.then((r) => ({ code: r.exitCode ?? null, signal: r.signal ?? null, stderr: err, ms: Date.now() - t0 }));
}

/** The journal of the run that used `report` (null when it was killed before writing one). */
function journalOf(report: string): { writeBegan: boolean; tmps: string[] } | null {
  for (const d of scratchDirs(scratchBase)) {
    const file = path.join(d, 'events.jsonl');
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    const events = lines.flatMap((l) => {
      try {
        return [JSON.parse(l)];
      } catch {
        return [];
      }
    });
    if (!events[0] || events[0].type !== 'start' || !events[0].argv.includes(report)) return null;
    const begin = events.find((e) => e.type === 'write-begin');
    return { writeBegan: Boolean(begin), tmps: begin ? begin.files.map((f: { tmp: string }) => f.tmp) : [] };
  }
  return null;
}

describe('apply --verify interrupted', () => {
  it('leaves the tree byte-identical, or (once the write phase began) every file wholly old or new', async () => {
    const crate = copyCrate('interrupt');
    const original = new Map([...hashTree(crate, [])].map(([rel]) => [rel, readFileSync(path.join(crate, rel))]));
    const oldHashes = hashTree(crate, []);
    const restore = () => {
      for (const rel of hashTree(crate, [])) if (!original.has(rel[0])) rmSync(path.join(crate, rel[0]), { force: true });
      rmSync(path.join(crate, 'rxfix.out'), { recursive: true, force: true });
      for (const [rel, bytes] of original) writeFileSync(path.join(crate, rel), bytes);
    };

    // Reference runs: the first builds the scratch copy, the second (warm) gives the run length.
    const ref1 = await start(crate, path.join(reports, 'ref1.json'), () => {});
    expect(ref1.code).toBe(0);
    const newHashes = hashTree(crate, ['rxfix.out']);
    const changed = [...oldHashes.keys()].filter((k) => newHashes.get(k) !== oldHashes.get(k)).sort();
    expect(changed).toEqual(['src/lib.rs', 'src/util.rs']);
    restore();
    const ref2 = await start(crate, path.join(reports, 'ref2.json'), () => {});
    expect(ref2.code).toBe(0);
    const runMs = ref2.ms;

    const check = (label: string, a: Attempt, report: string) => {
      const j = journalOf(report);
      const now = hashTree(crate, ['rxfix.out']);
      if (!j?.writeBegan) {
        expect(now, `${label}: tree must be byte-identical before the write phase`).toEqual(oldHashes);
        if (a.code === 130) expect(a.stderr).toContain('interrupted; your files are unchanged');
        return { writeBegan: false, tmps: [] as string[] };
      }
      for (const [rel, h] of oldHashes) {
        expect([h, newHashes.get(rel)], `${label}: ${rel} is wholly old or new`).toContain(now.get(rel));
      }
      const extra = [...now.keys()].filter((k) => !oldHashes.has(k));
      for (const e of extra) expect(j.tmps, `${label}: only temp files of the write phase may be left`).toContain(path.join(crate, e));
      return j;
    };

    const rand = mulberry32(0x5eed);
    let beforeWrite = 0;
    let duringOrAfter = 0;
    for (let i = 0; i < 12; i++) {
      restore();
      const sig = (['SIGINT', 'SIGKILL', 'SIGTERM'] as const)[i % 3]!;
      const at = Math.round(rand() * runMs * 1.05);
      const report = path.join(reports, `r${i}.json`);
      const a = await start(crate, report, (child) => setTimeout(() => child.kill(sig), at));
      const j = check(`#${i} ${sig} at ${at}ms`, a, report);
      console.log(`#${i} ${sig} at ${at}ms of ${runMs}ms: exit ${a.code ?? a.signal}, write phase ${j.writeBegan ? 'began' : 'not begun'}`);
      if (j.writeBegan) duringOrAfter++;
      else beforeWrite++;
      if (sig !== 'SIGKILL') expect([0, 130, null]).toContain(a.code);
    }
    expect(beforeWrite).toBeGreaterThanOrEqual(6);

    // Two kills placed inside the write phase (between the two renames).
    restore();
    const killReport = path.join(reports, 'kill-write.json');
    const killed = await start(crate, killReport, (child, err) => {
      const poll = setInterval(() => {
        if (err().includes('rxfix: writing 2 files')) {
          clearInterval(poll);
          setTimeout(() => child.kill('SIGKILL'), DELAY_MS + DELAY_MS / 2);
        }
      }, 10);
    });
    expect(killed.signal).toBe('SIGKILL');
    const j = check('SIGKILL in the write phase', killed, killReport);
    expect(j.writeBegan).toBe(true);
    const now = hashTree(crate, ['rxfix.out']);
    expect(now.get('src/lib.rs')).toBe(newHashes.get('src/lib.rs'));
    expect(now.get('src/util.rs')).toBe(oldHashes.get('src/util.rs'));
    const leftover = readdirSync(path.join(crate, 'src')).filter((n) => n.endsWith('.tmp'));
    expect(leftover).toHaveLength(1);

    // The next run removes the temp file the killed write phase left (recorded in its journal).
    const next = await start(crate, path.join(reports, 'after-kill.json'), () => {});
    expect(next.code).toBe(0);
    expect(next.stderr).toContain('left by an interrupted rxfix write of');
    expect(readdirSync(path.join(crate, 'src')).filter((n) => n.endsWith('.tmp'))).toEqual([]);

    restore();
    const intReport = path.join(reports, 'int-write.json');
    const interrupted = await start(crate, intReport, (child, err) => {
      const poll = setInterval(() => {
        if (err().includes('rxfix: writing 2 files')) {
          clearInterval(poll);
          setTimeout(() => child.kill('SIGINT'), DELAY_MS / 2);
        }
      }, 10);
    });
    // SIGINT during the write phase is deferred: the phase completes, then exit 130.
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toContain('interrupted during the final write; every file was written in full');
    expect(hashTree(crate, ['rxfix.out'])).toEqual(newHashes);
  }, 600_000);
});
