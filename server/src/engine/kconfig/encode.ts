// The Kconfig constraints of an arch as CNF: which full assignments are valid, i.e. which ones `make
// olddefconfig` leaves unchanged (every symbol's value is the one conf computes from all the others when the
// assignment itself is the input). Tristate symbols are two variables, int/hex/string symbols one variable
// per value of a finite domain, toolchain probes fixed or free booleans. Symbols are encoded on demand, with
// everything their values depend on (the input cone): a symbol outside the cone of a query can always be
// given a value that satisfies its own constraint, so it does not change the answer.

import { Cnf, FALSE, TRUE, type Lit } from './cnf';
import { strtol } from './cnumber';
import { compareValues, stringValid, type ProbeValues } from './eval';
import { choiceOf } from './finalize';
import { type Expr, forEachSymbol, type KconfigModel, KSymbol, type Property } from './model';

/** A tristate as two literals: ge1 = "at least m", ge2 = "y" (ge2 implies ge1). */
export interface Pair {
  ge1: Lit;
  ge2: Lit;
}

const P_N: Pair = { ge1: FALSE, ge2: FALSE };
const P_M: Pair = { ge1: TRUE, ge2: FALSE };
const P_Y: Pair = { ge1: TRUE, ge2: TRUE };

export interface EncodeOptions {
  /** Probe results; a free symbol without one is a free boolean (its text "y" or "n"). */
  probes?: ProbeValues;
  /** More values for int/hex/string symbols' domains (by symbol). */
  extraValues?: ReadonlyMap<KSymbol, readonly string[]>;
  /** Largest domain kept for one symbol (values past it are left out, and counted). */
  maxDomain?: number;
}

/** Ranges at most this wide (and constant) have every value in the domain. */
const WHOLE_RANGE_MAX = 32;

export class KconfigEncoding {
  readonly cnf = new Cnf();
  private readonly pairs = new Map<KSymbol, Pair>();
  /** Tristate symbols' m variable. */
  private readonly mVar = new Map<KSymbol, Lit>();
  private readonly oneHot = new Map<KSymbol, Map<string, Lit>>();
  private readonly exprMemo = new Map<number, Pair>();
  private readonly encoded = new Set<KSymbol>();
  private readonly encodedChoices = new Set<KSymbol>();
  readonly domains = new Map<KSymbol, string[]>();
  /** Domain values left out because a domain reached maxDomain. */
  truncatedDomains = 0;
  private readonly probes: ProbeValues;
  private readonly freeVars = new Map<KSymbol, Lit>();
  private readonly modulesOn: Lit;
  private readonly consts = new Map<string, KSymbol>();

  constructor(
    readonly model: KconfigModel,
    opts: EncodeOptions = {},
  ) {
    this.probes = opts.probes ?? new Map();
    this.computeDomains(opts.extraValues ?? new Map(), opts.maxDomain ?? 256);
    this.modulesOn = this.pair(model.modules).ge1;
  }

  get encodedSymbols(): ReadonlySet<KSymbol> {
    return this.encoded;
  }

  /** A constant symbol for a text (numbers and strings in query constraints). */
  constSymbol(name: string): KSymbol {
    if (name === 'y') return this.model.yes;
    if (name === 'm') return this.model.mod;
    if (name === 'n') return this.model.no;
    let s = this.consts.get(name);
    if (!s) {
      s = new KSymbol(-1 - this.consts.size, name, 'const');
      this.consts.set(name, s);
    }
    return s;
  }

  // ---- domains of int/hex/string symbols ----

  private computeDomains(extra: ReadonlyMap<KSymbol, readonly string[]>, max: number): void {
    const model = this.model;
    const nonBool = (s: KSymbol) => s.kind === 'normal' && (s.type === 'int' || s.type === 'hex' || s.type === 'string');
    const dom = new Map<KSymbol, Set<string>>();
    for (const s of model.symbols) if (nonBool(s)) dom.set(s, new Set());
    const add = (s: KSymbol, v: string) => {
      const d = dom.get(s)!;
      if (d.has(v)) return false;
      if (d.size >= max) {
        this.truncatedDomains++;
        return false;
      }
      d.add(v);
      return true;
    };
    const typeDefault = (s: KSymbol) => (s.type === 'int' ? '0' : s.type === 'hex' ? '0x0' : '');
    const thresholds = (s: KSymbol, c: string): string[] => {
      if (s.type === 'string') return [c];
      const base = s.type === 'hex' ? 16 : 10;
      const r = strtol(c, base === 16 ? 16 : 0, false);
      if (r.end === 0) return [c];
      const fmt = (v: bigint) => (s.type === 'hex' ? `0x${(v < 0n ? 0n : v).toString(16)}` : v.toString());
      return [c, fmt(r.value - 1n), fmt(r.value + 1n)];
    };
    // Constants compared with a symbol anywhere: each side of each threshold.
    const visitCmp = (e: Expr | null): void => {
      if (!e) return;
      if (e.op === 'sym') return;
      if (e.op === 'not') return visitCmp(e.e);
      if (e.op === 'and' || e.op === 'or') {
        visitCmp(e.l);
        visitCmp(e.r);
        return;
      }
      const c = e as { ls: KSymbol; rs: KSymbol };
      // A number is a symbol too (undefined, its text is its name).
      const isConst = (s: KSymbol) => s.kind === 'const' || (s.kind === 'normal' && s.type === 'unknown');
      if (dom.has(c.ls) && isConst(c.rs)) for (const v of thresholds(c.ls, c.rs.name)) add(c.ls, v);
      if (dom.has(c.rs) && isConst(c.ls)) for (const v of thresholds(c.rs, c.ls.name)) add(c.rs, v);
    };
    for (const s of [...model.symbols, ...model.choices]) {
      visitCmp(s.dirDep);
      visitCmp(s.revDep);
      visitCmp(s.implied);
      for (const p of s.props) {
        visitCmp(p.visible);
        visitCmp(p.expr);
      }
    }
    for (const [s, vs] of extra) if (dom.has(s)) for (const v of vs) add(s, v);
    for (const s of dom.keys()) add(s, typeDefault(s));
    // A small constant range is enumerated whole (x86's NODES_SHIFT, 1 to 10): every value a user could choose is a
    // value the search can try.
    for (const [s] of dom) {
      for (const p of s.props) {
        const r = constantRange(s, p);
        if (!r || r.hi - r.lo > BigInt(WHOLE_RANGE_MAX)) continue;
        for (let v = r.lo; v <= r.hi; v++) add(s, s.type === 'hex' ? `0x${v.toString(16)}` : v.toString());
      }
    }
    // What a default or a range bound can bring, to a fixed point (defaults name other symbols).
    for (let changed = true; changed; ) {
      changed = false;
      for (const [s] of dom) {
        if (s.transitional) continue;
        for (const p of s.props) {
          const srcs: KSymbol[] = [];
          if (p.kind === 'default' && p.expr?.op === 'sym') srcs.push(p.expr.sym);
          if (p.kind === 'range') srcs.push(p.rangeLow!, p.rangeHigh!);
          for (const ds of srcs) for (const v of this.textsOf(ds, dom)) if (add(s, v)) changed = true;
        }
      }
    }
    for (const [s, d] of dom) this.domains.set(s, [...d]);
  }

  /** The texts a symbol can have (sym_get_string_value as a default or bound sees it: curr.val). */
  private textsOf(s: KSymbol, dom?: Map<KSymbol, Set<string>>): string[] {
    if (s.kind === 'const') return [s.name];
    if (s.kind === 'free') {
      const v = this.probes.get(s);
      return v !== undefined ? [v] : ['y', 'n'];
    }
    if (s.kind === 'choice') return ['n'];
    switch (s.type) {
      case 'bool':
      case 'tristate':
        // A bool's curr.val stays "n" whatever its value (conf only sets curr.tri).
        return ['n'];
      case 'int':
      case 'hex':
      case 'string':
        if (s.transitional) return [s.type === 'int' ? '0' : s.type === 'hex' ? '0x0' : ''];
        return dom ? [...(dom.get(s) ?? [])] : (this.domains.get(s) ?? []);
      default:
        return [s.name];
    }
  }

  /** The texts sym_get_string_value gives (what comparisons see): y/m/n for bool and tristate. */
  private stringsOf(s: KSymbol): string[] {
    if (s.kind === 'normal' && (s.type === 'bool' || s.type === 'tristate')) return s.type === 'bool' ? ['n', 'y'] : ['n', 'm', 'y'];
    if (s === this.model.yes) return ['y'];
    if (s === this.model.mod) return ['m'];
    if (s === this.model.no) return ['n'];
    return this.textsOf(s);
  }

  // ---- variables ----

  /** The tristate value of a symbol as an expression sees it. */
  pair(s: KSymbol): Pair {
    const hit = this.pairs.get(s);
    if (hit) return hit;
    let p: Pair;
    if (s === this.model.yes) p = P_Y;
    else if (s === this.model.mod) p = P_M;
    else if (s.kind === 'const' || s.kind === 'choice') p = P_N;
    else if (s.kind === 'free') {
      const v = this.probes.get(s);
      if (v !== undefined) p = v === 'y' ? P_Y : v === 'm' ? P_M : P_N;
      else {
        const x = this.cnf.newVar();
        this.freeVars.set(s, x);
        p = { ge1: x, ge2: x };
      }
    } else if (s.type === 'bool') {
      if (s.transitional) p = P_N;
      else {
        const y = this.cnf.newVar();
        p = { ge1: y, ge2: y };
      }
    } else if (s.type === 'tristate') {
      if (s.transitional) p = P_N;
      else {
        const y = this.cnf.newVar();
        const m = this.cnf.newVar();
        this.cnf.clause([-y, -m]);
        this.mVar.set(s, m);
        p = { ge1: this.cnf.or([y, m]), ge2: y };
      }
    } else p = P_N; // int/hex/string symbols and undefined ones are n as expressions
    this.pairs.set(s, p);
    return p;
  }

  /** The literal "symbol's text is v" (for int/hex/string: its domain variable). */
  eq(s: KSymbol, v: string): Lit {
    if (s.kind === 'normal' && (s.type === 'bool' || s.type === 'tristate')) {
      const p = this.pair(s);
      if (v === 'y') return p.ge2;
      if (v === 'm') return s.type === 'tristate' ? this.cnf.and([p.ge1, -p.ge2]) : FALSE;
      if (v === 'n') return -p.ge1;
      return FALSE;
    }
    if (s.kind === 'free' && !this.probes.has(s)) {
      const x = this.pair(s).ge1;
      return v === 'y' ? x : v === 'n' ? -x : FALSE;
    }
    if (s.kind === 'normal' && (s.type === 'int' || s.type === 'hex' || s.type === 'string') && !s.transitional) {
      return this.valueVars(s).get(v) ?? FALSE;
    }
    return this.stringsOf(s).includes(v) ? TRUE : FALSE;
  }

  private valueVars(s: KSymbol): Map<string, Lit> {
    let m = this.oneHot.get(s);
    if (m) return m;
    m = new Map();
    const lits: Lit[] = [];
    for (const v of this.domains.get(s) ?? []) {
      const x = this.cnf.newVar();
      m.set(v, x);
      lits.push(x);
    }
    this.cnf.clause(lits);
    this.cnf.atMostOne(lits);
    this.oneHot.set(s, m);
    return m;
  }

  // ---- expressions ----

  expr(e: Expr | null): Pair {
    if (!e) return P_Y;
    const hit = this.exprMemo.get(e.id);
    if (hit) return hit;
    const cnf = this.cnf;
    let p: Pair;
    switch (e.op) {
      case 'sym':
        p = this.pair(e.sym);
        break;
      case 'not': {
        const a = this.expr(e.e);
        p = { ge1: -a.ge2, ge2: -a.ge1 };
        break;
      }
      case 'and': {
        const a = this.expr(e.l);
        const b = this.expr(e.r);
        p = { ge1: cnf.and([a.ge1, b.ge1]), ge2: cnf.and([a.ge2, b.ge2]) };
        break;
      }
      case 'or': {
        const a = this.expr(e.l);
        const b = this.expr(e.r);
        p = { ge1: cnf.or([a.ge1, b.ge1]), ge2: cnf.or([a.ge2, b.ge2]) };
        break;
      }
      default: {
        const terms: Lit[] = [];
        for (const a of this.stringsOf(e.ls)) {
          const la = this.eq(e.ls, a);
          if (la === FALSE) continue;
          for (const b of this.stringsOf(e.rs)) {
            const res = compareValues(a, e.ls, b, e.rs);
            const holds =
              e.op === 'eq' ? res === 0 : e.op === 'ne' ? res !== 0 : e.op === 'lt' ? res < 0 : e.op === 'le' ? res <= 0 : e.op === 'gt' ? res > 0 : res >= 0;
            if (holds) terms.push(cnf.and([la, this.eq(e.rs, b)]));
          }
        }
        const l = cnf.or(terms);
        p = { ge1: l, ge2: l };
      }
    }
    this.exprMemo.set(e.id, p);
    return p;
  }

  // ---- constraints ----

  /** Encodes the constraints of these symbols and of everything their values depend on. */
  ensure(symbols: Iterable<KSymbol>): void {
    const work = [...symbols];
    while (work.length) {
      const s = work.pop()!;
      if (this.encoded.has(s) || s.kind !== 'normal') continue;
      this.encoded.add(s);
      this.cnf.setTag(s.name);
      this.constrain(s);
      for (const t of this.inputs(s)) if (!this.encoded.has(t) && t.kind === 'normal') work.push(t);
    }
  }

  /** Symbols a symbol's constraint reads. */
  inputs(s: KSymbol): Set<KSymbol> {
    const out = new Set<KSymbol>();
    const add = (e: Expr | null) => forEachSymbol(e, (x) => out.add(x));
    for (const p of s.props) {
      if (p.text !== undefined || p.kind === 'default' || p.kind === 'range') add(p.visible);
      if (p.kind === 'default') add(p.expr);
      if (p.kind === 'range') {
        out.add(p.rangeLow!);
        out.add(p.rangeHigh!);
      }
    }
    const choice = s.memberOf ? choiceOf(s) : null;
    if (choice) {
      for (const m of choice.members) out.add(m);
    } else if (s.type === 'bool' || s.type === 'tristate') {
      add(s.dirDep);
      add(s.revDep);
      add(s.implied);
      if (s.type === 'tristate') out.add(this.model.modules);
    }
    out.delete(s);
    return out;
  }

  private prompts(s: KSymbol): Property[] {
    return s.props.filter((p) => p.text !== undefined);
  }

  /** "Bool as far as values go": a bool, or a tristate while MODULES is off. */
  private boolish(s: KSymbol): Lit {
    return s.type === 'tristate' ? -this.modulesOn : TRUE;
  }

  private adjust(p: Pair, b: Lit): Pair {
    return { ge1: p.ge1, ge2: this.cnf.or([p.ge2, this.cnf.and([p.ge1, b])]) };
  }

  private visibility(s: KSymbol): Pair {
    const ps = this.prompts(s).map((p) => this.expr(p.visible));
    const raw = { ge1: this.cnf.or(ps.map((p) => p.ge1)), ge2: this.cnf.or(ps.map((p) => p.ge2)) };
    return s.type === 'bool' || s.type === 'tristate' ? this.adjust(raw, this.boolish(s)) : raw;
  }

  /** For each default in order: the literal "this default is the first whose condition is not n". */
  private activeDefaults(props: Property[]): { prop: Property; active: Lit; cond: Pair }[] {
    const out: { prop: Property; active: Lit; cond: Pair }[] = [];
    const earlier: Lit[] = [];
    for (const prop of props) {
      const cond = this.expr(prop.visible);
      out.push({ prop, active: this.cnf.and([cond.ge1, ...earlier.map((l) => -l)]), cond });
      earlier.push(cond.ge1);
      if (cond.ge1 === TRUE) break;
    }
    return out;
  }

  private constrain(s: KSymbol): void {
    if (s.transitional) return;
    const choice = s.memberOf ? choiceOf(s) : null;
    if (choice) return this.constrainMember(s, choice);
    if (s.type === 'bool' || s.type === 'tristate') return this.constrainTristate(s);
    if (s.type === 'int' || s.type === 'hex' || s.type === 'string') return this.constrainValue(s);
  }

  private constrainTristate(s: KSymbol): void {
    const cnf = this.cnf;
    const v = this.pair(s);
    const b = this.boolish(s);
    const vis = this.visibility(s);
    const dir = s.dirDep ? this.adjust(this.expr(s.dirDep), b) : P_Y;
    const rev = s.revDep ? this.adjust(this.expr(s.revDep), b) : P_N;
    const imp = s.implied ? this.adjust(this.expr(s.implied), b) : P_N;
    // The first default whose condition holds: min(value, condition).
    const defs = this.activeDefaults(s.props.filter((p) => p.kind === 'default'));
    const dGe1: Lit[] = [];
    const dGe2: Lit[] = [];
    for (const d of defs) {
      const e = this.expr(d.prop.expr);
      dGe1.push(cnf.and([d.active, e.ge1]));
      dGe2.push(cnf.and([d.active, e.ge2, d.cond.ge2]));
    }
    const d = { ge1: cnf.or(dGe1), ge2: cnf.or(dGe2) };
    // imply: min(max(default, implied), direct dependencies), when implied is not n.
    const def = {
      ge1: cnf.or([cnf.and([imp.ge1, dir.ge1]), cnf.and([-imp.ge1, d.ge1])]),
      ge2: cnf.or([cnf.and([imp.ge1, cnf.or([d.ge2, imp.ge2]), dir.ge2]), cnf.and([-imp.ge1, d.ge2])]),
    };
    const h = this.adjust({ ge1: cnf.or([def.ge1, rev.ge1]), ge2: cnf.or([def.ge2, rev.ge2]) }, b);
    // Visible: the value is the user's, raised to what selects force and capped by visibility:
    // rev <= V and (V <= vis or V == rev).
    cnf.clause([-vis.ge1, -rev.ge1, v.ge1]);
    cnf.clause([-vis.ge1, -rev.ge2, v.ge2]);
    const le = cnf.and([cnf.or([-v.ge1, vis.ge1]), cnf.or([-v.ge2, vis.ge2])]);
    const eqRev = cnf.and([cnf.iff(v.ge1, rev.ge1), cnf.iff(v.ge2, rev.ge2)]);
    cnf.clause([-vis.ge1, le, eqRev]);
    // Invisible: the value is computed.
    cnf.clause([vis.ge1, -v.ge1, h.ge1]);
    cnf.clause([vis.ge1, v.ge1, -h.ge1]);
    cnf.clause([vis.ge1, -v.ge2, h.ge2]);
    cnf.clause([vis.ge1, v.ge2, -h.ge2]);
    // m only with modules.
    if (s.type === 'tristate') cnf.clause([this.modulesOn, -this.mVar.get(s)!]);
  }

  private constrainMember(s: KSymbol, choice: KSymbol): void {
    const v = this.pair(s);
    const vis = this.visibility(s);
    this.cnf.clause([-v.ge2, vis.ge1]);
    if (this.encodedChoices.has(choice)) return;
    this.encodedChoices.add(choice);
    const members = choice.members.filter((m) => choiceOf(m) === choice);
    const vals = members.map((m) => this.pair(m).ge2);
    this.cnf.atMostOne(vals);
    const anyVisible = this.cnf.or(members.map((m) => this.visibility(m).ge1));
    this.cnf.clause([-anyVisible, ...vals]);
  }

  private constrainValue(s: KSymbol): void {
    const cnf = this.cnf;
    const vars = this.valueVars(s);
    const vis = this.visibility(s).ge1;
    const typeDefault = s.type === 'int' ? '0' : s.type === 'hex' ? '0x0' : '';
    const base = s.type === 'int' ? 10 : s.type === 'hex' ? 16 : 0;
    // Where the computed value comes from: each default's symbol's texts, or the type's default.
    const sources: { lit: Lit; text: string }[] = [];
    const defs = this.activeDefaults(s.props.filter((p) => p.kind === 'default'));
    for (const d of defs) {
      const ds = d.prop.expr?.op === 'sym' ? d.prop.expr.sym : null;
      if (!ds) sources.push({ lit: d.active, text: typeDefault });
      else for (const t of this.textsOf(ds)) sources.push({ lit: cnf.and([d.active, this.eq(ds, t)]), text: t });
    }
    sources.push({ lit: cnf.and(defs.map((d) => -d.active)), text: typeDefault });
    // The active range, and what clamping does to a text under it.
    const ranges = base ? this.activeDefaults(s.props.filter((p) => p.kind === 'range')) : [];
    const noRange = cnf.and(ranges.map((r) => -r.active));
    const rangeCases: { lit: Lit; clamp: (t: string) => string }[] = [{ lit: noRange, clamp: (t) => t }];
    for (const r of ranges) {
      const lo = r.prop.rangeLow!;
      const hi = r.prop.rangeHigh!;
      for (const lt of this.textsOf(lo)) {
        for (const ht of this.textsOf(hi)) {
          const lit = cnf.and([r.active, this.eq(lo, lt), this.eq(hi, ht)]);
          if (lit === FALSE) continue;
          rangeCases.push({ lit, clamp: (t) => clamp(t, base, lt, boundBase(lo, base), ht, boundBase(hi, base)) });
        }
      }
    }
    const computed = new Map<string, Lit[]>();
    for (const src of sources) {
      if (src.lit === FALSE) continue;
      for (const rc of rangeCases) {
        const lit = cnf.and([src.lit, rc.lit]);
        if (lit === FALSE) continue;
        const t = rc.clamp(src.text);
        if (!computed.has(t)) computed.set(t, []);
        computed.get(t)!.push(lit);
      }
    }
    for (const [t, lits] of computed) {
      // Domains are closed under defaults and clamping; a text outside cannot happen.
      if (!vars.has(t)) cnf.clause(lits.map((l) => -l));
    }
    for (const [t, x] of vars) {
      const isComputed = cnf.or(computed.get(t) ?? []);
      // Visible: the user's text, if valid for the type and inside the active range (else the computed one).
      if (stringValid(s, t)) {
        const inRange = cnf.or(rangeCases.filter((rc) => rc.clamp(t) === t).map((rc) => rc.lit));
        cnf.clause([-vis, -x, inRange]);
      } else cnf.clause([-vis, -x, isComputed]);
      // Invisible: the computed text.
      cnf.clause([vis, -x, isComputed]);
      cnf.clause([vis, x, -isComputed]);
    }
  }

  // ---- reading a solution ----

  /** A symbol's value in a model (y/m/n, or the text), from a variable assignment. */
  valueIn(s: KSymbol, value: (v: number) => boolean): string {
    const lit = (l: Lit) => (l === TRUE ? true : l === FALSE ? false : l > 0 ? value(l) : !value(-l));
    if (s.kind === 'normal' && (s.type === 'int' || s.type === 'hex' || s.type === 'string') && !s.transitional) {
      for (const [t, x] of this.valueVars(s)) if (lit(x)) return t;
      return '';
    }
    if (s.kind === 'normal' && (s.type === 'bool' || s.type === 'tristate')) {
      const p = this.pair(s);
      return lit(p.ge2) ? 'y' : lit(p.ge1) ? 'm' : 'n';
    }
    if (s.kind === 'free') {
      const v = this.probes.get(s);
      return v ?? (lit(this.pair(s).ge1) ? 'y' : 'n');
    }
    return s.name;
  }

  /** Literals that say "symbol s has value v" (for assumptions, blocking clauses and costs). */
  is(s: KSymbol, v: string): Lit {
    return this.eq(s, v);
  }

  /**
   * The variables a full assignment of the encoded symbols fixes (bool and tristate variables, value
   * variables), or undefined when a free probe variable would be left open.
   */
  variablesOf(values: ReadonlyMap<KSymbol, string>): Map<number, boolean> | undefined {
    if (this.freeVars.size) return undefined;
    const out = new Map<number, boolean>();
    for (const s of this.encoded) {
      const v = values.get(s);
      if (v === undefined) continue;
      if (s.type === 'bool' || s.type === 'tristate') {
        const p = this.pair(s);
        if (p.ge2 > 1) out.set(p.ge2, v === 'y');
        const m = this.mVar.get(s);
        if (m) out.set(m, v === 'm');
      } else if ((s.type === 'int' || s.type === 'hex' || s.type === 'string') && !s.transitional) {
        for (const [t, x] of this.valueVars(s)) out.set(x, t === v);
      }
    }
    return out;
  }

  /** Free probe symbols that became variables. */
  get freeProbeVars(): ReadonlyMap<KSymbol, Lit> {
    return this.freeVars;
  }
}


function boundBase(s: KSymbol, base: number): number {
  return s.type === 'int' ? 10 : s.type === 'hex' ? 16 : base;
}

/** sym_validate_range on a text. */
export function clamp(t: string, base: number, lo: string, loBase: number, hi: string, hiBase: number): string {
  const v = strtol(t, base, false).value;
  if (v >= strtol(lo, loBase, false).value) {
    if (v <= strtol(hi, hiBase, false).value) return t;
    return hi;
  }
  return lo;
}

/**
 * A `range` property's bounds when both are numbers (a constant, or an unquoted number Kconfig reads as a symbol
 * of no type), for an int or hex symbol; undefined for any other property or a bound that is a symbol.
 */
export function constantRange(s: KSymbol, p: Property): { lo: bigint; hi: bigint } | undefined {
  if (p.kind !== 'range' || (s.type !== 'int' && s.type !== 'hex')) return undefined;
  const num = (b: KSymbol | undefined) => {
    if (!b || !(b.kind === 'const' || (b.kind === 'normal' && b.type === 'unknown'))) return undefined;
    const r = strtol(b.name, s.type === 'hex' ? 16 : 0, false);
    return r.end === 0 ? undefined : r.value;
  };
  const lo = num(p.rangeLow);
  const hi = num(p.rangeHigh);
  return lo === undefined || hi === undefined || hi < lo ? undefined : { lo, hi };
}
