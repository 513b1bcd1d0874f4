// The real oracle of the gate: writes a candidate set into the scratch copy, runs cargo there,
// logs every run in the journal, and turns interrupts into exit 130.
import { attributeErrorsToEdits, materialize, type Candidate, type SourceFile } from './candidates.js';
import { runCargo, parseTestCounts, type CargoRun } from './cargo.js';
import type { Oracle, Phase, RunResult } from './gate.js';
import { interrupted, type Journal } from './journal.js';
import type { Scratch } from './scratch.js';

export interface CargoOracleOptions {
  scratch: Scratch;
  files: ReadonlyMap<string, SourceFile>;
  all: readonly Candidate[];
  journal: Journal;
  /** `--all-features` or `--features a,b`. */
  featureArgs: string[];
  testTimeoutMs: number;
  signal: AbortSignal;
  /** Called before each run with its phase and ordinal (baseline runs are 0). */
  onRun?: (phase: Phase | 'baseline-check' | 'baseline-test', n: number) => void;
}

const tail = (text: string, lines: number) => text.split('\n').slice(-lines).join('\n');

export class CargoOracle implements Oracle {
  private n = 0;

  constructor(private readonly o: CargoOracleOptions) {}

  /** Set once the baseline test time is known: max(30 s, 5 x baseline) unless --timeout. */
  setTestTimeout(ms: number): void {
    this.o.testTimeoutMs = ms;
  }

  materialize(set: readonly Candidate[]): void {
    const m = materialize(this.o.files, this.o.all, set);
    for (const [rel, text] of m.texts) this.o.scratch.put(rel, text);
  }

  checkArgs(): string[] {
    return ['check', '--workspace', '--all-targets', '--message-format=json', ...this.o.featureArgs];
  }

  /**
   * Tests are built first without a timeout, then run with it, so the timeout measures the tests
   * alone. The build takes every target (benches too, which plain `cargo test` skips), so a passing
   * test run also confirms that the set compiles everywhere.
   */
  testArgs(build: boolean): string[] {
    return build ? ['test', '--workspace', '--no-run', '--all-targets', '--message-format=json', ...this.o.featureArgs] : ['test', '--workspace', '-q', ...this.o.featureArgs];
  }

  async run(kind: 'check' | 'test', set: readonly Candidate[], phase: Phase | 'baseline-check' | 'baseline-test', timeoutMs?: number): Promise<CargoRun> {
    if (this.o.signal.aborted) throw interrupted();
    this.materialize(set);
    const n = phase.startsWith('baseline') ? 0 : ++this.n;
    this.o.onRun?.(phase, n);
    if (kind === 'check') return this.cargo(this.checkArgs(), set, phase, n);
    const build = await this.cargo(this.testArgs(true), set, phase, n);
    if (!build.ok) return build;
    return this.cargo(this.testArgs(false), set, phase, n, timeoutMs);
  }

  private async cargo(args: string[], set: readonly Candidate[], phase: string, n: number, timeoutMs?: number): Promise<CargoRun> {
    const r = await runCargo(args, {
      cwd: this.o.scratch.src,
      env: { CARGO_TARGET_DIR: this.o.scratch.target },
      timeoutMs,
      signal: this.o.signal,
      onGroup: (pgid) => this.o.scratch.setRunning(pgid),
    });
    const outcome = r.interrupted ? 'interrupted' : r.timedOut ? 'timeout' : r.ok ? 'pass' : 'fail';
    this.o.journal.event({
      type: 'cargo',
      n,
      phase,
      command: `cargo ${args.join(' ')}`,
      set: set.map((c) => c.id),
      durationMs: r.durationMs,
      exit: r.exitCode,
      signal: r.signal,
      outcome,
      errors: r.errors.length,
      ...(outcome === 'fail' || outcome === 'timeout' ? { output: tail(failureText(r), 40) } : {}),
    });
    if (r.interrupted) throw interrupted();
    return r;
  }

  async check(set: readonly Candidate[], phase: Phase): Promise<RunResult> {
    return toResult(await this.run('check', set, phase));
  }

  async test(set: readonly Candidate[], phase: Phase): Promise<RunResult> {
    return toResult(await this.run('test', set, phase, this.o.testTimeoutMs));
  }

  attribute(set: readonly Candidate[], result: RunResult): Set<number> {
    const m = materialize(this.o.files, this.o.all, set);
    return attributeErrorsToEdits(result.errors, m, (f) => this.o.scratch.relOf(f)).ids;
  }
}

function toResult(r: CargoRun): RunResult {
  return { ok: r.ok, errors: r.errors, timedOut: r.timedOut, counts: parseTestCounts(r.stdout) };
}

/** What a user needs to see of a failed run: rendered compiler errors, else test output and stderr. */
export function failureText(r: CargoRun): string {
  if (r.errors.length > 0) return r.errors.map((e) => e.rendered.trimEnd()).join('\n\n');
  const testOut = r.stdout
    .split('\n')
    .filter((l) => !l.startsWith('{"reason"'))
    .join('\n')
    .trim();
  const err = r.stderr
    .split('\n')
    .filter((l) => !/^\s*(Compiling|Checking|Finished|Running|Doc-tests|Blocking|Locking|Adding)\b/.test(l))
    .join('\n')
    .trim();
  return [testOut, err].filter(Boolean).join('\n');
}
