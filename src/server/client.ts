// The client side of the scan server (src/server/serve.ts): bin/ hands a `scan` to a server of
// this very build when one is running, before loading the CLI (~60 ms of modules, ~0.3 s of
// WASM compile and cold JIT on a cache miss). Loaded unbundled: Node builtins and address.ts only.
// Anything unexpected (no server, a refused or silent socket, a malformed reply) returns null and
// the caller runs the scan itself; nothing is printed before the whole reply is in.
import { existsSync } from 'node:fs';
import net from 'node:net';
import { PROTOCOL, runtimeDirProblem, serverAddress } from './address.js';

export interface ClientIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface ScanRequest {
  protocol: number;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  isTty: boolean;
}

export interface ScanReply {
  out: string;
  err: string;
  code: number;
}

/** A server that has not taken the request within this time is ignored (stopped, or wedged). */
const ACK_MS = 2000;

/** Whether `argv` may go to a server: `scan` only, not turned off by --no-server or RXFIX_SERVER=0. */
export function wantsServer(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return argv[0] === 'scan' && !argv.includes('--no-server') && env['RXFIX_SERVER'] !== '0';
}

/** Runs `argv` on the server for the rxfix at `packageRoot`: its exit code, or null to run it here. */
export async function runOnServer(argv: string[], packageRoot: string, io: ClientIo): Promise<number | null> {
  if (!wantsServer(argv, io.env)) return null;
  let address;
  try {
    address = serverAddress(packageRoot, io.env);
  } catch {
    return null;
  }
  if (process.platform !== 'win32' && (!existsSync(address.socket) || runtimeDirProblem(address.dir, false))) return null;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(io.env)) if (v !== undefined) env[k] = v;
  const request: ScanRequest = { protocol: PROTOCOL, argv, cwd: io.cwd, env, isTty: io.isTty };
  const reply = await exchange(address.socket, request);
  if (!reply) return null;
  if (reply.out) io.stdout(reply.out);
  if (reply.err) io.stderr(reply.err);
  return reply.code;
}

/** The server answers `{"ack":1}` on taking a request, then one reply line. */
async function exchange(socket: string, request: ScanRequest): Promise<ScanReply | null> {
  let acked = false;
  return converse(socket, request, ACK_MS, (msg, taken) => {
    if (acked) return isReply(msg) ? msg : null;
    if (msg?.['ack'] !== 1) return null;
    acked = true;
    taken(); // a scan may legitimately take long (and wait for another)
    return undefined;
  });
}

/**
 * Sends `message` as one JSON line to the server at `socket` and hands each line of the answer
 * (parsed, or null) to `read` until it returns something other than undefined: that, or null on
 * an error, a closed connection or `timeoutMs` without the answer (`taken()` lifts that limit).
 */
export async function converse<T>(
  socket: string,
  message: object,
  timeoutMs: number,
  read: (msg: Record<string, unknown> | null, taken: () => void) => T | null | undefined,
): Promise<T | null> {
  return new Promise((resolve) => {
    const conn = net.createConnection(socket);
    let buffered = '';
    let settled = false;
    const finish = (r: T | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    const taken = () => clearTimeout(timer);
    conn.setEncoding('utf8');
    conn.on('connect', () => conn.write(JSON.stringify(message) + '\n'));
    conn.on('data', (chunk: string) => {
      buffered += chunk;
      for (let nl = buffered.indexOf('\n'); nl >= 0 && !settled; nl = buffered.indexOf('\n')) {
        const answer = read(parse(buffered.slice(0, nl)), taken);
        buffered = buffered.slice(nl + 1);
        if (answer !== undefined) finish(answer);
      }
    });
    conn.on('error', () => finish(null));
    conn.on('close', () => finish(null));
  });
}

function parse(line: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(line);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function isReply(m: Record<string, unknown> | null): m is Record<string, unknown> & ScanReply {
  return !!m && typeof m['out'] === 'string' && typeof m['err'] === 'string' && Number.isInteger(m['code']);
}
