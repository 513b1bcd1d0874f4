// What every bench script prints its progress and its one-line errors with: `bench:NAME: ...` on
// stderr; an error exits 2 (bad input or a missing tool, as the CLI's exit codes).
export function benchOutput(name) {
  const log = (msg) => process.stderr.write(`bench:${name}: ${msg}\n`);
  const die = (msg) => {
    log(msg);
    process.exit(2);
  };
  return { log, die };
}
