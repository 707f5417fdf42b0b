// Problems as data: every stage reports here instead of throwing.

import { SourceFile } from './source';

export type Severity = 'error' | 'warning' | 'info';

export interface RelatedLocation {
  file: SourceFile;
  offset: number;
  end: number;
  message: string;
}

export interface Problem {
  severity: Severity;
  /** Stable kebab-case code, e.g. "unknown-type", "include-not-found". Documented in the README. */
  code: string;
  message: string;
  /** Undefined for problems with no place (e.g. a bad command-line option). */
  file: SourceFile | undefined;
  offset: number;
  end: number;
  related?: RelatedLocation[];
}

/** Collects problems, dropping exact repeats and capping the total so a pathological input cannot flood memory. */
export class Problems {
  readonly list: Problem[] = [];
  private seen = new Set<string>();
  /** Count of problems dropped because the cap was reached. */
  dropped = 0;

  /** `keepRepeats`: a journal's list, whose length must match what was reported (repeats are dropped later). */
  constructor(
    readonly cap = 10000,
    private readonly keepRepeats = false,
  ) {}

  report(p: Problem): void {
    if (this.keepRepeats) {
      this.list.push(p);
      return;
    }
    const key = `${p.file?.id ?? -1}:${p.offset}:${p.code}:${p.message}`;
    if (this.seen.has(key)) return;
    if (this.list.length >= this.cap) {
      this.dropped++;
      return;
    }
    this.seen.add(key);
    this.list.push(p);
  }

  /** Keeps the first n problems (an incremental run goes back to an earlier state). */
  truncate(n: number): void {
    if (n >= this.list.length) return;
    this.list.length = n;
    this.dropped = 0;
    this.seen = new Set(this.list.map((p) => `${p.file?.id ?? -1}:${p.offset}:${p.code}:${p.message}`));
  }

  error(code: string, message: string, file: SourceFile | undefined, offset = 0, end = offset, related?: RelatedLocation[]): void {
    this.report({ severity: 'error', code, message, file, offset, end, related });
  }

  warning(code: string, message: string, file: SourceFile | undefined, offset = 0, end = offset, related?: RelatedLocation[]): void {
    this.report({ severity: 'warning', code, message, file, offset, end, related });
  }

  info(code: string, message: string, file: SourceFile | undefined, offset = 0, end = offset, related?: RelatedLocation[]): void {
    this.report({ severity: 'info', code, message, file, offset, end, related });
  }
}
