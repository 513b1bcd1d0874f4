// Every temporary folder the tests make (crate copies, cargo targets, caches, git repositories)
// goes under one folder, removed when the run ends: os.tmpdir() follows TMPDIR, which the forked
// test workers inherit.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rxfix-tests-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (!process.env.RXFIX_KEEP_TEST_TMP) rmSync(dir, { recursive: true, force: true });
  };
}
