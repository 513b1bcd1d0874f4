#!/usr/bin/env node
// Entry point: runs the compiled CLI (npm run build) on plain node, no TypeScript loader.
import { main } from './load-cli.js';

const code = await main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTty: Boolean(process.stdout.isTTY),
  env: process.env,
});
process.exitCode = code;
