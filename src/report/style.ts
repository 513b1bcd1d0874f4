// ANSI styling, enabled only when the caller says the stream is a TTY and NO_COLOR is unset.
export interface Style {
  bold(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  blue(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
}

const wrap = (open: string) => (s: string) => `\u001b[${open}m${s}\u001b[0m`;

export const plain: Style = { bold: (s) => s, red: (s) => s, yellow: (s) => s, green: (s) => s, blue: (s) => s, cyan: (s) => s, dim: (s) => s };
export const ansi: Style = { bold: wrap('1'), red: wrap('1;31'), yellow: wrap('1;33'), green: wrap('1;32'), blue: wrap('1;34'), cyan: wrap('36'), dim: wrap('2') };

export function styleFor(isTty: boolean, env: NodeJS.ProcessEnv): Style {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return plain;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return ansi;
  return isTty ? ansi : plain;
}
