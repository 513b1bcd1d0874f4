// Formatters by name: pure functions of the report. Each module is imported only when its format
// is asked for, so a default scan loads the pretty printer alone.
import type { Formatter } from './types.js';

export const FORMAT_NAMES = ['pretty', 'short', 'json', 'sarif', 'github'] as const;

export function isFormat(name: string): boolean {
  return (FORMAT_NAMES as readonly string[]).includes(name);
}

export async function loadFormatter(name: string): Promise<Formatter> {
  switch (name) {
    case 'pretty':
      return (await import('./pretty.js')).formatPretty;
    case 'short':
      return (await import('./short.js')).formatShort;
    case 'json': {
      const { formatJson } = await import('./json.js');
      return (r) => formatJson(r);
    }
    case 'sarif': {
      const { formatSarif } = await import('./sarif.js');
      return (r) => formatSarif(r);
    }
    case 'github': {
      const { formatGithub } = await import('./github.js');
      return (r) => formatGithub(r);
    }
    default:
      throw new Error(`internal: unknown format ${name}`);
  }
}
