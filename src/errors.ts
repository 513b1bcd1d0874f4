// One error type for everything a user can fix, mapped to an exit code in one place (cli.ts).
export const EXIT = {
  ok: 0,
  findings: 1,
  usage: 2,
  baselineFails: 3,
  interrupted: 130,
} as const;

export class RxfixError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'RxfixError';
  }
}
