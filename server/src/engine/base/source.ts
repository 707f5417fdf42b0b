// Source files and positions: every later stage points back into these by (file, offset).

/** A file's text as the engine saw it (disk or an unsaved editor buffer). */
export class SourceFile {
  private lineStartsCache: number[] | undefined;

  constructor(
    /** Dense id, index into the analysis' file table. */
    readonly id: number,
    /** Path as given by the caller or found through include paths. */
    readonly path: string,
    /** The text; replaced in place when the file changes (tokens keep pointing at their file). */
    public text: string,
  ) {}

  /** The file now reads `text` (an edit): tokens lexed before the first change stay valid. */
  setText(text: string): void {
    this.text = text;
    this.lineStartsCache = undefined;
  }

  /** Offsets at which each line starts (line 1 starts at 0). Computed on first use. */
  get lineStarts(): number[] {
    if (!this.lineStartsCache) {
      const starts = [0];
      const text = this.text;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) starts.push(i + 1);
        else if (c === 13) {
          if (text.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
      this.lineStartsCache = starts;
    }
    return this.lineStartsCache;
  }

  /** 1-based line and column (in UTF-16 code units, as LSP counts) of an offset. */
  position(offset: number): { line: number; column: number } {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  }

  /** Offset of a 1-based line/column; clamped into the file. */
  offsetAt(line: number, column: number): number {
    const starts = this.lineStarts;
    const l = Math.max(1, Math.min(line, starts.length));
    const lineEnd = l < starts.length ? starts[l] : this.text.length;
    return Math.max(0, Math.min(starts[l - 1] + column - 1, lineEnd));
  }
}

/** A place in a source file. `end` is exclusive; equal to `offset` for points. */
export interface Span {
  file: SourceFile;
  offset: number;
  end: number;
}
