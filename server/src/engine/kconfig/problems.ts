// Kconfig problems as data (never thrown): what the kernel's conf would warn about or refuse, at its place.

export type KconfigSeverity = 'error' | 'warning' | 'info';

export interface KconfigProblem {
  severity: KconfigSeverity;
  /** Stable kebab-case code, e.g. "kconfig-syntax", "kconfig-source-not-found", "kconfig-dependency-cycle". */
  code: string;
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

  report(severity: KconfigSeverity, code: string, message: string, file = '', line = 0, column = 0): void {
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
