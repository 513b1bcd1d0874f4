// The scan server (`rxfix server start`): one long-lived process that keeps the grammar's WASM
// compiled, the shape query built and the JIT warm, and runs the `rxfix scan`s that clients
// (src/server/client.ts) hand it, one at a time, each exactly as the CLI would: with the client's
// arguments, working folder and environment (git reads GIT_INDEX_FILE from it in a hook), its
// output sent back whole. The model is Biome's daemon: started on purpose, used when running,
// stopped by `rxfix server stop` or after an idle time.
import { rmSync } from 'node:fs';
import net from 'node:net';
import { PROTOCOL, runtimeDirProblem, type ServerAddress } from './address.js';
import { converse, type ScanReply, type ScanRequest } from './client.js';

export type Main = (argv: string[], io: { stdout: (s: string) => void; stderr: (s: string) => void; isTty: boolean; env: NodeJS.ProcessEnv }) => Promise<number>;

export interface ServerStatus {
  pid: number;
  build: string;
  /** Milliseconds since the server started. */
  uptime: number;
  /** Scans run for clients. */
  served: number;
}

export interface ServeOptions {
  address: ServerAddress;
  main: Main;
  /** Stop after this long without a request; 0: never. */
  idleMs: number;
  /** Called once the socket listens. */
  ready?: () => void;
  /** Work to do before the first request (load the grammar, build the query). */
  warm?: () => Promise<void>;
}

/** Runs the server until it is stopped (a `stop` request, the idle time, SIGTERM/SIGINT). */
export async function serve(opts: ServeOptions): Promise<void> {
  const problem = runtimeDirProblem(opts.address.dir, true);
  if (problem) throw new Error(`cannot use the socket folder: ${problem}`);
  // a folder that stays: the one `start` ran in may be removed while the server lives
  if (process.platform !== 'win32') process.chdir(opts.address.dir);
  const started = Date.now();
  let served = 0;
  let queue: Promise<void> = Promise.resolve();
  let idle: NodeJS.Timeout | undefined;
  let stopping = false;

  const server = net.createServer((conn) => {
    conn.setEncoding('utf8');
    let buffered = '';
    conn.on('error', () => {}); // a client that went away: nothing to tell it
    conn.on('data', (chunk: string) => {
      buffered += chunk;
      const nl = buffered.indexOf('\n');
      if (nl < 0) return;
      const msg = parseRequest(buffered.slice(0, nl));
      buffered = '';
      conn.removeAllListeners('data');
      if (!msg) return void conn.end('{"error":"bad request"}\n');
      if ('control' in msg) {
        const status: ServerStatus = { pid: process.pid, build: opts.address.build, uptime: Date.now() - started, served };
        conn.end(JSON.stringify({ status }) + '\n');
        if (msg.control === 'stop') stop();
        return;
      }
      conn.write('{"ack":1}\n');
      clearTimeout(idle);
      queue = queue
        .then(async () => {
          const reply = await runRequest(opts.main, msg);
          served++;
          if (!conn.destroyed) conn.end(JSON.stringify(reply) + '\n');
        })
        .catch(() => void conn.destroy()) // the client runs the scan itself; the queue goes on
        .finally(armIdle);
    });
  });

  const closed = new Promise<void>((resolve) => server.on('close', resolve));
  const stop = () => {
    if (stopping) return;
    stopping = true;
    clearTimeout(idle);
    server.close();
    // requests already taken finish first: their clients wait for them
    void queue.then(() => removeSocket(opts.address));
  };
  const armIdle = () => {
    clearTimeout(idle);
    if (opts.idleMs > 0 && !stopping) idle = setTimeout(stop, opts.idleMs);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  if (opts.warm) await opts.warm();
  removeSocket(opts.address); // a socket left by a server that died: nobody answers on it
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.address.socket, () => resolve());
  });
  armIdle();
  opts.ready?.();
  await closed;
  await queue;
  removeSocket(opts.address);
}

function removeSocket(address: ServerAddress): void {
  if (process.platform !== 'win32') rmSync(address.socket, { force: true });
}

type Request = ScanRequest | { protocol: number; control: 'status' | 'stop' };

function parseRequest(line: string): Request | null {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!m || typeof m !== 'object' || m['protocol'] !== PROTOCOL) return null;
  if (m['control'] === 'status' || m['control'] === 'stop') return { protocol: PROTOCOL, control: m['control'] };
  const ok =
    Array.isArray(m['argv']) &&
    (m['argv'] as unknown[]).every((a) => typeof a === 'string') &&
    typeof m['cwd'] === 'string' &&
    typeof m['isTty'] === 'boolean' &&
    !!m['env'] &&
    typeof m['env'] === 'object';
  return ok ? (m as unknown as ScanRequest) : null;
}

/** Runs one scan as a fresh CLI process would: the client's folder and environment, for its duration. */
async function runRequest(main: Main, req: ScanRequest): Promise<ScanReply> {
  const home = process.cwd();
  const env = process.env;
  let out = '';
  let err = '';
  try {
    process.chdir(req.cwd);
  } catch (e) {
    return { out: '', err: `error: ${req.cwd}: cannot enter the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})\n`, code: 2 };
  }
  // child processes (git) and every reader of process.env see the client's environment
  process.env = { ...req.env };
  try {
    const code = await main(req.argv, { stdout: (s) => (out += s), stderr: (s) => (err += s), isTty: req.isTty, env: process.env });
    return { out, err, code };
  } catch (e) {
    return { out, err: `${err}error: internal error in the rxfix server: ${(e as Error).stack ?? e}\nplease report this as an rxfix bug\n`, code: 2 };
  } finally {
    process.env = env;
    process.chdir(home);
  }
}

/** Asks the server at `address` for its status (or to stop, then its last status); null when none answers. */
export function control(address: ServerAddress, what: 'status' | 'stop', timeoutMs = 2000): Promise<ServerStatus | null> {
  return converse(address.socket, { protocol: PROTOCOL, control: what }, timeoutMs, (msg) => {
    const status = msg?.['status'] as ServerStatus | undefined;
    return status && Number.isInteger(status.pid) ? status : null;
  });
}
