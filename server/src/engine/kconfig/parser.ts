// Kconfig statements into menu entries and symbols, as scripts/kconfig/parser.y and menu.c build them,
// with statement-level error recovery (a bad line is reported and the rest of the tree is still read).

import type { CodeOf } from '../base/problems';
import * as path from 'node:path';
import type { KconfigHost } from './host';
import { Lexer, T, TOKEN_NAMES, type Token } from './lexer';
import { MacroExpander } from './macros';
import { ExprPool, KSymbol, Menu, type Expr, type MenuKind, type Property, type PropertyKind, type SymbolType } from './model';
import type { KconfigProblems } from './problems';

class ParseError extends Error {
  constructor(
    message: string,
    readonly token: Token,
  ) {
    super(message);
  }
}

/** What parsing leaves for finalize (menu.c's globals). */
export interface ParsedTree {
  root: Menu;
  symbols: KSymbol[];
  byName: Map<string, KSymbol>;
  consts: Map<string, KSymbol>;
  choices: KSymbol[];
  frees: KSymbol[];
  freeSource: Map<KSymbol, string>;
  yes: KSymbol;
  mod: KSymbol;
  no: KSymbol;
  modules: KSymbol | null;
  pool: ExprPool;
  files: string[];
  macros: MacroExpander;
  nextSymbolId: () => number;
}

/** Bounds for hostile trees. */
const MAX_FILES = 20000;
const MAX_SOURCE_DEPTH = 100;
const MAX_EXPR_DEPTH = 500;
const MAX_BLOCK_DEPTH = 500;

export class KconfigParser {
  private lexer!: Lexer;
  private tok!: Token;
  private readonly pool = new ExprPool();
  private nextId = 0;
  private readonly symbols: KSymbol[] = [];
  private readonly byName = new Map<string, KSymbol>();
  private readonly consts = new Map<string, KSymbol>();
  private readonly choices: KSymbol[] = [];
  private readonly frees: KSymbol[] = [];
  private readonly freeByValue = new Map<string, KSymbol>();
  private readonly freeSource = new Map<KSymbol, string>();
  readonly yes: KSymbol;
  readonly mod: KSymbol;
  readonly no: KSymbol;
  private modules: KSymbol | null = null;
  private readonly files: string[] = [];
  readonly macros: MacroExpander;

  // menu.c state
  readonly root: Menu;
  private currentMenu: Menu;
  private currentEntry: Menu;
  private lastEntry: { owner: Menu; field: 'list' | 'next' };
  private currentChoice: Menu | null = null;
  private exprDepth = 0;
  private readonly depTerms = new Map<Menu, Expr[]>();
  private blockDepth = 0;

  constructor(
    private readonly host: KconfigHost,
    private readonly srctree: string,
    env: Readonly<Record<string, string>>,
    private readonly problems: KconfigProblems,
  ) {
    this.yes = this.makeConst('y');
    this.mod = this.makeConst('m');
    this.no = this.makeConst('n');
    this.yes.type = this.mod.type = this.no.type = 'tristate';
    this.root = new Menu('menu', null, null, '', 0);
    this.currentMenu = this.currentEntry = this.root;
    this.lastEntry = { owner: this.root, field: 'list' };
    this.macros = new MacroExpander(env, {
      error: (code, message, p) => this.problems.report('error', code, message, p.file, p.line),
      warning: (code, message, p) => this.problems.report('warning', code, message, p.file, p.line),
      info: (message, p) => this.problems.report('info', 'kconfig-info', message, p.file, p.line),
    });
  }

  parse(topFile: string): ParsedTree {
    const text = this.readSource(topFile, undefined);
    this.lexer = new Lexer(text ?? '', topFile, this.macros, {
      warning: (code, message, file, line, column) => this.problems.report('warning', code, message, file, line, column),
    });
    if (text === undefined) this.problems.report('error', 'kconfig-source-not-found', `can't find file ${topFile}`, topFile, 0);
    this.advance();
    if (this.tok.kind === T.MAINMENU) this.statement(() => this.mainmenu());
    this.stmtList('top');
    this.macros.clearVariables();
    for (const [menu, terms] of this.depTerms) menu.dep = this.pool.fold('and', terms);
    return {
      root: this.root,
      symbols: this.symbols,
      byName: this.byName,
      consts: this.consts,
      choices: this.choices,
      frees: this.frees,
      freeSource: this.freeSource,
      yes: this.yes,
      mod: this.mod,
      no: this.no,
      modules: this.modules,
      pool: this.pool,
      files: this.files,
      macros: this.macros,
      nextSymbolId: () => this.nextId++,
    };
  }

  // ---- symbols (symbol.c sym_lookup) ----

  private makeConst(name: string): KSymbol {
    const s = new KSymbol(this.nextId++, name, 'const');
    this.consts.set(name, s);
    return s;
  }

  private lookup(name: string, isConst: boolean): KSymbol {
    if (name.length === 1) {
      if (name === 'y') return this.yes;
      if (name === 'm') return this.mod;
      if (name === 'n') return this.no;
    }
    if (isConst) return this.consts.get(name) ?? this.makeConst(name);
    let s = this.byName.get(name);
    if (!s) {
      s = new KSymbol(this.nextId++, name, 'normal');
      this.byName.set(name, s);
      this.symbols.push(s);
    }
    return s;
  }

  /** A word or string made from a probe result: one free symbol per distinct expanded text. */
  private freeSymbol(t: Token): KSymbol {
    let s = this.freeByValue.get(t.value);
    if (!s) {
      s = new KSymbol(this.nextId++, this.macros.display(t.value), 'free');
      this.freeByValue.set(t.value, s);
      this.frees.push(s);
      this.freeSource.set(s, t.raw);
    }
    return s;
  }

  // ---- tokens ----

  private advance(): void {
    this.tok = this.lexer.next();
  }

  private fail(message?: string): never {
    throw new ParseError(message ?? `syntax error, unexpected ${TOKEN_NAMES[this.tok.kind] ?? 'token'}`, this.tok);
  }

  private expect(kind: T): Token {
    if (this.tok.kind !== kind) this.fail(`syntax error, unexpected ${TOKEN_NAMES[this.tok.kind]}, expecting ${TOKEN_NAMES[kind]}`);
    const t = this.tok;
    if (kind !== T.EOL) this.advance();
    return t;
  }

  /** An end of line ends a statement; the token after it is read only then (a `source` may switch files first). */
  private endOfLine(): void {
    this.expect(T.EOL);
  }

  private afterEol(): void {
    this.advance();
  }

  private error(message: string, file = this.lexer.curFile, line = this.lexer.curLine, column = 0, code: CodeOf<'error'> = 'kconfig-syntax'): void {
    this.problems.report('error', code, message, file, line, column);
  }

  private warn(message: string, file = this.lexer.curFile, line = this.lexer.curLine, code: CodeOf<'warning'> = 'kconfig-warning'): void {
    this.problems.report('warning', code, message, file, line);
  }

  /** Runs one statement; on a syntax error, reports it and skips to the end of the line. */
  private statement(f: () => void): void {
    try {
      f();
      if (this.tok.kind === T.EOL) this.afterEol();
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      if (!(e instanceof SkipStatement)) this.error(e.message, e.token.file, e.token.line, e.token.column);
      this.skipLine();
    }
  }

  private skipLine(): void {
    while (this.tok.kind !== T.EOL && this.tok.kind !== T.EOF) this.advance();
    if (this.tok.kind === T.EOL) this.afterEol();
  }

  // ---- menu.c ----

  private addEntry(sym: KSymbol | null, kind: MenuKind): Menu {
    const m = new Menu(kind, sym, this.currentMenu, this.lexer.curFile, this.lexer.curLine);
    this.lastEntry.owner[this.lastEntry.field] = m;
    this.lastEntry = { owner: m, field: 'next' };
    this.currentEntry = m;
    if (sym) sym.menus.push(m);
    return m;
  }

  private addMenu(): Menu {
    this.lastEntry = { owner: this.currentEntry, field: 'list' };
    this.currentMenu = this.currentEntry;
    return this.currentMenu;
  }

  private endMenu(): void {
    this.lastEntry = { owner: this.currentMenu, field: 'next' };
    this.currentMenu = this.currentMenu.parent ?? this.root;
  }

  private addDep(dep: Expr, cond: Expr | null): void {
    // `depends on X if Y` is X || (Y = n)
    const d = cond ? this.pool.two('or', dep, transCompare(this.pool, this, cond, 'eq', this.no)) : dep;
    // Folded balanced when parsing ends (an entry with thousands of `depends on` lines stays shallow).
    const terms = this.depTerms.get(this.currentEntry);
    if (terms) terms.push(d);
    else this.depTerms.set(this.currentEntry, [d]);
  }

  private setType(type: SymbolType): void {
    const sym = this.currentEntry.sym;
    if (!sym || sym.type === type) return;
    if (sym.type === 'unknown') {
      sym.type = type;
      return;
    }
    this.warn(`ignoring type redefinition of '${sym.name || '<choice>'}' from '${typeName(sym.type)}' to '${typeName(type)}'`, this.currentEntry.file, this.currentEntry.line, 'kconfig-type-redefined');
  }

  private addProp(kind: PropertyKind, expr: Expr | null, dep: Expr | null): Property {
    const p: Property = { kind, expr, visible: dep, menu: this.currentEntry, file: this.lexer.curFile, line: this.lexer.curLine };
    this.currentEntry.sym?.props.push(p);
    return p;
  }

  private addPrompt(kind: 'prompt' | 'menu' | 'comment', text: string, dep: Expr | null): Property {
    const p = this.addProp(kind, null, dep);
    if (/^\s/.test(text)) {
      this.warn('leading whitespace ignored', p.file, p.line, 'kconfig-prompt-whitespace');
      text = text.replace(/^\s+/, '');
    }
    if (this.currentEntry.prompt) this.warn('prompt redefined', p.file, p.line, 'kconfig-prompt-redefined');
    if (kind === 'prompt') {
      // Every enclosing menu's `visible if` limits a prompt.
      for (let m = this.currentEntry.parent; m; m = m.parent) if (m.visibility) p.visible = this.pool.and(p.visible, m.visibility);
    }
    this.currentEntry.prompt = p;
    p.text = text;
    return p;
  }

  // ---- grammar ----

  private mainmenu(): void {
    this.advance();
    const t = this.expect(T.WORD_QUOTE);
    this.endOfLine();
    const saved = this.currentEntry;
    this.currentEntry = this.root;
    this.addPrompt('menu', t.value, null);
    this.currentEntry = saved;
  }

  /** stmt_list (and stmt_list_in_choice): statements until an end keyword or the end of input. */
  /** Reads a block's statements, or skips the block when blocks are nested too deep (bounded stack). */
  private block(context: 'menu' | 'if' | 'choice'): boolean {
    if (this.blockDepth >= MAX_BLOCK_DEPTH) {
      this.error(`blocks nested deeper than ${MAX_BLOCK_DEPTH}: this one is skipped`, undefined, undefined, 0, 'kconfig-nesting-too-deep');
      let depth = 1;
      while (this.tok.kind !== T.EOF) {
        const k = this.tok.kind;
        if (k === T.IF || k === T.MENU || k === T.CHOICE) depth++;
        else if (k === T.ENDIF || k === T.ENDMENU || k === T.ENDCHOICE) depth--;
        this.skipLine();
        if (depth === 0) break;
      }
      return false;
    }
    this.blockDepth++;
    try {
      this.stmtList(context);
    } finally {
      this.blockDepth--;
    }
    return true;
  }

  private stmtList(context: 'top' | 'menu' | 'if' | 'choice'): void {
    for (;;) {
      const k = this.tok.kind;
      if (k === T.EOF) return;
      if (k === T.ENDMENU || k === T.ENDIF || k === T.ENDCHOICE) {
        if (context !== 'top') return;
        const word = k === T.ENDMENU ? 'endmenu' : k === T.ENDIF ? 'endif' : 'endchoice';
        this.statement(() => this.fail(`syntax error, unexpected '${word}'`));
        continue;
      }
      const inChoice = context === 'choice';
      switch (k) {
        case T.CONFIG:
          this.configStmt(false);
          break;
        case T.MENUCONFIG:
          if (inChoice) this.statement(() => this.fail());
          else this.configStmt(true);
          break;
        case T.COMMENT:
          this.commentStmt();
          break;
        case T.IF:
          this.ifStmt(inChoice);
          break;
        case T.CHOICE:
          if (inChoice) this.statement(() => this.fail());
          else this.choiceStmt();
          break;
        case T.MENU:
          if (inChoice) this.statement(() => this.fail());
          else this.menuStmt();
          break;
        case T.SOURCE:
          if (inChoice) this.statement(() => this.fail());
          else this.statement(() => this.sourceStmt('source'));
          break;
        case T.WORD:
          if (inChoice) {
            this.statement(() => this.fail());
            break;
          }
          this.wordStmt();
          break;
        default:
          this.statement(() => this.fail());
      }
    }
  }

  /** A statement that starts with a word: a variable assignment, or a Kconfiglib extension, or an error. */
  private wordStmt(): void {
    const word = this.tok;
    if (['rsource', 'osource', 'orsource'].includes(word.value) && !word.free) {
      this.statement(() => this.sourceStmt(word.value as 'rsource' | 'osource' | 'orsource'));
      return;
    }
    this.statement(() => {
      this.advance();
      const op = this.tok.kind;
      if (op !== T.EQUAL && op !== T.COLON_EQUAL && op !== T.PLUS_EQUAL) {
        this.error(`unknown statement "${word.value}"`, word.file, word.line, word.column);
        throw new SkipStatement();
      }
      this.advance();
      let value = '';
      if (this.tok.kind === T.ASSIGN_VAL) {
        value = this.tok.value;
        this.advance();
      }
      this.endOfLine();
      const flavor = op === T.EQUAL ? 'recursive' : op === T.COLON_EQUAL ? 'simple' : 'append';
      this.macros.assign(word.value, value, flavor, { file: word.file, line: word.line });
    });
  }

  private sourceStmt(kind: 'source' | 'rsource' | 'osource' | 'orsource'): void {
    const kw = this.tok;
    this.advance();
    const t = this.expect(T.WORD_QUOTE);
    // The file switch happens when the end of line is seen, before the next token is read.
    this.expect(T.EOL);
    if (t.free) {
      this.error(`cannot source "${this.macros.display(t.value)}": its name depends on a toolchain probe or an unknown environment variable`, kw.file, kw.line, kw.column, 'kconfig-source-unresolved');
      return;
    }
    const relative = kind === 'rsource' || kind === 'orsource';
    const optional = kind === 'osource' || kind === 'orsource';
    let names = [relative ? path.posix.join(path.posix.dirname(kw.file), t.value) : t.value];
    if (kind !== 'source' && /[*?[]/.test(names[0])) names = this.glob(names[0]);
    // Files are pushed in reverse so that they are read in order.
    const texts: { name: string; text: string }[] = [];
    for (const name of names) {
      const stack = this.lexer.includeStack;
      if (stack.some((f) => f.file === name)) {
        this.error(`Recursive inclusion detected: ${name}, included from ${stack.map((f) => `${f.file}:${f.line}`).join(', ')}`, kw.file, kw.line, kw.column, 'kconfig-recursive-source');
        continue;
      }
      if (this.lexer.depth >= MAX_SOURCE_DEPTH) {
        this.error(`source nesting deeper than ${MAX_SOURCE_DEPTH}`, kw.file, kw.line, kw.column, 'kconfig-source-depth');
        continue;
      }
      const text = this.readSource(name, kw);
      if (text === undefined) {
        if (!optional) this.error(`can't open file "${name}"`, kw.file, kw.line, kw.column, 'kconfig-source-not-found');
        continue;
      }
      texts.push({ name, text });
    }
    for (let i = texts.length - 1; i >= 0; i--) this.lexer.pushFile(texts[i].text, texts[i].name);
  }

  private glob(pattern: string): string[] {
    const dir = path.posix.dirname(pattern);
    const base = path.posix.basename(pattern);
    const re = new RegExp(`^${base.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
    const names = this.host.list(this.abs(dir)) ?? [];
    return names.filter((n) => re.test(n)).sort().map((n) => path.posix.join(dir, n));
  }

  private abs(name: string): string {
    return path.resolve(this.srctree, name);
  }

  /** Reads a Kconfig file of the tree (never outside it: a workspace's Kconfig cannot make us read elsewhere). */
  private readSource(name: string, at: Token | undefined): string | undefined {
    const abs = this.abs(name);
    const rel = path.relative(this.srctree, abs);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      this.error(`"${name}" is outside the kernel tree; not read`, at?.file ?? name, at?.line ?? 0, at?.column ?? 0, 'kconfig-source-outside-tree');
      return undefined;
    }
    if (this.files.length >= MAX_FILES) {
      this.error(`more than ${MAX_FILES} Kconfig files; the rest are not read`, at?.file ?? name, at?.line ?? 0, at?.column ?? 0, 'kconfig-too-many-files');
      return undefined;
    }
    const text = this.host.readFile(abs);
    if (text !== undefined) this.files.push(name);
    return text;
  }

  private configStmt(menuconfig: boolean): void {
    let entry: Menu | null = null;
    this.statement(() => {
      this.advance();
      const name = this.expect(T.WORD);
      if (name.free) this.fail(`a symbol name cannot come from a toolchain probe: ${this.macros.display(name.value)}`);
      this.endOfLine();
      entry = this.addEntry(this.lookup(name.value, false), menuconfig ? 'menu' : 'normal');
    });
    if (!entry) {
      // `config` without a usable name: its options are skipped with it.
      this.skipOptions();
      return;
    }
    this.configOptions();
    const e = entry as Menu;
    const sym = e.sym!;
    if (menuconfig) {
      if (e.prompt) e.prompt.kind = 'menu';
      else this.error('menuconfig statement without prompt', e.file, e.line, 0, 'kconfig-menuconfig-without-prompt');
    }
    if (this.currentChoice) {
      if (!e.prompt) this.error('choice member must have a prompt', e.file, e.line, 0, 'kconfig-choice-member');
      if (sym.type !== 'bool') this.error('choice member must be bool', e.file, e.line, 0, 'kconfig-choice-member');
      const choice = this.currentChoice.sym!;
      if (!sym.memberOf) {
        sym.memberOf = choice;
        choice.members.push(sym);
      }
    }
  }

  /** Options of a config entry that failed to start: skipped up to the next statement. */
  private skipOptions(): void {
    while (OPTION_STARTS.has(this.tok.kind)) {
      if (this.tok.kind === T.HELP) this.statement(() => this.help());
      else this.skipLine();
    }
  }

  private configOptions(): void {
    for (;;) {
      const k = this.tok.kind;
      if (k === T.DEPENDS) this.statement(() => this.depends());
      else if (k === T.HELP) this.statement(() => this.help());
      else if (k === T.BOOL || k === T.TRISTATE || k === T.INT || k === T.HEX || k === T.STRING) this.statement(() => this.typeOption());
      else if (k === T.PROMPT) this.statement(() => this.promptOption());
      else if (k === T.TRANSITIONAL)
        this.statement(() => {
          this.advance();
          this.endOfLine();
          this.currentEntry.sym!.transitional = true;
        });
      else if (k === T.DEFAULT || k === T.DEF_BOOL || k === T.DEF_TRISTATE) this.statement(() => this.defaultOption());
      else if (k === T.SELECT || k === T.IMPLY) this.statement(() => this.selectOption(k === T.SELECT ? 'select' : 'imply'));
      else if (k === T.RANGE) this.statement(() => this.rangeOption());
      else if (k === T.MODULES) this.statement(() => this.modulesOption());
      else if (k === T.WORD && this.tok.value === 'option' && !this.tok.free) this.statement(() => this.legacyOption());
      else return;
    }
  }

  private typeOption(): void {
    const k = this.tok.kind;
    this.advance();
    if (this.tok.kind === T.WORD_QUOTE) {
      const text = this.tok.value;
      this.advance();
      const cond = this.ifExpr();
      this.addPrompt('prompt', text, cond);
    }
    this.endOfLine();
    this.setType(TYPE_OF.get(k)!);
  }

  private promptOption(): void {
    this.advance();
    const text = this.expect(T.WORD_QUOTE).value;
    const cond = this.ifExpr();
    this.endOfLine();
    this.addPrompt('prompt', text, cond);
  }

  private defaultOption(): void {
    const k = this.tok.kind;
    this.advance();
    const value = this.expr();
    const cond = this.ifExpr();
    this.endOfLine();
    this.addProp('default', value, cond);
    if (k === T.DEF_BOOL) this.setType('bool');
    else if (k === T.DEF_TRISTATE) this.setType('tristate');
  }

  private selectOption(kind: 'select' | 'imply'): void {
    this.advance();
    const target = this.nonconstSymbol();
    const cond = this.ifExpr();
    this.endOfLine();
    this.addProp(kind, this.pool.sym(target), cond);
  }

  private rangeOption(): void {
    this.advance();
    const lo = this.symbol();
    const hi = this.symbol();
    const cond = this.ifExpr();
    this.endOfLine();
    const p = this.addProp('range', null, cond);
    p.rangeLow = lo;
    p.rangeHigh = hi;
  }

  private modulesOption(): void {
    this.advance();
    this.endOfLine();
    this.setModules();
  }

  private setModules(): void {
    const sym = this.currentEntry.sym!;
    if (this.modules && this.modules !== sym) {
      this.error(`symbol '${sym.name}' redefines option 'modules' already defined by symbol '${this.modules.name}'`, undefined, undefined, 0, 'kconfig-modules-redefined');
    }
    this.modules = sym;
  }

  /** `option modules` and friends (trees before 5.15). */
  private legacyOption(): void {
    this.advance();
    const name = this.expect(T.WORD).value;
    while (this.tok.kind !== T.EOL && this.tok.kind !== T.EOF) this.advance();
    this.endOfLine();
    if (name === 'modules') this.setModules();
    else if (name !== 'defconfig_list' && name !== 'allnoconfig_y' && name !== 'env') this.warn(`ignoring unknown option "${name}"`);
  }

  private depends(): void {
    this.advance();
    this.expect(T.ON);
    const dep = this.expr();
    const cond = this.ifExpr();
    this.endOfLine();
    this.addDep(dep, cond);
  }

  private help(): void {
    const at = this.tok;
    this.advance();
    if (this.tok.kind !== T.EOL) this.fail();
    this.lexer.startHelp();
    this.advance();
    const t = this.tok;
    if (t.kind !== T.HELPTEXT) this.fail();
    const entry = this.currentEntry;
    const who = entry.sym ? entry.sym.name || '<choice>' : '<menu>';
    if (entry.help !== undefined) this.warn(`'${who}' defined with more than one help text`, at.file, at.line, 'kconfig-help');
    if (/^\s*$/.test(t.value)) this.warn(`'${who}' defined with blank help text`, at.file, at.line, 'kconfig-help');
    entry.help = t.value;
    // The token after the help text starts the next statement.
    this.advance();
  }

  private choiceStmt(): void {
    let entry: Menu | null = null;
    this.statement(() => {
      this.advance();
      // Trees before 6.11 could name a choice (`choice NAME`); the name was never used in a .config.
      if (this.tok.kind === T.WORD) this.advance();
      this.endOfLine();
      const sym = new KSymbol(this.nextId++, '', 'choice');
      this.choices.push(sym);
      entry = this.addEntry(sym, 'choice');
      sym.type = 'bool';
    });
    if (!entry) return;
    const e = entry as Menu;
    for (;;) {
      const k = this.tok.kind;
      if (k === T.PROMPT || k === T.BOOL) this.statement(() => this.promptOption());
      else if (k === T.TRISTATE) {
        this.statement(() => this.promptOption());
        this.warn('tristate choices (before 6.11) are read as bool choices', e.file, e.line, 'kconfig-legacy-choice');
      } else if (k === T.DEFAULT)
        this.statement(() => {
          this.advance();
          const s = this.nonconstSymbol();
          const cond = this.ifExpr();
          this.endOfLine();
          this.addProp('default', this.pool.sym(s), cond);
        });
      else if (k === T.DEPENDS) this.statement(() => this.depends());
      else if (k === T.HELP) this.statement(() => this.help());
      else if (k === T.WORD && this.tok.value === 'optional' && !this.tok.free)
        this.statement(() => {
          this.advance();
          this.endOfLine();
          this.warn('optional choices (before 6.11) are read as ordinary choices', e.file, e.line, 'kconfig-legacy-choice');
        });
      else break;
    }
    if (!e.prompt) this.error('choice must have a prompt', e.file, e.line, 0, 'kconfig-choice-without-prompt');
    this.addMenu();
    this.currentChoice = e;
    const read = this.block('choice');
    this.currentChoice = null;
    if (read) this.blockEnd(e, 'choice');
    else this.endMenu();
  }

  private ifStmt(inChoice: boolean): void {
    let entry: Menu | null = null;
    this.statement(() => {
      this.advance();
      const cond = this.expr();
      this.endOfLine();
      entry = this.addEntry(null, 'if');
      this.addDep(cond, null);
    });
    if (!entry) {
      // An `if` whose condition cannot be read still opens a block, so that its `endif` matches.
      entry = this.addEntry(null, 'if');
    }
    this.addMenu();
    if (this.block(inChoice ? 'choice' : 'if')) this.blockEnd(entry, 'if');
    else this.endMenu();
  }

  private menuStmt(): void {
    let entry: Menu | null = null;
    this.statement(() => {
      this.advance();
      const t = this.expect(T.WORD_QUOTE);
      this.endOfLine();
      entry = this.addEntry(null, 'menu');
      this.addPrompt('menu', t.value, null);
    });
    if (!entry) entry = this.addEntry(null, 'menu');
    for (;;) {
      const k = this.tok.kind;
      if (k === T.DEPENDS) this.statement(() => this.depends());
      else if (k === T.VISIBLE)
        this.statement(() => {
          this.advance();
          const cond = this.ifExpr();
          this.endOfLine();
          this.currentEntry.visibility = this.pool.and(this.currentEntry.visibility, cond);
        });
      else break;
    }
    this.addMenu();
    if (this.block('menu')) this.blockEnd(entry, 'menu');
    else this.endMenu();
  }

  /** endmenu/endif/endchoice for the block `entry` (zconf_endtoken), or a missing end at the end of input. */
  private blockEnd(entry: Menu, want: 'menu' | 'if' | 'choice'): void {
    const k = this.tok.kind;
    if (k === T.EOF) {
      this.error('missing end statement for this entry', entry.file, entry.line, 0, 'kconfig-missing-end');
      this.endMenu();
      return;
    }
    const got = k === T.ENDMENU ? 'menu' : k === T.ENDIF ? 'if' : 'choice';
    const at = this.tok;
    this.statement(() => {
      this.advance();
      this.endOfLine();
    });
    if (got !== want) this.error(`unexpected 'end${got}' within ${want} block`, at.file, at.line, at.column, 'kconfig-block-end');
    else if (entry.file !== at.file) {
      this.error(`'end${got}' in different file than '${want}' (at ${entry.file}:${entry.line})`, at.file, at.line, at.column, 'kconfig-block-end');
    }
    // Closed either way, so that one bad end does not swallow the rest of the tree.
    this.endMenu();
  }

  private commentStmt(): void {
    let ok = false;
    this.statement(() => {
      this.advance();
      const t = this.expect(T.WORD_QUOTE);
      this.endOfLine();
      this.addEntry(null, 'comment');
      this.addPrompt('comment', t.value, null);
      ok = true;
    });
    while (this.tok.kind === T.DEPENDS) {
      if (ok) this.statement(() => this.depends());
      else this.skipLine();
    }
  }

  // ---- expressions ----

  private ifExpr(): Expr | null {
    if (this.tok.kind !== T.IF) return null;
    this.advance();
    return this.expr();
  }

  private expr(): Expr {
    if (++this.exprDepth > MAX_EXPR_DEPTH) {
      this.exprDepth = 0;
      this.fail(`expression nested deeper than ${MAX_EXPR_DEPTH}`);
    }
    try {
      const terms = [this.andExpr()];
      while (this.tok.kind === T.OR) {
        this.advance();
        terms.push(this.andExpr());
      }
      return this.pool.fold('or', terms)!;
    } finally {
      this.exprDepth--;
    }
  }

  private andExpr(): Expr {
    const terms = [this.unary()];
    while (this.tok.kind === T.AND) {
      this.advance();
      terms.push(this.unary());
    }
    return this.pool.fold('and', terms)!;
  }

  private unary(): Expr {
    const k = this.tok.kind;
    if (k === T.NOT) {
      this.advance();
      return this.pool.not(this.unary());
    }
    if (k === T.OPEN_PAREN) {
      this.advance();
      const e = this.expr();
      this.expect(T.CLOSE_PAREN);
      return e;
    }
    const l = this.symbol();
    const op = CMP_OPS.get(this.tok.kind);
    if (op) {
      this.advance();
      return this.pool.cmp(op, l, this.symbol());
    }
    return this.pool.sym(l);
  }

  private symbol(): KSymbol {
    const t = this.tok;
    if (t.kind === T.WORD || t.kind === T.WORD_QUOTE) {
      this.advance();
      if (t.free) return this.freeSymbol(t);
      return this.lookup(t.value, t.kind === T.WORD_QUOTE);
    }
    return this.fail();
  }

  private nonconstSymbol(): KSymbol {
    const t = this.tok;
    if (t.kind !== T.WORD) this.fail();
    this.advance();
    if (t.free) this.fail(`a symbol name cannot come from a toolchain probe: ${this.macros.display(t.value)}`);
    return this.lookup(t.value, false);
  }
}

class SkipStatement extends ParseError {
  constructor() {
    super('', { kind: T.EOL, value: '', raw: '', free: false, file: '', line: 0, column: 0 });
  }
}

const OPTION_STARTS = new Set<T>([T.DEPENDS, T.HELP, T.BOOL, T.TRISTATE, T.INT, T.HEX, T.STRING, T.PROMPT, T.TRANSITIONAL, T.DEFAULT, T.DEF_BOOL, T.DEF_TRISTATE, T.SELECT, T.IMPLY, T.RANGE, T.MODULES]);

const TYPE_OF = new Map<T, SymbolType>([
  [T.BOOL, 'bool'],
  [T.TRISTATE, 'tristate'],
  [T.INT, 'int'],
  [T.HEX, 'hex'],
  [T.STRING, 'string'],
]);

const CMP_OPS = new Map<T, 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'>([
  [T.EQUAL, 'eq'],
  [T.UNEQUAL, 'ne'],
  [T.LESS, 'lt'],
  [T.LESS_EQUAL, 'le'],
  [T.GREATER, 'gt'],
  [T.GREATER_EQUAL, 'ge'],
]);

export function typeName(t: SymbolType): string {
  return t === 'int' ? 'integer' : t;
}

/** y, m and n. */
export interface Consts {
  yes: KSymbol;
  mod: KSymbol;
  no: KSymbol;
}

/** expr_trans_compare: inserts comparisons of `type` against y, m or n. */
export function transCompare(pool: ExprPool, c: Consts, e: Expr | null, type: 'eq' | 'ne', sym: KSymbol): Expr {
  if (!e) {
    const s = pool.sym(sym);
    return type === 'ne' ? pool.not(s) : s;
  }
  switch (e.op) {
    case 'and':
    case 'or': {
      const e1 = transCompare(pool, c, e.l, 'eq', sym);
      const e2 = transCompare(pool, c, e.r, 'eq', sym);
      let r: Expr = e;
      if (sym === c.yes) r = pool.two(e.op, e1, e2);
      if (sym === c.no) r = pool.two(e.op === 'and' ? 'or' : 'and', e1, e2);
      return type === 'ne' ? pool.not(r) : r;
    }
    case 'not':
      return transCompare(pool, c, e.e, type === 'eq' ? 'ne' : 'eq', sym);
    case 'sym':
      return pool.cmp(type, e.sym, sym);
    default:
      if (type === 'eq') {
        if (sym === c.yes) return e;
        if (sym === c.mod) return pool.sym(c.no);
        return pool.not(e);
      }
      if (sym === c.yes) return pool.not(e);
      if (sym === c.mod) return pool.sym(c.yes);
      return e;
  }
}
