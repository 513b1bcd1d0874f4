#!/usr/bin/env node
// `cargo rxfix scan ...`: cargo runs `cargo-rxfix rxfix scan ...`; drop the repeated subcommand.
import { main } from './load-cli.js';

const args = process.argv.slice(2);
if (args[0] === 'rxfix') args.shift();
const code = await main(args, {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTty: Boolean(process.stdout.isTTY),
  env: process.env,
});
process.exitCode = code;
