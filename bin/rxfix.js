#!/usr/bin/env node
// Entry point: runs the compiled CLI (npm run build) on plain node, no TypeScript loader.
import { run } from './run.js';

process.exitCode = await run(process.argv.slice(2));
