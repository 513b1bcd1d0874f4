// `rxfix hook install [--fix] [--force]`: a git pre-commit hook running `rxfix scan --staged`.
// An existing (foreign) hook is chained: moved to `pre-commit.rxfix-chained` and run first with
// the same arguments and stdin; its failure stops the commit. An rxfix hook already in place is
// rewritten only with --force.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { EXIT, RxfixError } from '../errors.js';
import { writeFileAtomic } from '../io.js';
import { PACKAGE_ROOT } from '../version.js';
import type { CommandResult } from './scan.js';

export const HOOK_MARKER = '# rxfix pre-commit hook';
export const CHAINED_NAME = 'pre-commit.rxfix-chained';

export interface HookOptions {
  fix: boolean;
  force: boolean;
  cwd: string;
}

function hooksDir(cwd: string): string {
  const r = spawnSync('git', ['rev-parse', '--git-path', 'hooks'], { cwd, encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new RxfixError(`error: ${cwd} is not inside a git repository; run \`rxfix hook install\` in one`);
  return path.resolve(cwd, r.stdout.trim());
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function hookScript(fix: boolean): string {
  const bin = path.join(PACKAGE_ROOT, 'bin', 'rxfix.js');
  const lines = [
    '#!/bin/sh',
    `${HOOK_MARKER} (written by \`rxfix hook install${fix ? ' --fix' : ''}\`; \`rxfix hook install --force\` rewrites it)`,
    'set -u',
    'hooks=$(dirname "$0")',
    `if [ -x "$hooks/${CHAINED_NAME}" ]; then`,
    `  "$hooks/${CHAINED_NAME}" "$@" || exit $?`,
    'fi',
    'if command -v rxfix >/dev/null 2>&1; then',
    '  rxfix() { command rxfix "$@"; }',
    `elif [ -f ${q(bin)} ]; then`,
    `  rxfix() { node ${q(bin)} "$@"; }`,
    'else',
    '  echo "rxfix pre-commit hook: rxfix is not installed (npm install -D rxfix); skipping" >&2',
    '  exit 0',
    'fi',
  ];
  if (fix) {
    lines.push(
      '# Safe fixes on staged Rust files whose working copy equals the index, then re-stage them.',
      "git diff --cached --name-only --diff-filter=ACMR -- '*.rs' | while IFS= read -r f; do",
      '  if git diff --quiet -- "$f"; then',
      '    rxfix apply --allow-dirty "$f" >/dev/null && git add -- "$f"',
      '  else',
      '    echo "rxfix: $f has unstaged changes; not fixing it" >&2',
      '  fi',
      'done',
    );
  }
  lines.push('rxfix scan --staged --format short', '');
  return lines.join('\n');
}

export function installHook(opts: HookOptions): CommandResult {
  const dir = hooksDir(opts.cwd);
  mkdirSync(dir, { recursive: true });
  const hook = path.join(dir, 'pre-commit');
  const chained = path.join(dir, CHAINED_NAME);
  const notes: string[] = [];
  if (existsSync(hook)) {
    const current = readFileSync(hook, 'utf8');
    if (current.includes(HOOK_MARKER)) {
      if (!opts.force) {
        throw new RxfixError(`error: ${hook}: an rxfix hook is already installed; pass --force to rewrite it`, EXIT.usage);
      }
      notes.push(`rewrote ${hook}`);
    } else {
      if (existsSync(chained) && !opts.force) {
        throw new RxfixError(`error: ${hook} exists and ${chained} already holds a chained hook; move one of them away or pass --force to replace ${CHAINED_NAME}`, EXIT.usage);
      }
      renameSync(hook, chained);
      chmodSync(chained, 0o755);
      notes.push(`kept your existing hook as ${chained}; it runs first`);
    }
  }
  writeFileAtomic(hook, hookScript(opts.fix));
  chmodSync(hook, 0o755);
  notes.push(`installed ${hook}: \`rxfix scan --staged\`${opts.fix ? ' after safe fixes' : ''} runs before every commit`);
  notes.push('for the quickest hook, keep `rxfix server start` running (it stops after 30 min without a scan)');
  return { exitCode: EXIT.ok, stdout: notes.join('\n') + '\n', stderr: '', files: [] };
}
