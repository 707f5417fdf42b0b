// Kconfig tokens, as scripts/kconfig/lexer.l makes them: keywords, words with $(...) expanded, quoted strings,
// help text by indentation, the value of a variable assignment, and `source` as a stack of files.

import type { CodeOf } from '../base/problems';
import { hasAtom, MacroExpander, type MacroPlace } from './macros';

export const enum T {
  EOF,
  EOL,
  WORD,
  WORD_QUOTE,
  HELPTEXT,
  ASSIGN_VAL,
  BOOL,
  CHOICE,
  COMMENT,
  CONFIG,
  DEF_BOOL,
  DEF_TRISTATE,
  DEFAULT,
  DEPENDS,
  ENDCHOICE,
  ENDIF,
  ENDMENU,
  HELP,
  HEX,
  IF,
  IMPLY,
  INT,
  MAINMENU,
  MENU,
  MENUCONFIG,
  MODULES,
  ON,
  PROMPT,
  RANGE,
  SELECT,
  SOURCE,
  STRING,
  TRANSITIONAL,
  TRISTATE,
  VISIBLE,
  OR,
  AND,
  EQUAL,
  UNEQUAL,
  LESS,
  LESS_EQUAL,
  GREATER,
  GREATER_EQUAL,
  NOT,
  OPEN_PAREN,
  CLOSE_PAREN,
  COLON_EQUAL,
  PLUS_EQUAL,
}

const KEYWORDS = new Map<string, T>([
  ['bool', T.BOOL],
  ['choice', T.CHOICE],
  ['comment', T.COMMENT],
  ['config', T.CONFIG],
  ['def_bool', T.DEF_BOOL],
  ['def_tristate', T.DEF_TRISTATE],
  ['default', T.DEFAULT],
  ['depends', T.DEPENDS],
  ['endchoice', T.ENDCHOICE],
  ['endif', T.ENDIF],
  ['endmenu', T.ENDMENU],
  ['help', T.HELP],
  ['hex', T.HEX],
  ['if', T.IF],
  ['imply', T.IMPLY],
  ['int', T.INT],
  ['mainmenu', T.MAINMENU],
  ['menu', T.MENU],
  ['menuconfig', T.MENUCONFIG],
  ['modules', T.MODULES],
  ['on', T.ON],
  ['prompt', T.PROMPT],
  ['range', T.RANGE],
  ['select', T.SELECT],
  ['source', T.SOURCE],
  ['string', T.STRING],
  ['transitional', T.TRANSITIONAL],
  ['tristate', T.TRISTATE],
  ['visible', T.VISIBLE],
]);

export const TOKEN_NAMES: Record<number, string> = {
  [T.EOF]: 'end of file',
  [T.EOL]: 'end of line',
  [T.WORD]: 'word',
  [T.WORD_QUOTE]: 'string',
  [T.HELPTEXT]: 'help text',
  [T.ASSIGN_VAL]: 'value',
};
for (const [k, v] of KEYWORDS) TOKEN_NAMES[v] = `'${k}'`;
Object.assign(TOKEN_NAMES, {
  [T.OR]: "'||'",
  [T.AND]: "'&&'",
  [T.EQUAL]: "'='",
  [T.UNEQUAL]: "'!='",
  [T.LESS]: "'<'",
  [T.LESS_EQUAL]: "'<='",
  [T.GREATER]: "'>'",
  [T.GREATER_EQUAL]: "'>='",
  [T.NOT]: "'!'",
  [T.OPEN_PAREN]: "'('",
  [T.CLOSE_PAREN]: "')'",
  [T.COLON_EQUAL]: "':='",
  [T.PLUS_EQUAL]: "'+='",
});

export interface Token {
  kind: T;
  /** WORD, WORD_QUOTE, HELPTEXT, ASSIGN_VAL: the (expanded) text. */
  value: string;
  /** The token as written, before expansion (for naming free symbols). */
  raw: string;
  /** Whether the expanded text holds a free atom. */
  free: boolean;
  file: string;
  line: number;
  column: number;
}

interface Buffer {
  text: string;
  pos: number;
  line: number;
  /** Offset of the start of the current line (for columns). */
  lineStart: number;
  file: string;
  /** Line of the statement that sourced this file, in the parent. */
  sourceLine: number;
}

export interface LexerSink {
  warning(code: CodeOf<'warning'>, message: string, file: string, line: number, column: number): void;
}

const enum State {
  INITIAL,
  ASSIGN_VAL,
  HELP,
}

const isN = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_' || c === '-';

export class Lexer {
  private buf: Buffer;
  private readonly stack: Buffer[] = [];
  private state = State.INITIAL;
  private prevToken = T.EOL;
  private prevPrevToken = T.EOL;
  /** cur_lineno: the line of the first token of the current statement. */
  curLine = 1;
  curFile: string;

  constructor(
    text: string,
    file: string,
    private readonly macros: MacroExpander,
    private readonly sink: LexerSink,
  ) {
    this.buf = { text, pos: 0, line: 1, lineStart: 0, file, sourceLine: 0 };
    this.curFile = file;
  }

  /** Files being read, innermost first (for recursive-inclusion checks and messages). */
  get includeStack(): { file: string; line: number }[] {
    const out = [{ file: this.buf.file, line: this.curLine }];
    for (let i = this.stack.length - 1; i >= 0; i--) out.push({ file: this.stack[i].file, line: this.buf.sourceLine });
    return out;
  }

  get depth(): number {
    return this.stack.length;
  }

  /** zconf_nextfile: continue in another file; back here at its end. */
  pushFile(text: string, file: string): void {
    this.stack.push(this.buf);
    this.buf = { text, pos: 0, line: 1, lineStart: 0, file, sourceLine: this.curLine };
    this.curFile = file;
  }

  /** zconf_starthelp: the parser saw `help` and its end of line. */
  startHelp(): void {
    this.state = State.HELP;
  }

  place(): MacroPlace {
    return { file: this.buf.file, line: this.buf.line };
  }

  /** The next token for the parser (yylex: drops repeated ends of line, tracks the statement's line). */
  next(): Token {
    for (;;) {
      const tok = this.lex1();
      if (this.prevToken === T.EOL || this.prevToken === T.HELPTEXT) {
        if (tok.kind === T.EOL) continue;
        this.curLine = tok.line;
        this.curFile = tok.file;
      }
      if (this.prevPrevToken === T.EOL && this.prevToken === T.WORD && (tok.kind === T.EQUAL || tok.kind === T.COLON_EQUAL || tok.kind === T.PLUS_EQUAL)) {
        this.state = State.ASSIGN_VAL;
      }
      this.prevPrevToken = this.prevToken;
      this.prevToken = tok.kind;
      return tok;
    }
  }

  private tok(kind: T, value = '', raw = value, free = false, start = this.buf.pos): Token {
    return { kind, value, raw, free, file: this.buf.file, line: this.buf.line, column: start - this.buf.lineStart + 1 };
  }

  private newline(b: Buffer, at: number): void {
    b.line++;
    b.lineStart = at + 1;
  }

  private lex1(): Token {
    if (this.state === State.HELP) return this.lexHelp();
    if (this.state === State.ASSIGN_VAL) return this.lexAssignVal();
    for (;;) {
      const b = this.buf;
      const s = b.text;
      if (b.pos >= s.length) {
        if (this.stack.length) {
          if (this.prevToken !== T.EOL && this.prevToken !== T.HELPTEXT) {
            this.sink.warning('kconfig-no-newline', 'no new line at end of file', b.file, b.line, b.pos - b.lineStart + 1);
          }
          const t = this.tok(T.EOL);
          this.buf = this.stack.pop()!;
          return t;
        }
        return this.tok(T.EOF);
      }
      const c = s[b.pos];
      const start = b.pos;
      if (c === '#') {
        while (b.pos < s.length && s[b.pos] !== '\n') b.pos++;
        continue;
      }
      if (c === ' ' || c === '\t') {
        b.pos++;
        continue;
      }
      if (c === '\\' && s[b.pos + 1] === '\n') {
        b.pos += 2;
        this.newline(b, start + 1);
        continue;
      }
      if (c === '\n') {
        const t = this.tok(T.EOL, '', '', false, start);
        b.pos++;
        this.newline(b, start);
        return t;
      }
      if (c === '"' || c === "'") return this.lexString(c);
      if (isN(c) || c === '$') {
        let e = b.pos;
        let dollar = false;
        while (e < s.length && (isN(s[e]) || s[e] === '$')) {
          if (s[e] === '$') dollar = true;
          e++;
        }
        if (!dollar) {
          const word = s.slice(start, e);
          b.pos = e;
          const kw = KEYWORDS.get(word);
          return this.tok(kw ?? T.WORD, word, word, false, start);
        }
        // expand_token: the word, its $(...) references (which may hold spaces) and what follows up to a
        // character that cannot be in a word, expanded as one token.
        let eol = s.indexOf('\n', start);
        if (eol < 0) eol = s.length;
        const line = s.slice(0, eol);
        const r = this.macros.expandToken(line, start, this.place());
        b.pos = Math.max(r.end, start + 1);
        if (r.text.length) return this.tok(T.WORD, r.text, s.slice(start, b.pos), hasAtom(r.text), start);
        continue;
      }
      const two = s.slice(b.pos, b.pos + 2);
      const op2 = OPS2.get(two);
      if (op2 !== undefined) {
        b.pos += 2;
        return this.tok(op2, two, two, false, start);
      }
      const op1 = OPS1.get(c);
      if (op1 !== undefined) {
        b.pos++;
        return this.tok(op1, c, c, false, start);
      }
      this.sink.warning('kconfig-ignored-character', `ignoring unsupported character '${printable(c)}'`, b.file, b.line, start - b.lineStart + 1);
      b.pos++;
    }
  }

  private lexString(quote: string): Token {
    const b = this.buf;
    const s = b.text;
    const start = b.pos;
    b.pos++;
    let out = '';
    for (;;) {
      if (b.pos >= s.length) break;
      const c = s[b.pos];
      if (c === '$') {
        let eol = s.indexOf('\n', b.pos);
        if (eol < 0) eol = s.length;
        const r = this.macros.expandDollar(s.slice(0, eol), b.pos + 1, this.place());
        out += r.text;
        b.pos = r.end;
        continue;
      }
      if (c === '\\') {
        const d = s[b.pos + 1];
        if (d !== undefined && d !== '\n') {
          out += d;
          b.pos += 2;
        } else b.pos++;
        continue;
      }
      if (c === '"' || c === "'") {
        b.pos++;
        if (c === quote) break;
        out += c;
        continue;
      }
      if (c === '\n') {
        this.sink.warning('kconfig-multiline-string', 'multi-line strings not supported', b.file, b.line, start - b.lineStart + 1);
        break;
      }
      let e = b.pos;
      while (e < s.length && !'$\'"\\\n'.includes(s[e])) e++;
      out += s.slice(b.pos, e);
      b.pos = e;
    }
    return this.tok(T.WORD_QUOTE, out, s.slice(start, b.pos), hasAtom(out), start);
  }

  private lexAssignVal(): Token {
    const b = this.buf;
    const s = b.text;
    for (;;) {
      if (b.pos >= s.length) {
        this.state = State.INITIAL;
        return this.lex1();
      }
      const c = s[b.pos];
      if (c === '\n') {
        const t = this.tok(T.EOL);
        b.pos++;
        this.newline(b, b.pos - 1);
        this.state = State.INITIAL;
        return t;
      }
      if (c === ' ' || c === '\t') {
        b.pos++;
        continue;
      }
      let e = s.indexOf('\n', b.pos);
      if (e < 0) e = s.length;
      const start = b.pos;
      b.pos = e;
      const v = s.slice(start, e);
      return this.tok(T.ASSIGN_VAL, v, v, false, start);
    }
  }

  /** Help text: lines indented at least as much as its first line (lexer.l's HELP state). */
  private lexHelp(): Token {
    const b = this.buf;
    const s = b.text;
    let text = '';
    let firstTs = 0;
    let lastTs = 0;
    const line = b.line;
    const end = (): Token => {
      this.state = State.INITIAL;
      return { kind: T.HELPTEXT, value: text, raw: '', free: false, file: b.file, line, column: 1 };
    };
    for (;;) {
      if (b.pos >= s.length) return end();
      let e = b.pos;
      while (e < s.length && (s[e] === ' ' || s[e] === '\t')) e++;
      if (e < s.length && s[e] === '\n') {
        const after = s[e + 1];
        b.pos = e + 1;
        this.newline(b, e);
        if (after !== undefined && after !== ' ' && after !== '\t' && after !== '\n') return end();
        text += '\n';
        continue;
      }
      if (e > b.pos) {
        let ts = 0;
        for (let i = b.pos; i < e; i++) ts = s[i] === '\t' ? (ts & ~7) + 8 : ts + 1;
        lastTs = ts;
        b.pos = e;
        if (firstTs) {
          if (ts < firstTs) return end();
          ts -= firstTs;
          while (ts > 8) {
            text += '        ';
            ts -= 8;
          }
          text += ' '.repeat(ts);
        }
        if (e >= s.length) continue;
      }
      let eol = s.indexOf('\n', b.pos);
      if (eol < 0) eol = s.length;
      let t = eol;
      while (t > b.pos && (s[t - 1] === ' ' || s[t - 1] === '\t')) t--;
      text += s.slice(b.pos, t);
      b.pos = eol;
      if (!firstTs) firstTs = lastTs;
    }
  }
}

const OPS2 = new Map<string, T>([
  ['||', T.OR],
  ['&&', T.AND],
  ['!=', T.UNEQUAL],
  ['<=', T.LESS_EQUAL],
  ['>=', T.GREATER_EQUAL],
  [':=', T.COLON_EQUAL],
  ['+=', T.PLUS_EQUAL],
]);
const OPS1 = new Map<string, T>([
  ['=', T.EQUAL],
  ['<', T.LESS],
  ['>', T.GREATER],
  ['!', T.NOT],
  ['(', T.OPEN_PAREN],
  [')', T.CLOSE_PAREN],
]);

function printable(c: string): string {
  const code = c.charCodeAt(0);
  return code < 32 || code === 127 ? `\\x${code.toString(16).padStart(2, '0')}` : c;
}
