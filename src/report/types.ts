import type { RuleDef } from '../engine/rule.js';
import type { Finding } from '../engine/rule.js';
import type { Style } from './style.js';

export interface ScanReport {
  /** Paths as displayed, relative to the current directory. */
  files: number;
  findings: Finding[];
  /** Source text per displayed path, for code frames. */
  sources: ReadonlyMap<string, string>;
  rules: readonly RuleDef[];
  version: string;
}

export type Formatter = (report: ScanReport, style: Style) => string;
