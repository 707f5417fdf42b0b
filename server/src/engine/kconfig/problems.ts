// Kconfig problems as data (never thrown): what the kernel's conf would warn about or refuse, at its place, with
// codes (and so severities) from the engine's one registry.

import type { CodeOf, ProblemCode, Severity } from '../base/problems';

export type KconfigSeverity = Severity;

export interface KconfigProblem {
  severity: KconfigSeverity;
  /** A code of the registry, e.g. "kconfig-syntax", "kconfig-source-not-found", "kconfig-dependency-cycle". */
  code: ProblemCode;
  message: string;
  /** Path relative to the tree (as Kconfig names it), or '' for problems with no place. */
  file: string;
  /** 1-based, as the kernel's tools print them; 0 when unknown. */
  line: number;
  column: number;
}

/** Collects problems, dropping exact repeats and capping the total (bounded memory on hostile input). */
export class KconfigProblems {
  readonly list: KconfigProblem[] = [];
  private readonly seen = new Set<string>();
  dropped = 0;

  constructor(readonly cap = 10000) {}

  report<S extends KconfigSeverity>(severity: S, code: CodeOf<S>, message: string, file = '', line = 0, column = 0): void {
    const key = `${file}:${line}:${column}:${code}:${message}`;
    if (this.seen.has(key)) return;
    if (this.list.length >= this.cap) {
      this.dropped++;
      return;
    }
    this.seen.add(key);
    this.list.push({ severity, code, message, file, line, column });
  }

  get errors(): KconfigProblem[] {
    return this.list.filter((p) => p.severity === 'error');
  }
}
