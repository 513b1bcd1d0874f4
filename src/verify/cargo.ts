// Running cargo: every invocation in its own process group (so a hanging test binary dies with
// it), a timeout and an abort signal that kill the group with SIGTERM then SIGKILL after 5 s,
// and parsing of `--message-format=json` compiler messages (spans in UTF-8 bytes).
import { execa } from 'execa';
import { EXIT, RxfixError } from '../errors.js';

export const KILL_GRACE_MS = 5_000;

export interface CargoSpan {
  file: string;
  byteStart: number;
  byteEnd: number;
  lineStart: number;
  lineEnd: number;
  isPrimary: boolean;
}

export interface CompilerMessage {
  level: string;
  code: string | null;
  message: string;
  rendered: string;
  /** Primary spans, each followed back through macro expansions to the use site. */
  spans: CargoSpan[];
}

export interface CargoRun {
  args: string[];
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  interrupted: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
  /** Compiler errors from the JSON stream (warnings dropped). */
  errors: CompilerMessage[];
  ok: boolean;
}

export interface CargoOptions {
  cwd: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called with the process group id right after spawn, and with null when it is gone. */
  onGroup?: (pgid: number | null) => void;
}

function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // already gone
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM the group, SIGKILL whatever is left after the grace period. Resolves when it is gone. */
export async function terminateGroup(pid: number, graceMs = KILL_GRACE_MS): Promise<void> {
  killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
}

export function cargoNotFound(): RxfixError {
  return new RxfixError('error: cargo not found on PATH; install Rust from https://rustup.rs or add cargo to PATH', EXIT.usage);
}

export async function runCargo(args: string[], opts: CargoOptions): Promise<CargoRun> {
  const started = Date.now();
  const child = execa('cargo', args, {
    cwd: opts.cwd,
    env: { CARGO_TERM_COLOR: 'never', ...opts.env },
    detached: true,
    reject: false,
    stdin: 'ignore',
    maxBuffer: 256 * 1024 * 1024,
    stripFinalNewline: false,
  });
  const pid = child.pid;
  if (pid !== undefined) opts.onGroup?.(pid);
  let timedOut = false;
  let interrupted = false;
  let killing: Promise<void> | null = null;
  const stop = () => {
    if (pid !== undefined && !killing) killing = terminateGroup(pid);
  };
  const timer = opts.timeoutMs !== undefined ? setTimeout(() => ((timedOut = true), stop()), opts.timeoutMs) : null;
  const onAbort = () => ((interrupted = true), stop());
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  const r = await child;
  if (timer) clearTimeout(timer);
  opts.signal?.removeEventListener('abort', onAbort);
  if (killing) await killing;
  // The group may outlive cargo (a test binary that ignores SIGTERM): make sure it is gone.
  if (pid !== undefined && groupAlive(pid)) await terminateGroup(pid);
  opts.onGroup?.(null);
  if (r.failed && (r as { code?: string }).code === 'ENOENT') throw cargoNotFound();
  const stdout = typeof r.stdout === 'string' ? r.stdout : '';
  const stderr = typeof r.stderr === 'string' ? r.stderr : '';
  const exitCode = r.exitCode ?? null;
  return {
    args,
    exitCode,
    signal: r.signal ?? null,
    timedOut,
    interrupted,
    durationMs: Date.now() - started,
    stdout,
    stderr,
    errors: parseCompilerErrors(stdout),
    ok: exitCode === 0 && !timedOut && !interrupted,
  };
}

interface RawSpan {
  file_name: string;
  byte_start: number;
  byte_end: number;
  line_start: number;
  line_end: number;
  is_primary: boolean;
  expansion?: { span: RawSpan } | null;
}

/** Follows a span out of macro expansions to the place the user wrote. */
function useSite(span: RawSpan): RawSpan {
  let s = span;
  for (let i = 0; i < 32 && s.expansion?.span && (s.file_name.startsWith('<') || s.file_name.includes('/rustc/') || s.file_name.includes('/.rustup/')); i++) s = s.expansion.span;
  return s;
}

/** Compiler errors of a `--message-format=json` stdout; other lines (test output) are skipped. */
export function parseCompilerErrors(stdout: string): CompilerMessage[] {
  const out: CompilerMessage[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{"reason":"compiler-message"')) continue;
    let msg: { message?: { level?: string; code?: { code?: string } | null; message?: string; rendered?: string; spans?: RawSpan[] } };
    try {
      msg = JSON.parse(line);
    } catch {
      continue;
    }
    const m = msg.message;
    if (!m || (m.level !== 'error' && m.level !== 'error: internal compiler error')) continue;
    const spans = (m.spans ?? [])
      .filter((s) => s.is_primary)
      .map(useSite)
      .map((s) => ({ file: s.file_name, byteStart: s.byte_start, byteEnd: s.byte_end, lineStart: s.line_start, lineEnd: s.line_end, isPrimary: true }));
    out.push({ level: m.level, code: m.code?.code ?? null, message: m.message ?? '', rendered: m.rendered ?? m.message ?? '', spans });
  }
  return out;
}

export interface TestCounts {
  passed: number;
  failed: number;
  ignored: number;
}

/** Sums the libtest `test result:` lines (unit, integration and doc tests). */
export function parseTestCounts(text: string): TestCounts | null {
  const re = /test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/g;
  let found = false;
  const c = { passed: 0, failed: 0, ignored: 0 };
  for (const m of text.matchAll(re)) {
    found = true;
    c.passed += Number(m[1]);
    c.failed += Number(m[2]);
    c.ignored += Number(m[3]);
  }
  return found ? c : null;
}

export interface WorkspaceInfo {
  root: string;
  members: { name: string; manifest: string; dir: string; features: string[]; featureMap: Record<string, string[]>; targetKinds: string[] }[];
  hasBenches: boolean;
}

/** `cargo metadata --no-deps` (it resolves nothing and writes no Cargo.lock). */
export async function cargoMetadata(dir: string, signal?: AbortSignal): Promise<WorkspaceInfo> {
  const r = await runCargo(['metadata', '--format-version', '1', '--no-deps', '--offline'], { cwd: dir, signal });
  if (!r.ok) {
    if (/could not find `Cargo\.toml`/.test(r.stderr)) throw new RxfixError(`error: ${dir}: not a cargo project (no Cargo.toml here or in a parent folder)`, EXIT.usage);
    const first = r.stderr.split('\n').find((l) => l.startsWith('error')) ?? r.stderr.trim().split('\n')[0] ?? 'cargo metadata failed';
    throw new RxfixError(`error: cargo metadata failed in ${dir}: ${first.replace(/^error:\s*/, '')}`, EXIT.usage);
  }
  const meta = JSON.parse(r.stdout) as {
    workspace_root: string;
    packages: { name: string; manifest_path: string; features: Record<string, string[]>; targets: { kind: string[] }[] }[];
  };
  const members = meta.packages.map((p) => ({
    name: p.name,
    manifest: p.manifest_path,
    dir: p.manifest_path.replace(/[/\\]Cargo\.toml$/, ''),
    features: Object.keys(p.features).sort(),
    featureMap: p.features,
    targetKinds: [...new Set(p.targets.flatMap((t) => t.kind))].sort(),
  }));
  return { root: meta.workspace_root, members, hasBenches: members.some((m) => m.targetKinds.includes('bench')) };
}

/** Fails with a one-line exit-2 error when cargo cannot be started. */
export async function ensureCargo(): Promise<string> {
  const r = await execa('cargo', ['--version'], { reject: false, stdin: 'ignore' });
  if (r.failed && (r as { code?: string }).code === 'ENOENT') throw cargoNotFound();
  if (r.exitCode !== 0) throw new RxfixError(`error: \`cargo --version\` failed: ${String(r.stderr).trim().split('\n')[0]}`, EXIT.usage);
  return String(r.stdout).trim();
}

/** Features a `--features` list enables in one package: the named ones and `default`, closed over the feature map. */
export function enabledFeatures(member: { name: string; featureMap: Record<string, string[]> }, requested: readonly string[]): Set<string> {
  const out = new Set<string>();
  const queue: string[] = ['default'];
  for (const r of requested) {
    const slash = r.indexOf('/');
    if (slash < 0) queue.push(r);
    else if (r.slice(0, slash) === member.name) queue.push(r.slice(slash + 1));
  }
  while (queue.length > 0) {
    const f = queue.pop()!;
    if (out.has(f) || !(f in member.featureMap)) continue;
    out.add(f);
    for (const dep of member.featureMap[f]!) if (!dep.includes('/') && !dep.startsWith('dep:')) queue.push(dep);
  }
  return out;
}
