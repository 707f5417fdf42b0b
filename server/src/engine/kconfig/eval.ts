// Symbol values as scripts/kconfig/symbol.c computes them (sym_calc_value, choices, ranges, visibility) from
// user values, and the .config reader and writer of confdata.c (conf_read_simple, conf_write).

import { strtol, asUnsigned } from './cnumber';
import { choiceOf, nextMenu } from './finalize';
import { ATOM_START } from './macros';
import { type Expr, type KconfigModel, KSymbol, type Menu, type Property, Tri } from './model';

/** A symbol's value as a user (or a .config) gives it: a tristate for bool/tristate, text otherwise. */
export type UserValues = Map<KSymbol, { tri: Tri; val: string }>;

/** What reading a .config found that conf would warn about. */
export interface ConfigReadNote {
  line: number;
  message: string;
}

export interface ConfigInput {
  user: UserValues;
  /** Choice members in read order (the last one read has the highest priority). */
  readOrder: KSymbol[];
  notes: ConfigReadNote[];
  /** Lines naming symbols this tree does not have (conf counts them as a change). */
  unknown: string[];
}

/** conf_read_simple: the user values a .config (or defconfig) text gives. */
export function readConfig(model: KconfigModel, text: string): ConfigInput {
  const user: UserValues = new Map();
  const readOrder: KSymbol[] = [];
  const notes: ConfigReadNote[] = [];
  const unknown: string[] = [];
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line) return;
    let name: string;
    let val: string;
    if (line[0] === '#') {
      if (line[1] !== ' ' || !line.startsWith('CONFIG_', 2)) return;
      const rest = line.slice(2 + 7);
      const sp = rest.indexOf(' ');
      if (sp < 0 || rest.slice(sp + 1) !== 'is not set') return;
      name = rest.slice(0, sp);
      val = 'n';
    } else {
      if (!line.startsWith('CONFIG_')) {
        notes.push({ line: lineNo, message: `unexpected data: ${line}` });
        return;
      }
      const eq = line.indexOf('=', 7);
      if (eq < 0) {
        notes.push({ line: lineNo, message: `unexpected data: ${line}` });
        return;
      }
      name = line.slice(7, eq);
      val = line.slice(eq + 1);
    }
    const sym = model.byName.get(name);
    if (!sym) {
      unknown.push(name);
      return;
    }
    if (user.has(sym)) notes.push({ line: lineNo, message: `override: reassigning to symbol ${sym.name}` });
    const set = setUserValue(sym, val, user);
    if (set !== true) {
      if (set) notes.push({ line: lineNo, message: set });
      return;
    }
    if (choiceOf(sym)) readOrder.push(sym);
  });
  return { user, readOrder, notes, unknown };
}

/** conf_set_sym_val: true when handled (even if nothing was set, as conf does), or the warning. */
function setUserValue(sym: KSymbol, p: string, user: UserValues): true | string {
  switch (sym.type) {
    case 'tristate':
    case 'bool':
      if (p[0] === 'm' && sym.type === 'tristate') user.set(sym, { tri: Tri.M, val: '' });
      else if (p[0] === 'y') user.set(sym, { tri: Tri.Y, val: '' });
      else if (p[0] === 'n') user.set(sym, { tri: Tri.N, val: '' });
      else return `symbol value '${p}' invalid for ${sym.name}`;
      return true;
    case 'string': {
      if (p[0] !== '"') return true;
      let out = '';
      let i = 1;
      for (;;) {
        if (i >= p.length) return 'invalid string found';
        const c = p[i];
        if (c === '"') break;
        if (c === '\\') {
          i++;
          if (i < p.length) out += p[i];
          i++;
          continue;
        }
        out += c;
        i++;
      }
      user.set(sym, { tri: Tri.N, val: out });
      return true;
    }
    case 'int':
    case 'hex':
      if (stringValid(sym, p)) {
        user.set(sym, { tri: Tri.N, val: p });
        return true;
      }
      return `symbol value '${p}' invalid for ${sym.name}`;
    default:
      return true;
  }
}

/** sym_string_valid. */
export function stringValid(sym: KSymbol, str: string): boolean {
  switch (sym.type) {
    case 'string':
      return true;
    case 'int': {
      let i = 0;
      if (str[i] === '-') i++;
      if (!isDigit(str[i])) return false;
      if (str[i] === '0' && i + 1 < str.length) return false;
      for (i++; i < str.length; i++) if (!isDigit(str[i])) return false;
      return true;
    }
    case 'hex': {
      let i = 0;
      if (str[0] === '0' && (str[1] === 'x' || str[1] === 'X')) i = 2;
      // A do/while: the first character after the prefix is checked even when it is the end.
      if (!isXDigit(str[i])) return false;
      for (i++; i < str.length; i++) if (!isXDigit(str[i])) return false;
      return true;
    }
    case 'bool':
    case 'tristate':
      return 'yYmMnN'.includes(str[0] ?? '#');
    default:
      return false;
  }
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isXDigit = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);

const TRI_LETTER = ['n', 'm', 'y'];
/** Real trees go about 60 deep; a default stack holds several thousand frames of calc/expr. */
const MAX_CALC_DEPTH = 2000;

/** Probe results by free symbol: the text the toolchain would print (e.g. "y", "120200"). */
export type ProbeValues = ReadonlyMap<KSymbol, string>;

/**
 * One evaluation of every symbol for a set of user values, memoized like the kernel's SYMBOL_VALID and the
 * expression cache (so that even a tree with a dependency cycle gives conf's answer).
 */
export class Evaluation {
  private readonly valid: Uint8Array;
  private readonly tri: Uint8Array;
  private readonly val: string[];
  private readonly visible: Uint8Array;
  private readonly dirDepTri: Uint8Array;
  private readonly revDepTri: Uint8Array;
  private readonly impliedTri: Uint8Array;
  private readonly write: Uint8Array;
  private readonly exprCache = new Map<number, Tri>();
  private readonly propVisible = new Map<Property, Tri>();
  private modulesVal: Tri = Tri.N;
  private readonly hasUser: Uint8Array;
  private readonly userTri: Uint8Array;
  private readonly userVal: string[];
  /** Per choice: members in priority order (conf_read_simple moves each one read to the front). */
  private readonly priority = new Map<KSymbol, KSymbol[]>();
  /** Symbols whose selects exceed their direct dependencies (conf's "unmet direct dependencies"). */
  readonly unmet = new Set<KSymbol>();
  /** Symbols reached deeper than MAX_CALC_DEPTH in a chain of dependencies (their values may be wrong). */
  readonly tooDeep = new Set<KSymbol>();
  private depth = 0;

  constructor(
    readonly model: KconfigModel,
    input: ConfigInput,
    private readonly probes: ProbeValues = new Map(),
    /** Lazy: compute only what is asked (no conf_read pass); values are the same unless MODULES is reached late. */
    lazy = false,
  ) {
    const n = model.idLimit;
    this.valid = new Uint8Array(n);
    this.tri = new Uint8Array(n);
    this.val = new Array<string>(n).fill('');
    this.visible = new Uint8Array(n);
    this.dirDepTri = new Uint8Array(n);
    this.revDepTri = new Uint8Array(n);
    this.impliedTri = new Uint8Array(n);
    this.write = new Uint8Array(n);
    this.hasUser = new Uint8Array(n);
    this.userTri = new Uint8Array(n);
    this.userVal = new Array<string>(n).fill('');
    for (const [sym, v] of input.user) {
      this.hasUser[sym.id] = 1;
      this.userTri[sym.id] = v.tri;
      this.userVal[sym.id] = v.val;
    }
    for (const c of model.choices) this.priority.set(c, [...c.members]);
    for (const sym of input.readOrder) {
      const c = choiceOf(sym);
      const list = c && this.priority.get(c);
      if (!list) continue;
      const i = list.indexOf(sym);
      if (i >= 0) list.splice(i, 1);
      list.unshift(sym);
    }
    for (const c of [model.yes, model.mod, model.no]) {
      this.valid[c.id] = 1;
      this.tri[c.id] = c === model.yes ? Tri.Y : c === model.mod ? Tri.M : Tri.N;
      this.val[c.id] = c.name;
    }
    // conf_read: MODULES first, then every symbol; if nothing changed, conf_write computes everything again.
    this.calc(model.modules);
    if (lazy) return;
    for (const s of model.evalOrder) this.calc(s);
    for (const s of model.symbols) this.calc(s);
    for (const c of model.choices) this.calc(c);
    if (!this.changed(input)) {
      this.valid.fill(0);
      this.exprCache.clear();
      for (const c of [model.yes, model.mod, model.no]) this.valid[c.id] = 1;
      this.calc(model.modules);
      for (const s of model.evalOrder) this.calc(s);
    }
  }

  /** conf_read's "changed": a user value that did not stick, or a symbol written that had none. */
  private changed(input: ConfigInput): boolean {
    if (input.notes.length || input.unknown.length) return true;
    for (const s of this.model.symbols) {
      this.calc(s);
      const w = this.write[s.id];
      if (this.hasUser[s.id] && w) {
        if (s.isBoolish ? this.userTri[s.id] !== this.tri[s.id] : this.userVal[s.id] !== this.val[s.id]) return true;
      } else if (!this.hasUser[s.id] && w) return true;
      else if (this.hasUser[s.id] && !w) return true;
    }
    return false;
  }

  triOf(sym: KSymbol): Tri {
    this.calc(sym);
    return this.tri[sym.id];
  }

  /** sym_get_string_value. */
  stringOf(sym: KSymbol): string {
    this.calc(sym);
    return sym.type === 'bool' || sym.type === 'tristate' ? TRI_LETTER[this.tri[sym.id]] : this.val[sym.id];
  }

  /** Whether conf writes the symbol to .config (SYMBOL_WRITE). */
  written(sym: KSymbol): boolean {
    this.calc(sym);
    return this.write[sym.id] === 1 && sym.type !== 'unknown';
  }

  visibility(sym: KSymbol): Tri {
    this.calc(sym);
    return this.visible[sym.id];
  }

  get modules(): Tri {
    return this.modulesVal;
  }

  expr(e: Expr | null): Tri {
    if (!e) return Tri.Y;
    const hit = this.exprCache.get(e.id);
    if (hit !== undefined) return hit;
    const v = this.exprUncached(e);
    this.exprCache.set(e.id, v);
    return v;
  }

  private exprUncached(e: Expr): Tri {
    switch (e.op) {
      case 'sym':
        this.calc(e.sym);
        return this.tri[e.sym.id];
      case 'and':
        return Math.min(this.expr(e.l), this.expr(e.r));
      case 'or':
        return Math.max(this.expr(e.l), this.expr(e.r));
      case 'not':
        return 2 - this.expr(e.e);
    }
    this.calc(e.ls);
    this.calc(e.rs);
    const res = compareValues(this.stringOf(e.ls), e.ls, this.stringOf(e.rs), e.rs);
    switch (e.op) {
      case 'eq':
        return res ? Tri.N : Tri.Y;
      case 'ne':
        return res ? Tri.Y : Tri.N;
      case 'lt':
        return res < 0 ? Tri.Y : Tri.N;
      case 'le':
        return res <= 0 ? Tri.Y : Tri.N;
      case 'gt':
        return res > 0 ? Tri.Y : Tri.N;
      case 'ge':
        return res >= 0 ? Tri.Y : Tri.N;
    }
  }

  private typeOf(sym: KSymbol): KSymbol['type'] {
    return sym.type === 'tristate' && this.modulesVal === Tri.N ? 'bool' : sym.type;
  }

  private propTri(p: Property): Tri {
    const v = this.expr(p.visible);
    this.propVisible.set(p, v);
    return v;
  }

  private defaultProp(sym: KSymbol): Property | null {
    for (const p of sym.props) if (p.kind === 'default' && this.propTri(p) !== Tri.N) return p;
    return null;
  }

  private rangeProp(sym: KSymbol): Property | null {
    for (const p of sym.props) if (p.kind === 'range' && this.propTri(p) !== Tri.N) return p;
    return null;
  }

  /** sym_calc_visibility. */
  private calcVisibility(sym: KSymbol): void {
    const id = sym.id;
    if (sym.transitional) {
      this.visible[id] = Tri.Y;
      return;
    }
    let tri: Tri = Tri.N;
    for (const p of sym.props) if (p.text !== undefined) tri = Math.max(tri, this.propTri(p));
    if (tri === Tri.M && (sym.type !== 'tristate' || this.modulesVal === Tri.N)) tri = Tri.Y;
    this.visible[id] = tri;
    if (sym.memberOf) return;
    const boolType = this.typeOf(sym) === 'bool';
    tri = sym.dirDep ? this.expr(sym.dirDep) : Tri.Y;
    if (tri === Tri.M && boolType) tri = Tri.Y;
    this.dirDepTri[id] = tri;
    tri = sym.revDep ? this.expr(sym.revDep) : Tri.N;
    if (tri === Tri.M && boolType) tri = Tri.Y;
    this.revDepTri[id] = tri;
    tri = sym.implied ? this.expr(sym.implied) : Tri.N;
    if (tri === Tri.M && boolType) tri = Tri.Y;
    this.impliedTri[id] = tri;
  }

  /** sym_calc_value. */
  calc(sym: KSymbol): void {
    const id = sym.id;
    if (this.valid[id]) return;
    this.valid[id] = 1;
    // A chain of symbols each depending on the next is computed recursively, as conf does; past this depth
    // a symbol keeps the value it has while being computed (as in a cycle), so the stack stays bounded.
    if (this.depth >= MAX_CALC_DEPTH) {
      this.tooDeep.add(sym);
      return;
    }
    this.depth++;
    try {
      this.calcValue(sym);
    } finally {
      this.depth--;
    }
  }

  private calcValue(sym: KSymbol): void {
    const id = sym.id;
    let newTri: Tri = Tri.N;
    let newVal: string;
    switch (sym.type) {
      case 'int':
        newVal = '0';
        break;
      case 'hex':
        newVal = '0x0';
        break;
      case 'string':
        newVal = '';
        break;
      case 'bool':
      case 'tristate':
        newVal = 'n';
        break;
      default: {
        // Constants, referenced-but-undefined symbols and probe results: the value is the text itself.
        const text = sym.kind === 'free' ? (this.probes.get(sym) ?? '') : sym.name;
        this.val[id] = text;
        this.tri[id] = sym.kind === 'free' ? (text === 'y' ? Tri.Y : text === 'm' ? Tri.M : Tri.N) : Tri.N;
        return;
      }
    }
    this.write[id] = 0;
    this.calcVisibility(sym);
    if (this.visible[id] !== Tri.N) this.write[id] = 1;
    this.tri[id] = Tri.N;
    this.val[id] = newVal;
    let prop: Property | null = null;
    const type = this.typeOf(sym);
    if (type === 'bool' || type === 'tristate') {
      const choice = sym.memberOf ? choiceOf(sym) : null;
      if (choice) {
        this.calcChoice(choice);
        newTri = this.tri[id];
      } else {
        let userPath = false;
        if (this.visible[id] !== Tri.N && this.hasUser[id]) {
          newTri = Math.min(this.userTri[id], this.visible[id]);
          userPath = true;
        }
        if (!userPath) {
          if (this.revDepTri[id] !== Tri.N) this.write[id] = 1;
          if (!sym.isChoice) {
            prop = this.defaultProp(sym);
            if (prop) {
              newTri = Math.min(this.expr(prop.expr), this.propVisible.get(prop)!);
              if (newTri !== Tri.N) this.write[id] = 1;
            }
            if (this.impliedTri[id] !== Tri.N) {
              this.write[id] = 1;
              newTri = Math.max(newTri, this.impliedTri[id]);
              newTri = Math.min(newTri, this.dirDepTri[id]);
            }
          }
        }
        if (this.dirDepTri[id] < this.revDepTri[id]) this.unmet.add(sym);
        newTri = Math.max(newTri, this.revDepTri[id]);
      }
      if (newTri === Tri.M && this.typeOf(sym) === 'bool') newTri = Tri.Y;
    } else if (type === 'string' || type === 'hex' || type === 'int') {
      if (this.visible[id] !== Tri.N && this.hasUser[id]) newVal = this.userVal[id];
      else {
        prop = this.defaultProp(sym);
        if (prop) {
          const ds = prop.expr?.op === 'sym' ? prop.expr.sym : null;
          if (ds) {
            this.write[id] = 1;
            this.calc(ds);
            newVal = this.val[ds.id];
          }
        }
      }
    }
    // A default taken from a transitional symbol the user set counts as a user value.
    if (prop && !this.hasUser[id]) {
      const ds = prop.expr?.op === 'sym' ? prop.expr.sym : null;
      if (ds && ds.transitional && this.hasUser[ds.id]) {
        this.hasUser[id] = 1;
        this.userTri[id] = newTri;
        this.userVal[id] = newVal;
      }
    }
    this.tri[id] = newTri;
    this.val[id] = newVal;
    this.validateRange(sym);
    if (sym === this.model.modules) this.modulesVal = this.tri[id];
    if (sym.isChoice || sym.transitional) this.write[id] = 0;
  }

  private validateRange(sym: KSymbol): void {
    const base = sym.type === 'int' ? 10 : sym.type === 'hex' ? 16 : 0;
    if (!base) return;
    const prop = this.rangeProp(sym);
    if (!prop) return;
    const v = strtol(this.val[sym.id], base, false).value;
    let rangeSym = prop.rangeLow!;
    if (v >= this.rangeVal(rangeSym, base)) {
      rangeSym = prop.rangeHigh!;
      if (v <= this.rangeVal(rangeSym, base)) return;
    }
    this.val[sym.id] = this.val[rangeSym.id];
  }

  private rangeVal(sym: KSymbol, base: number): bigint {
    this.calc(sym);
    const b = sym.type === 'int' ? 10 : sym.type === 'hex' ? 16 : base;
    return strtol(this.val[sym.id], b, false).value;
  }

  /** The range a visible int/hex symbol accepts now, as the bound symbols' texts. */
  activeRange(sym: KSymbol): { low: string; high: string } | null {
    this.calc(sym);
    const p = this.rangeProp(sym);
    if (!p) return null;
    this.calc(p.rangeLow!);
    this.calc(p.rangeHigh!);
    return { low: this.val[p.rangeLow!.id], high: this.val[p.rangeHigh!.id] };
  }

  private choiceMenu(choice: KSymbol): Menu {
    return choice.menus[0];
  }

  /** sym_choice_default. */
  private choiceDefault(choice: KSymbol): KSymbol | null {
    for (const p of choice.props) {
      if (p.kind !== 'default' || this.propTri(p) === Tri.N) continue;
      const d = p.expr?.op === 'sym' ? p.expr.sym : null;
      if (d && this.visible[d.id] !== Tri.N) return d;
    }
    const cm = this.choiceMenu(choice);
    for (let m = nextMenu(cm, cm); m; m = nextMenu(m, cm)) if (m.sym && this.visible[m.sym.id] !== Tri.N) return m.sym;
    return null;
  }

  /** sym_calc_choice: the member that is y. */
  private calcChoice(choice: KSymbol): KSymbol | null {
    let res: KSymbol | null = null;
    const order = this.priority.get(choice) ?? choice.members;
    for (const s of order) {
      this.calcVisibility(s);
      if (this.visible[s.id] === Tri.N) continue;
      if (this.hasUser[s.id] && this.userTri[s.id] === Tri.Y) {
        res = s;
        break;
      }
    }
    if (!res) {
      res = this.choiceDefault(choice);
      if (res && this.hasUser[res.id] && this.userTri[res.id] === Tri.N) res = null;
    }
    const cm = this.choiceMenu(choice);
    if (!res) {
      for (let m = nextMenu(cm, cm); m; m = nextMenu(m, cm)) {
        const s = m.sym;
        if (!s || this.visible[s.id] === Tri.N || this.hasUser[s.id]) continue;
        res = s;
        break;
      }
    }
    if (!res) {
      for (let i = order.length - 1; i >= 0; i--) {
        if (this.visible[order[i].id] === Tri.N) continue;
        res = order[i];
        break;
      }
    }
    for (let m = nextMenu(cm, cm); m; m = nextMenu(m, cm)) {
      const s = m.sym;
      if (!s || this.visible[s.id] === Tri.N) continue;
      this.tri[s.id] = s === res ? Tri.Y : Tri.N;
      this.valid[s.id] = 1;
      this.write[s.id] = 1;
    }
    return res;
  }

  /** menu_is_visible for entries without a symbol (menus and comments), as conf_write uses it. */
  menuVisible(menu: Menu): boolean {
    if (!menu.prompt) return false;
    if (menu.visibility && this.expr(menu.visibility) === Tri.N) return false;
    return this.expr(menu.prompt.visible) !== Tri.N;
  }

  /** conf_write: the .config text. */
  writeConfig(): string {
    const model = this.model;
    const out: string[] = [];
    out.push('#\n# Automatically generated file; DO NOT EDIT.\n');
    out.push(`# ${displayText(model, model.root.prompt?.text ?? 'Main menu')}\n#\n`);
    const done = new Set<KSymbol>();
    let needNewline = false;
    let menu: Menu | null = model.root.list;
    while (menu) {
      const sym = menu.sym;
      if (!sym) {
        if (this.menuVisible(menu)) {
          out.push(`\n#\n# ${displayText(model, menu.prompt!.text ?? '')}\n#\n`);
          needNewline = false;
        }
      } else if (!sym.isChoice && !done.has(sym)) {
        done.add(sym);
        if (this.written(sym)) {
          if (needNewline) {
            out.push('\n');
            needNewline = false;
          }
          out.push(this.configLine(sym));
        }
      }
      if (menu.list) {
        menu = menu.list;
        continue;
      }
      for (;;) {
        if (!menu.sym && menu !== model.root && menu.prompt?.kind === 'menu' && this.menuVisible(menu)) {
          out.push(`# end of ${displayText(model, menu.prompt.text ?? '')}\n`);
          needNewline = true;
        }
        if (menu.next) {
          menu = menu.next;
          break;
        }
        menu = menu.parent;
        if (!menu) break;
      }
    }
    return out.join('');
  }

  /** One .config line for a symbol (print_symbol_for_dotconfig). */
  configLine(sym: KSymbol): string {
    const v = this.stringOf(sym);
    if ((sym.type === 'bool' || sym.type === 'tristate') && v === 'n') return `# CONFIG_${sym.name} is not set\n`;
    return `CONFIG_${sym.name}=${sym.type === 'string' ? escapeString(v) : v}\n`;
  }
}

export function escapeString(v: string): string {
  return `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** Prompt text with free atoms shown as the $(...) they stand for. */
function displayText(model: KconfigModel, text: string): string {
  return text.includes(ATOM_START) ? model.display(text) : text;
}

/** expr_parse_string + the comparison in __expr_calc_value: <0, 0, >0. */
export function compareValues(s1: string, t1: KSymbol, s2: string, t2: KSymbol): number {
  if (t1.type !== 'string' || t2.type !== 'string') {
    const a = parseForCompare(s1, t1.type);
    const b = parseForCompare(s2, t2.type);
    if (a && b) {
      if (a.unsigned || b.unsigned) {
        const x = asUnsigned(a.value);
        const y = asUnsigned(b.value);
        return x > y ? 1 : x < y ? -1 : 0;
      }
      return a.value > b.value ? 1 : a.value < b.value ? -1 : 0;
    }
  }
  return s1 < s2 ? -1 : s1 > s2 ? 1 : 0;
}

function parseForCompare(s: string, type: KSymbol['type']): { value: bigint; unsigned: boolean } | null {
  if (type === 'bool' || type === 'tristate') return { value: BigInt(s === 'n' ? 0 : s === 'm' ? 1 : s === 'y' ? 2 : -1), unsigned: false };
  const unsigned = type === 'hex';
  const r = strtol(s, type === 'int' ? 10 : type === 'hex' ? 16 : 0, unsigned);
  if (r.overflow || r.end === 0 || r.end !== s.length || !/[0-9a-fA-F]/.test(s[r.end - 1])) return null;
  return { value: r.value, unsigned };
}
