// A worker-thread pool for scans of many files (performance-notes.md §3.3, W1–W3): one Parser,
// Language and combined Query per worker, batches of files handed out on demand, plain result
// objects sent back. The caller orders the results by file index, so the output is the same as
// a single-thread scan, byte for byte.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FileResult, MatchOptions } from './match.js';
import { querySnapshotReadDirs } from './query-snapshot.js';

/** How a worker rebuilds the rule set: `module` exports `workerRuleSet(arg)` → RuleSet. */
export interface RuleRecipe {
  module: string;
  arg: unknown;
  /** RuleSet.hash the workers must reproduce (a mismatch is an internal error). */
  hash: string;
}

export interface WorkItem {
  index: number;
  shown: string;
  source: string;
  opts: MatchOptions;
}

export interface WorkerRequest {
  type: 'batch';
  id: number;
  items: WorkItem[];
}

export type WorkerReply =
  | { type: 'ready'; hash: string }
  | { type: 'result'; id: number; results: { index: number; result: FileResult }[] }
  | { type: 'error'; message: string };

export interface PoolStats {
  workers: number;
}

/** Files per batch: small enough to balance the tail, large enough to amortise messages (W1). */
const BATCH = 32;
/** Characters per batch: one batch of large files would otherwise keep one worker busy at the end. */
const BATCH_CHARS = 256 * 1024;

/** Threads that can run at once here. */
export function coreCount(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/**
 * Whether a scan of `files` files totalling `chars` characters should use the pool, and with how
 * many threads (this one included, see runPool): each worker costs 60–380 ms to start (W3),
 * which one thread parses ~0.5–2 MB in.
 */
export function poolSize(files: number, chars: number, jobs: number | undefined): number {
  if (jobs !== undefined && jobs > 0) return files > 1 ? Math.min(jobs, files) : 0;
  const cores = coreCount();
  if (cores < 2 || files < 16 || chars < 2_000_000) return 0;
  return Math.max(2, Math.min(cores, Math.ceil(chars / 2_000_000), 16));
}

/**
 * Workers started ahead of the work (while the caller still reads files and probes the cache, so
 * their start-up, W3, overlaps it). Messages that arrive before runPool() listens are kept.
 */
export class WorkerPool {
  readonly workers: Worker[] = [];
  private listener: ((w: Worker, m: WorkerReply | { type: 'failed'; error: Error } | { type: 'exit'; code: number }) => void) | null = null;
  private readonly backlog: [Worker, Parameters<NonNullable<WorkerPool['listener']>>[1]][] = [];

  constructor(
    readonly size: number,
    readonly recipe: RuleRecipe,
  ) {
    const querySnapshots = querySnapshotReadDirs();
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('./scan-worker.js', import.meta.url), { workerData: { recipe, querySnapshots } });
      this.workers.push(w);
      w.on('message', (m: WorkerReply) => this.deliver(w, m));
      w.on('error', (error) => this.deliver(w, { type: 'failed', error }));
      w.on('exit', (code) => this.deliver(w, { type: 'exit', code }));
    }
  }

  private deliver(w: Worker, m: Parameters<NonNullable<WorkerPool['listener']>>[1]): void {
    if (this.listener) this.listener(w, m);
    else this.backlog.push([w, m]);
  }

  listen(fn: NonNullable<WorkerPool['listener']>): void {
    this.listener = fn;
    for (const [w, m] of this.backlog.splice(0)) fn(w, m);
  }

  async terminate(): Promise<void> {
    this.listener = () => {};
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Threads worth starting before the files are read (this one included): only for clearly large scans. */
export function earlyPoolSize(files: number, jobs: number | undefined): number {
  if (jobs !== undefined && jobs > 0) return jobs > 1 && files > 1 ? Math.min(jobs, files) : 0;
  const cores = coreCount();
  return cores >= 2 && files >= 200 ? Math.min(cores, 16) : 0;
}

/**
 * Runs `take()`'s items (pulled lazily, so sources are read only when sent) on the pool's workers
 * and, with `mainLane`, on this thread too, one item between message turns: one worker fewer to
 * start (module load, grammar, Query compile: ~0.6 s of CPU each) for the same parallelism.
 * Each worker holds two batches, so it does not wait while this thread matches a file.
 */
export async function runPool(
  take: () => WorkItem | undefined,
  pool: WorkerPool,
  onResult: (index: number, r: FileResult, source?: string) => void,
  mainLane?: (item: WorkItem) => FileResult,
): Promise<PoolStats> {
  let pending = 0;
  let drained = false;
  const recipe = pool.recipe;
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      reject(e);
    };
    let nextId = 0;
    /** Sends the next batch to `w`; false when there is nothing left. */
    const feed = (w: Worker): boolean => {
      const batch: WorkItem[] = [];
      let chars = 0;
      while (!drained && batch.length < BATCH && chars < BATCH_CHARS) {
        const it = take();
        if (it) {
          batch.push(it);
          chars += it.source.length;
        } else drained = true;
      }
      if (batch.length === 0) return false;
      pending += batch.length;
      const msg: WorkerRequest = { type: 'batch', id: nextId++, items: batch };
      w.postMessage(msg);
      return true;
    };
    const finishIfIdle = () => {
      if (drained && pending === 0) resolve();
    };
    pool.listen((w, m) => {
      if (failed) return;
      if (m.type === 'ready') {
        if (m.hash !== recipe.hash) return fail(new Error(`internal: worker rule set ${m.hash} differs from ${recipe.hash}`));
        if (feed(w)) feed(w);
        finishIfIdle();
      } else if (m.type === 'result') {
        for (const { index, result } of m.results) onResult(index, result);
        pending -= m.results.length;
        feed(w);
        finishIfIdle();
      } else if (m.type === 'failed') fail(m.error);
      else if (m.type === 'exit') {
        if ((pending > 0 || !drained) && m.code !== 0) fail(new Error(`internal: scan worker exited with code ${m.code}`));
      } else fail(new Error(m.message));
    });
    if (!mainLane) return;
    const lane = (): void => {
      if (failed) return;
      const it = drained ? undefined : take();
      if (!it) {
        drained = true;
        return finishIfIdle();
      }
      try {
        onResult(it.index, mainLane(it), it.source); // the source is at hand: no second read
      } catch (e) {
        return fail(e as Error);
      }
      setImmediate(lane); // let worker messages through between files
    };
    setImmediate(lane);
  }).finally(() => pool.terminate());
  return { workers: pool.size + (mainLane ? 1 : 0) };
}
