// What both bins run: a `scan` goes to a running `rxfix server` of this build when there is one
// (src/server/client.ts, loaded alone: the CLI's modules are not needed then), else the CLI.
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function run(args) {
  const io = {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTty: Boolean(process.stdout.isTTY),
    env: process.env,
  };
  if (args[0] === 'scan') {
    let client = null;
    try {
      client = await import('../dist/src/server/client.js');
    } catch {
      // not built: the CLI below says so
    }
    const code = client ? await client.runOnServer(args, ROOT, { ...io, cwd: process.cwd() }) : null;
    if (code !== null) return code;
  }
  const { main } = await import('./load-cli.js');
  return main(args, io);
}
