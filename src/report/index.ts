// Formatters by name: pure functions of the report.
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatPretty } from './pretty.js';
import { formatSarif } from './sarif.js';
import { formatShort } from './short.js';
import type { Formatter } from './types.js';

export const FORMATTERS: Record<string, Formatter> = {
  pretty: formatPretty,
  short: formatShort,
  json: (r) => formatJson(r),
  sarif: (r) => formatSarif(r),
  github: (r) => formatGithub(r),
};

export const FORMAT_NAMES = Object.keys(FORMATTERS);
