// `rxfix server start|stop|status|run`: the scan server (src/server/serve.ts) that makes a
// pre-commit `rxfix scan --staged` answer in about the time Node takes to start.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT, RxfixError } from '../errors.js';
import { runtimeDirProblem, serverAddress, type ServerAddress } from '../server/address.js';
import { control, serve, type Main, type ServerStatus } from '../server/serve.js';
import { PACKAGE_ROOT } from '../version.js';

export interface ServerCommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** How long `start` waits for the new server to answer. */
const START_WAIT_MS = 20_000;

const describe = (s: ServerStatus, a: ServerAddress) =>
  `pid ${s.pid}, up ${Math.round(s.uptime / 1000)} s, ${s.served} scan${s.served === 1 ? '' : 's'} served, socket ${a.socket}`;

function addressFor(env: NodeJS.ProcessEnv, create: boolean): ServerAddress {
  const address = serverAddress(PACKAGE_ROOT, env);
  const problem = runtimeDirProblem(address.dir, create);
  if (problem && create) throw new RxfixError(`error: rxfix server: cannot use the socket folder: ${problem}; set RXFIX_RUNTIME_DIR to a folder only you can enter`);
  return address;
}

/** Starts a server in the background, unless one of this build is running. */
export async function startServer(opts: { idleMinutes: number; env: NodeJS.ProcessEnv }): Promise<ServerCommandResult> {
  const address = addressFor(opts.env, true);
  const running = await control(address, 'status');
  if (running) return { exitCode: EXIT.ok, stdout: `rxfix server: already running (${describe(running, address)})\n`, stderr: '' };
  const log = path.join(path.dirname(address.socket), `${address.build}.log`);
  const fd = process.platform === 'win32' ? 'ignore' : openSync(log, 'w', 0o600);
  const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin/rxfix.js'), 'server', 'run', '--idle-timeout', String(opts.idleMinutes)], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: opts.env,
  });
  if (typeof fd === 'number') closeSync(fd);
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  child.unref();
  const deadline = Date.now() + START_WAIT_MS;
  while (Date.now() < deadline && exited === null) {
    const status = await control(address, 'status', 500);
    if (status) {
      const idle = opts.idleMinutes > 0 ? `after ${opts.idleMinutes} min without a scan` : 'never on its own';
      return {
        exitCode: EXIT.ok,
        stdout: `rxfix server: started (${describe(status, address)}); \`rxfix scan\` runs on it until \`rxfix server stop\` (it stops ${idle})\n`,
        stderr: '',
      };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const tail = typeof fd === 'number' ? readTail(log) : '';
  throw new RxfixError(`error: rxfix server: did not start${exited !== null ? ` (exit ${exited})` : ''}${tail ? `: ${tail}` : ''}; run \`rxfix server run\` to see why`);
}

function readTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-1)[0] ?? '';
  } catch {
    return '';
  }
}

export async function stopServer(env: NodeJS.ProcessEnv): Promise<ServerCommandResult> {
  const address = addressFor(env, false);
  const last = await control(address, 'stop');
  return { exitCode: EXIT.ok, stdout: last ? `rxfix server: stopped (${describe(last, address)})\n` : 'rxfix server: not running\n', stderr: '' };
}

/** Exit 0 when running, 1 when not (as `systemctl is-active` scripts expect a non-zero). */
export async function serverStatus(env: NodeJS.ProcessEnv): Promise<ServerCommandResult> {
  const address = addressFor(env, false);
  const s = await control(address, 'status');
  return s
    ? { exitCode: EXIT.ok, stdout: `rxfix server: running (${describe(s, address)})\n`, stderr: '' }
    : { exitCode: 1, stdout: 'rxfix server: not running; start it with `rxfix server start`\n', stderr: '' };
}

/** The server in this process, until stopped (what `start` runs in the background). */
export async function runServer(opts: { idleMinutes: number; env: NodeJS.ProcessEnv; main: Main; progress: (s: string) => void }): Promise<number> {
  const address = addressFor(opts.env, true);
  const running = await control(address, 'status');
  if (running) throw new RxfixError(`error: rxfix server: already running (${describe(running, address)}); stop it first with \`rxfix server stop\``);
  await serve({
    address,
    main: opts.main,
    idleMs: opts.idleMinutes * 60_000,
    warm: async () => {
      // what every scan needs first: the grammar and the built-in rules' shape query
      const [{ loadRust }, { prepareMatching }, { compileRuleSet }, { builtinRules }, { neverSaveQuerySnapshots }] = await Promise.all([
        import('../engine/parser.js'),
        import('../engine/match.js'),
        import('../engine/registry.js'),
        import('../../rules/index.js'),
        import('../engine/query-snapshot.js'),
      ]);
      neverSaveQuerySnapshots();
      await loadRust();
      prepareMatching(compileRuleSet(builtinRules, { lazyQuery: true }));
    },
    ready: () => opts.progress(`rxfix server: listening on ${address.socket} (pid ${process.pid})\n`),
  });
  opts.progress('rxfix server: stopped\n');
  return EXIT.ok;
}
