// Running a child process with a timeout that kills its whole process group (SIGTERM, then SIGKILL).
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export interface ProcResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The command could not be started (ENOENT etc.). */
  spawnError?: string;
  ms: number;
}

export interface ProcOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Aborting kills the process group (SIGTERM, then SIGKILL). */
  signal?: AbortSignal;
}

const MAX_CAPTURE = 64 * 1024 * 1024;

export function runProcess(cmd: string, args: readonly string[], opts: ProcOptions = {}): Promise<ProcResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const keep = (arr: Buffer[]) => (b: Buffer) => {
      size += b.length;
      if (size <= MAX_CAPTURE) arr.push(b);
    };
    child.stdout!.on('data', keep(out));
    child.stderr!.on('data', keep(err));
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        // already gone
      }
    };
    const timer =
      opts.timeoutMs && opts.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            killGroup('SIGTERM');
            killTimer = setTimeout(() => killGroup('SIGKILL'), 2000);
          }, opts.timeoutMs)
        : undefined;
    const onAbort = () => {
      killGroup('SIGTERM');
      killTimer ??= setTimeout(() => killGroup('SIGKILL'), 2000);
    };
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let spawnError: string | undefined;
    child.on('error', (e) => {
      spawnError = e.message;
    });
    child.on('close', (code, signal) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        ...(spawnError ? { spawnError } : {}),
        ms: Date.now() - started,
      });
    });
  });
}

/** The absolute path of an executable found on PATH, or null. */
export function which(name: string, envPath: string | undefined): string | null {
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** The first line of a panic message in a Rust program's stderr, if it panicked. */
export function panicLine(stderr: string): string | null {
  const m = /thread '[^']*'(?: \(\d+\))? panicked at ([^\n]*)\n([^\n]*)/.exec(stderr);
  if (!m) return null;
  return `${m[2]!.trim() || 'panic'} (at ${m[1]!.replace(/:$/, '')})`;
}
