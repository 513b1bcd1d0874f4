// The journal of a run and the crash-safe final write.
//
// events.jsonl is appended while the run goes (in the scratch folder, so an interrupted run leaves
// nothing in the user's tree) and copied to the --out folder at the end with summary.json and
// final.patch. The final write phase is the only moment the user's files change:
//   1. a durable `write-begin` entry lists every file and its temp name;
//   2. every new text is written to a temp file next to its target and fsynced;
//   3. each temp file is renamed over its target (atomic per file), then `write-end`.
// A SIGKILL before 3 leaves every target old (and temp files that the next run removes, using the
// `write-begin` entry); during 3 each file is wholly old or wholly new. SIGINT/SIGTERM during the
// write phase is deferred until it ends (it takes milliseconds).
import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync, chmodSync, existsSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT, RxfixError } from '../errors.js';

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class Journal {
  private readonly started = Date.now();

  constructor(readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '');
  }

  event(e: Record<string, unknown>, durable = false): void {
    const line = JSON.stringify({ t: Date.now() - this.started, ...e }) + '\n';
    if (!durable) {
      appendFileSync(this.file, line);
      return;
    }
    const fd = openSync(this.file, 'a');
    try {
      writeSync(fd, line);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * Removes temp files a killed write phase left behind (listed in its `write-begin` entry, no
 * `write-end` after it). Returns one warning per file removed.
 */
export function recoverInterruptedWrite(journalFile: string): string[] {
  let text: string;
  try {
    text = readFileSync(journalFile, 'utf8');
  } catch {
    return [];
  }
  let pending: { path: string; tmp: string }[] | null = null;
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const e = JSON.parse(line) as { type?: string; files?: { path: string; tmp: string }[] };
      if (e.type === 'write-begin') pending = e.files ?? [];
      if (e.type === 'write-end') pending = null;
    } catch {
      // a torn last line
    }
  }
  const warnings: string[] = [];
  for (const f of pending ?? []) {
    if (existsSync(f.tmp)) {
      rmSync(f.tmp, { force: true });
      warnings.push(`warning: removed ${f.tmp}, left by an interrupted rxfix write of ${f.path}`);
    }
  }
  return warnings;
}

export interface PlannedWrite {
  /** Absolute path of the user's file. */
  abs: string;
  /** Shown path. */
  path: string;
  text: string;
  /** sha256 of the file's bytes when it was scanned. */
  scannedHash: string;
}

export interface WriteOutcome {
  written: PlannedWrite[];
  /** Files edited by someone else since the scan: left alone. */
  skipped: PlannedWrite[];
}

export interface WriteOptions {
  journal: Journal | null;
  /** Pause between renames (test hook: lets tests land a SIGKILL inside the write phase). */
  delayMs?: number;
  onBegin?: () => void;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function writePhase(plans: readonly PlannedWrite[], opts: WriteOptions): WriteOutcome {
  const skipped: PlannedWrite[] = [];
  const ready: (PlannedWrite & { tmp: string; mode: number })[] = [];
  for (const p of plans) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(p.abs);
    } catch {
      skipped.push(p);
      continue;
    }
    if (sha256(bytes) !== p.scannedHash) {
      skipped.push(p);
      continue;
    }
    const tmp = path.join(path.dirname(p.abs), `.${path.basename(p.abs)}.rxfix-${process.pid}.tmp`);
    ready.push({ ...p, tmp, mode: statSync(p.abs).mode & 0o7777 });
  }
  if (ready.length === 0) return { written: [], skipped };
  opts.onBegin?.();
  opts.journal?.event({ type: 'write-begin', files: ready.map((r) => ({ path: r.abs, tmp: r.tmp, before: r.scannedHash, after: sha256(r.text) })) }, true);
  const created: string[] = [];
  try {
    for (const r of ready) {
      const fd = openSync(r.tmp, 'w', r.mode);
      created.push(r.tmp);
      try {
        writeSync(fd, r.text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      chmodSync(r.tmp, r.mode);
    }
  } catch (e) {
    for (const t of created) rmSync(t, { force: true });
    opts.journal?.event({ type: 'write-end', aborted: String((e as Error).message) }, true);
    throw new RxfixError(`error: cannot write next to ${path.dirname(ready[0]!.abs)} (${(e as NodeJS.ErrnoException).code ?? e}); no file was changed`, EXIT.usage);
  }
  for (const r of ready) {
    if (opts.delayMs) sleepSync(opts.delayMs);
    renameSync(r.tmp, r.abs);
    opts.journal?.event({ type: 'written', path: r.abs });
  }
  opts.journal?.event({ type: 'write-end' }, true);
  return { written: ready, skipped };
}

/** Copies the journal and writes summary.json and final.patch into the --out folder. */
export function publishJournal(outDir: string, journalFile: string, summary: unknown, patch: string): void {
  mkdirSync(outDir, { recursive: true });
  // Keep rxfix's output out of git status (and so out of the next run's dirty check).
  if (!existsSync(path.join(outDir, '.gitignore'))) writeFileSync(path.join(outDir, '.gitignore'), '*\n');
  const put = (name: string, text: string) => {
    const tmp = path.join(outDir, `.${name}.tmp`);
    writeFileSync(tmp, text);
    renameSync(tmp, path.join(outDir, name));
  };
  if (existsSync(journalFile)) {
    copyFileSync(journalFile, path.join(outDir, '.events.jsonl.tmp'));
    renameSync(path.join(outDir, '.events.jsonl.tmp'), path.join(outDir, 'events.jsonl'));
  } else put('events.jsonl', '');
  put('summary.json', JSON.stringify(summary, null, 2) + '\n');
  put('final.patch', patch);
}

/**
 * SIGINT/SIGTERM for the length of a run: the first one aborts `signal` (cargo groups are killed
 * and the run unwinds with exit 130), unless the write phase is under way, which then finishes.
 */
export class Interrupts {
  private readonly controller = new AbortController();
  private writing = false;
  received: NodeJS.Signals | null = null;
  private readonly handler = (sig: NodeJS.Signals) => {
    this.received ??= sig;
    if (!this.writing) this.controller.abort();
  };

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  install(): this {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
    return this;
  }

  uninstall(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }

  /** Runs `fn` with interrupts deferred. */
  deferDuring<T>(fn: () => T): T {
    this.writing = true;
    try {
      return fn();
    } finally {
      this.writing = false;
    }
  }

  throwIfInterrupted(): void {
    if (this.signal.aborted) throw interrupted();
  }
}

export function interrupted(): RxfixError {
  return new RxfixError('rxfix: interrupted; your files are unchanged', EXIT.interrupted);
}
