// `rxfix server`: a scan handed to the server gives the same output and exit code as one run in
// the client's own process, in the client's folder and environment (a hook's GIT_INDEX_FILE);
// anything wrong with the server (stopped, killed, an unsafe socket folder) means a local run.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, rxfix, tempDir, type Run } from './helpers/cli.js';

const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_NOSYSTEM: '1' };
const WITH = 'pub fn name(id: u32) -> String {\n    format!("{}", id)\n}\n';
const WITHOUT = 'pub fn name(id: u32) -> String {\n    id.to_string()\n}\n';

function crate(): string {
  const dir = tempDir('rxfix-srv-');
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'Cargo.toml'), '[package]\nname = "s"\nversion = "0.1.0"\nedition = "2021"\n');
  writeFileSync(path.join(dir, 'src/lib.rs'), WITH);
  return dir;
}

const served = (r: Run) => Number(/(\d+) scans? served/.exec(r.stdout)?.[1] ?? NaN);
const same = (a: Run, b: Run) => expect({ code: a.code, stdout: a.stdout, stderr: a.stderr }).toEqual({ code: b.code, stdout: b.stdout, stderr: b.stderr });

describe('rxfix server', () => {
  const rt = path.join(tempDir('rxfix-srv-rt-'), 'sockets');
  const env = { RXFIX_RUNTIME_DIR: rt };
  const cli = (args: string[], cwd?: string, more: NodeJS.ProcessEnv = {}) => rxfix(args, { env: { ...env, ...more }, ...(cwd ? { cwd } : {}) });
  const status = () => cli(['server', 'status']);

  beforeAll(() => {
    expect(status().code).toBe(1);
    const start = cli(['server', 'start', '--idle-timeout', '10']);
    expect(start.code).toBe(0);
    expect(start.stdout).toMatch(/^rxfix server: started \(pid \d+/);
    expect(cli(['server', 'start']).stdout).toMatch(/^rxfix server: already running/);
  }, 60_000);
  afterAll(() => {
    cli(['server', 'stop']);
  });

  it('runs a scan with the same output and exit code as a local run, from the client folder', () => {
    const dir = crate();
    for (const args of [
      ['scan', '--format', 'json', '--no-cache'],
      ['scan', '--format', 'short', '--no-cache', 'src/lib.rs'],
      ['scan', '--format', 'pretty', '--no-cache', 'src'],
      ['scan', '--no-cache', 'missing.rs'],
      ['scan', '--format', 'nope'],
    ]) {
      const before = served(status());
      const onServer = cli(args, dir);
      expect(served(status())).toBe(before + 1);
      const local = cli([...args, '--no-server'], dir);
      expect(served(status())).toBe(before + 1);
      same(onServer, local);
    }
    const before = served(status());
    same(cli(['scan', '--no-cache'], dir, { RXFIX_SERVER: '0' }), cli(['scan', '--no-cache', '--no-server'], dir));
    expect(served(status())).toBe(before);
  }, 60_000);

  it('scans what the client\'s index holds, with the client\'s GIT_INDEX_FILE (a hook during `git commit -a`)', () => {
    const dir = crate();
    const git = (e: NodeJS.ProcessEnv, ...a: string[]) => execFileSync('git', a, { cwd: dir, env: { ...process.env, ...GIT_ENV, ...e }, encoding: 'utf8' });
    git({}, 'init', '-q');
    git({}, 'add', 'Cargo.toml', 'src/lib.rs'); // the index: with the finding
    writeFileSync(path.join(dir, 'src/lib.rs'), WITHOUT);
    const other = path.join(dir, '.git', 'other-index');
    git({ GIT_INDEX_FILE: other }, 'add', 'Cargo.toml', 'src/lib.rs'); // another index: without
    writeFileSync(path.join(dir, 'src/lib.rs'), WITH);
    const args = ['scan', '--staged', '--format', 'short', '--no-cache'];
    const a = cli(args, dir);
    expect(a.code).toBe(1);
    same(a, cli([...args, '--no-server'], dir));
    const b = cli(args, dir, { GIT_INDEX_FILE: other });
    expect(b.code).toBe(0);
    same(b, cli([...args, '--no-server'], dir, { GIT_INDEX_FILE: other }));
  }, 60_000);

  it('runs configured rule sets, and saves no query snapshot of its used heap in the cache folder', () => {
    const dir = crate();
    writeFileSync(path.join(dir, 'rxfix.toml'), '[rules]\nuseless-format = "off"\n');
    writeFileSync(path.join(dir, 'src/lib.rs'), `${WITH}pub fn k(x: &String) -> String { x.clone().to_string() }\n`);
    const cacheOf = (name: string) => path.join(dir, name);
    const queries = (name: string) => {
      try {
        return readdirSync(path.join(cacheOf(name), 'queries')).filter((f) => f.endsWith('.bin'));
      } catch {
        return [];
      }
    };
    const onServer = cli(['scan', '--format', 'short', '--cache-dir', cacheOf('served')], dir);
    const local = cli(['scan', '--format', 'short', '--no-server', '--cache-dir', cacheOf('local')], dir);
    same(onServer, local);
    expect(onServer.stdout).not.toContain('useless-format');
    expect(queries('local')).toHaveLength(1);
    expect(queries('served')).toEqual([]);
  }, 60_000);

  it('serves clients that come at once, one scan at a time, each its own answer', async () => {
    const dirs = [crate(), crate(), crate()];
    writeFileSync(path.join(dirs[1]!, 'src/lib.rs'), WITHOUT);
    const childEnv = { ...process.env, ...env };
    delete childEnv['NO_COLOR'];
    delete childEnv['FORCE_COLOR']; // as rxfix() runs the local scans
    const before = served(status());
    const runs = await Promise.all(
      dirs.map(
        (cwd) =>
          new Promise<Run>((resolve) => {
            execFile(process.execPath, [BIN, 'scan', '--format', 'short', '--no-cache'], { cwd, env: childEnv }, (e, stdout, stderr) =>
              resolve({ code: e ? Number(e.code) : 0, stdout, stderr }),
            );
          }),
      ),
    );
    expect(served(status())).toBe(before + 3);
    runs.forEach((r, i) => same(r, cli(['scan', '--format', 'short', '--no-cache', '--no-server'], dirs[i])));
    expect(runs.map((r) => r.code)).toEqual([1, 0, 1]);
  }, 60_000);

  it('refuses a bad --idle-timeout', () => {
    const r = cli(['server', 'start', '--idle-timeout', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--idle-timeout soon: expected minutes');
  });
});

describe('rxfix server, when it is gone or cannot be trusted', () => {
  it('stop, idle timeout, a killed server and an unsafe folder all leave scans to the client', async () => {
    const rt = path.join(tempDir('rxfix-srv-rt-'), 'sockets');
    const env = { RXFIX_RUNTIME_DIR: rt };
    const cli = (args: string[], cwd?: string) => rxfix(args, { env, ...(cwd ? { cwd } : {}) });
    const dir = crate();
    const local = cli(['scan', '--no-cache', '--no-server'], dir);
    expect(local.code).toBe(1);

    expect(cli(['server', 'start']).code).toBe(0);
    const stop = cli(['server', 'stop']);
    expect(stop.stdout).toMatch(/^rxfix server: stopped \(pid \d+/);
    expect(cli(['server', 'status']).code).toBe(1);
    expect(readdirSync(rt).filter((f) => f.endsWith('.sock'))).toEqual([]);
    same(cli(['scan', '--no-cache'], dir), local);
    expect(cli(['server', 'stop']).stdout).toBe('rxfix server: not running\n');

    // killed: its socket stays, nobody answers; the next start replaces it
    expect(cli(['server', 'start']).code).toBe(0);
    const pid = Number(/pid (\d+)/.exec(cli(['server', 'status']).stdout)![1]);
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    expect(readdirSync(rt).filter((f) => f.endsWith('.sock'))).toHaveLength(1);
    same(cli(['scan', '--no-cache'], dir), local);
    expect(cli(['server', 'start']).code).toBe(0);
    expect(cli(['server', 'status']).code).toBe(0);

    // a folder others may enter: the client ignores the server, start refuses
    chmodSync(rt, 0o755);
    same(cli(['scan', '--no-cache'], dir), local);
    const refused = cli(['server', 'start']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: rxfix server: cannot use the socket folder: .* may be entered by other users .*RXFIX_RUNTIME_DIR/);
    chmodSync(rt, 0o700);
    expect(cli(['server', 'stop']).stdout).toMatch(/^rxfix server: stopped/);

    // idle timeout: gone on its own
    expect(cli(['server', 'start', '--idle-timeout', '0.02']).code).toBe(0);
    await new Promise((r) => setTimeout(r, 3000));
    expect(cli(['server', 'status']).code).toBe(1);
    expect(existsSync(rt)).toBe(true);
  }, 90_000);
});
