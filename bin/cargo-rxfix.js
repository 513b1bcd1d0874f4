#!/usr/bin/env node
// `cargo rxfix scan ...`: cargo runs `cargo-rxfix rxfix scan ...`; drop the repeated subcommand.
import { run } from './run.js';

const args = process.argv.slice(2);
if (args[0] === 'rxfix') args.shift();
process.exitCode = await run(args);
