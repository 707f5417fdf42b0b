// Questions about the space of valid configurations of an arch, answered with a SAT solver over the CNF of
// encode.ts: is this satisfiable, a model, every distinct valid assignment of some symbols, and a full valid
// .config for an assignment (olddefconfig of the arch's defconfig plus it, checked).

import { FALSE, TRUE, type Lit } from './cnf';
import { KconfigEncoding, type Pair } from './encode';
import { Evaluation, readConfig, type ProbeValues } from './eval';
import { olddefconfig } from './olddefconfig';
import { forEachSymbol, type Expr, type KconfigModel, type KSymbol } from './model';
import { LogicSolverBackend, type SatBackend } from './solver';

/** Symbol name (without CONFIG_) → value: y, m, n, or the text of an int/hex/string. */
export type Assignment = Map<string, string>;

export interface SatOptions {
  probes?: ProbeValues;
  /**
   * The configuration answers stay close to: a .config (usually the arch's defconfig after olddefconfig).
   * Its values join the domains of int/hex/string symbols and are the reference for "fewest changes".
   */
  base?: string;
  /** More values for int/hex/string symbols (by name), e.g. the NR_CPUS values a layout depends on. */
  extraValues?: Record<string, string[]>;
  backend?: () => SatBackend;
}

export interface SolveOptions {
  /**
   * Stay close to the base. A list of names: the fewest of those symbols differ from the base (a minimum),
   * then the rest as close as possible; 'all': as many symbols as possible keep their base values.
   */
  closestTo?: 'all' | string[];
}

export class ConstraintError extends Error {}

export class KconfigSat {
  readonly enc: KconfigEncoding;
  readonly backend: SatBackend;
  private readonly baseValues = new Map<KSymbol, string>();
  readonly baseText: string | undefined;
  /** Solver calls made (for the benchmarks). */
  solves = 0;

  constructor(
    readonly model: KconfigModel,
    readonly opts: SatOptions = {},
  ) {
    const extra = new Map<KSymbol, string[]>();
    if (opts.base !== undefined) {
      this.baseText = opts.base;
      const ev = new Evaluation(model, readConfig(model, opts.base), opts.probes ?? new Map());
      for (const s of model.symbols) {
        if (s.kind !== 'normal' || s.type === 'unknown') continue;
        const v = ev.stringOf(s);
        this.baseValues.set(s, v);
        if (s.type === 'int' || s.type === 'hex' || s.type === 'string') extra.set(s, [v]);
      }
    }
    for (const [name, vs] of Object.entries(opts.extraValues ?? {})) {
      const s = model.byName.get(name.replace(/^CONFIG_/, ''));
      if (s) extra.set(s, [...(extra.get(s) ?? []), ...vs]);
    }
    this.enc = new KconfigEncoding(model, { probes: opts.probes, extraValues: extra });
    this.backend = (opts.backend ?? (() => new LogicSolverBackend()))();
  }

  /** A constraint in Kconfig expression syntax ("MEMCG && !SLAB_OBJ_EXT", "NR_CPUS=64", "FOO=m"); it holds when not n. */
  parse(text: string): Expr {
    return new ConstraintParser(this.model, this.enc, text).parse();
  }

  private literal(c: string | Expr): Lit {
    const e = typeof c === 'string' ? this.parse(c) : c;
    const syms = new Set<KSymbol>();
    forEachSymbol(e, (x) => syms.add(x));
    this.enc.ensure(syms);
    return this.enc.expr(e).ge1;
  }

  /** One solver call under assumptions (for AssignmentSearch too). */
  run(assumptions: Lit[]): boolean {
    if (assumptions.includes(FALSE)) return false;
    this.backend.sync(this.enc.cnf);
    this.solves++;
    return this.backend.solve(assumptions.filter((l) => l !== TRUE));
  }

  /** Constraints every model from now on satisfies (one ABI's word size and byte order within its kernel arch). */
  require(constraints: (string | Expr)[]): void {
    for (const c of constraints) this.enc.cnf.clause([this.literal(c)]);
  }

  satisfiable(constraints: (string | Expr)[]): boolean {
    return this.run(constraints.map((c) => this.literal(c)));
  }

  private readModel(): Assignment {
    const out: Assignment = new Map();
    for (const s of this.enc.encodedSymbols) out.set(s.name, this.enc.valueIn(s, (v) => this.backend.value(v)));
    this.lastProbes = new Map(this.opts.probes ?? []);
    for (const [f, x] of this.enc.freeProbeVars) this.lastProbes.set(f, this.backend.value(x) ? 'y' : 'n');
    return out;
  }

  /** Probe values of the last model: the given ones, and the free ones as the solver chose them. */
  private lastProbes = new Map<KSymbol, string>();

  /** A valid assignment of every symbol the constraints reach (their input cone), or null. */
  solve(constraints: (string | Expr)[], opts: SolveOptions = {}): Assignment | null {
    const lits = constraints.map((c) => this.literal(c));
    if (!opts.closestTo || !this.baseValues.size) return this.run(lits) ? this.readModel() : null;
    const syms = opts.closestTo === 'all' ? [...this.enc.encodedSymbols] : opts.closestTo.map((n) => this.symbol(n));
    this.enc.ensure(syms);
    if (!this.run(lits)) return null;
    const keep = opts.closestTo === 'all' ? lits : this.fewestChanges(lits, syms);
    return this.closest(keep, [...this.enc.encodedSymbols]);
  }

  /** The literal "s has its base value" (TRUE when there is no base value). */
  atBase(s: KSymbol): Lit {
    const b = this.baseValues.get(s);
    return b === undefined ? TRUE : this.enc.is(s, b);
  }

  private holdsNow(l: Lit): boolean {
    return l === TRUE ? true : l === FALSE ? false : l > 0 ? this.backend.value(l) : !this.backend.value(-l);
  }

  /**
   * The fewest of `syms` away from their base values (exactly: a model, then "at most k differ" for ever
   * smaller k, with a sequential counter, until unsatisfiable). Returns the constraints plus that optimum.
   */
  private fewestChanges(lits: Lit[], syms: KSymbol[]): Lit[] {
    const diffs = syms.map((s) => -this.atBase(s)).filter((d) => d !== FALSE);
    let cost = diffs.filter((d) => this.holdsNow(d)).length;
    if (cost > 0) {
      const atLeast = this.counter(diffs, cost);
      let bound: Lit = TRUE;
      while (cost > 0) {
        if (!this.run([...lits, -atLeast[cost - 1]])) break;
        bound = -atLeast[cost - 1];
        cost = diffs.filter((d) => this.holdsNow(d)).length;
      }
      this.run([...lits, bound]);
    }
    // Fix the optimum found: these symbols keep the values of that model.
    return [...lits, ...syms.map((s) => this.enc.is(s, this.enc.valueIn(s, (v) => this.backend.value(v))))];
  }

  /**
   * A model that keeps as many symbols at their base values as it can (a locally minimal set of changes: no
   * single change can be undone): base values are assumed in groups, halving a group that does not fit.
   */
  private closest(lits: Lit[], syms: KSymbol[]): Assignment {
    const kept: Lit[] = [];
    const tryAdd = (group: Lit[]): void => {
      if (!group.length) return;
      if (this.run([...lits, ...kept, ...group])) {
        kept.push(...group);
        return;
      }
      if (group.length === 1) return;
      const half = group.length >> 1;
      tryAdd(group.slice(0, half));
      tryAdd(group.slice(half));
    };
    tryAdd(syms.map((s) => this.atBase(s)).filter((l) => l !== TRUE && l !== FALSE));
    this.run([...lits, ...kept]);
    return this.readModel();
  }

  /** Sequential counter: out[j] is true when at least j+1 of the literals are (for j < k). */
  counter(xs: Lit[], k: number): Lit[] {
    const cnf = this.enc.cnf;
    let prev: Lit[] = [];
    for (const x of xs) {
      const cur: Lit[] = [];
      for (let j = 0; j < k; j++) {
        // at least j+1 among the first i+1 = (at least j+1 among the first i) or (x and at least j among the first i)
        const withX = j === 0 ? x : cnf.and([x, prev[j - 1] ?? FALSE]);
        cur.push(cnf.or([prev[j] ?? FALSE, withX]));
      }
      prev = cur;
    }
    return prev;
  }

  /**
   * Every distinct valid assignment of `symbols` under the constraints (each found model is blocked on those
   * symbols), up to `limit`. Tristates count as three values; int/hex/string symbols range over their domains.
   */
  enumerate(symbols: string[], constraints: (string | Expr)[] = [], limit = 1 << 16): { assignments: Assignment[]; complete: boolean } {
    const syms = symbols.map((n) => this.symbol(n));
    this.enc.ensure(syms);
    const lits = constraints.map((c) => this.literal(c));
    const cnf = this.enc.cnf;
    const act = cnf.newVar();
    const out: Assignment[] = [];
    while (out.length < limit) {
      if (!this.run([...lits, act])) {
        cnf.clause([-act]);
        return { assignments: out, complete: true };
      }
      const a: Assignment = new Map();
      const same: Lit[] = [];
      for (const s of syms) {
        const v = this.enc.valueIn(s, (x) => this.backend.value(x));
        a.set(s.name, v);
        same.push(this.enc.is(s, v));
      }
      out.push(a);
      cnf.clause([-act, ...same.map((l) => -l)]);
    }
    cnf.clause([-act]);
    return { assignments: out, complete: false };
  }

  /** A symbol's value in the base configuration (undefined: no base, or a symbol it does not have). */
  baseValue(name: string): string | undefined {
    const s = this.model.byName.get(name);
    return s ? this.baseValues.get(s) : undefined;
  }

  /** A search over the valid assignments of `symbols`, nearest the base first, that skips blocked cubes. */
  search(symbols: string[]): AssignmentSearch {
    return new AssignmentSearch(this, symbols);
  }

  /**
   * A full .config for an assignment: the solver's model closest to the base (over every symbol the
   * assignment reaches), applied over the base and completed by olddefconfig; `valid` says that the result
   * holds the assignment and olddefconfig leaves it unchanged.
   */
  complete(
    assignment: Assignment | (string | Expr)[],
    opts: SolveOptions = { closestTo: 'all' },
  ): { config: string; valid: boolean; model: Assignment; probes: ReadonlyMap<KSymbol, string> } | null {
    const constraints = Array.isArray(assignment) ? assignment : [...assignment].map(([k, v]) => this.equals(k, v));
    const m = this.solve(constraints, opts);
    if (!m) return null;
    const lines: string[] = [];
    for (const [name, v] of m) {
      const s = this.model.byName.get(name)!;
      if (s.type === 'string') lines.push(`CONFIG_${name}="${v.replace(/["\\]/g, (c) => `\\${c}`)}"`);
      else if (v === 'n' && (s.type === 'bool' || s.type === 'tristate')) lines.push(`# CONFIG_${name} is not set`);
      else lines.push(`CONFIG_${name}=${v}`);
    }
    const input = `${this.baseText ?? ''}\n${lines.join('\n')}\n`;
    const probes = this.lastProbes;
    const config = olddefconfig(this.model, input, probes).config;
    const check = olddefconfig(this.model, config, probes);
    let valid = check.config === config;
    const ev = check.evaluation;
    if (!Array.isArray(assignment)) for (const [k, v] of assignment) if (ev.stringOf(this.symbol(k)) !== v) valid = false;
    for (const [k, v] of m) if (ev.stringOf(this.symbol(k)) !== v) valid = false;
    return { config, valid, model: m, probes };
  }

  /** "these symbols' values are one of these tuples" as a constraint (no tuple: never holds). */
  oneOf(symbols: readonly string[], allowed: ReadonlyArray<readonly string[]>): Expr {
    const pool = this.model.pool;
    const tuples = allowed.map((t) => pool.fold('and', t.map((v, i) => this.equals(symbols[i], v)))!);
    return pool.fold('or', tuples) ?? pool.sym(this.enc.constSymbol('n'));
  }

  /** "symbol has exactly this value" as a constraint. */
  equals(name: string, value: string): Expr {
    const s = this.symbol(name);
    return this.model.pool.cmp('eq', s, this.enc.constSymbol(value));
  }

  /**
   * Whether a full assignment (values by symbol; every symbol its constraints read must have one) is valid.
   * With every probe fixed this needs no solver: each clause is checked, gates computed from their inputs.
   */
  holds(values: ReadonlyMap<KSymbol, string>): boolean {
    return this.violations(values).length === 0;
  }

  /** The symbols whose constraint a full assignment breaks (where olddefconfig would change something). */
  violations(values: ReadonlyMap<KSymbol, string>): string[] {
    this.enc.ensure(values.keys());
    for (const s of this.enc.encodedSymbols) {
      const v = values.get(s);
      if (v !== undefined && this.enc.is(s, v) === FALSE) return [s.name];
    }
    const vars = this.enc.variablesOf(values);
    if (vars) return [...new Set(this.enc.cnf.broken((v) => vars.get(v)).map((b) => b.tag || '(shared)'))];
    return this.holdsBySolver(values) ? [] : ['(unsatisfiable)'];
  }

  private holdsBySolver(values: ReadonlyMap<KSymbol, string>): boolean {
    const lits: Lit[] = [];
    for (const s of this.enc.encodedSymbols) {
      const v = values.get(s);
      if (v === undefined) continue;
      lits.push(this.enc.is(s, v));
    }
    return this.run(lits);
  }

  symbol(name: string): KSymbol {
    const s = this.model.byName.get(name.replace(/^CONFIG_/, ''));
    if (!s) throw new ConstraintError(`unknown symbol ${name}`);
    return s;
  }

  stats(): { variables: number; clauses: number; literals: number; symbols: number } {
    const c = this.enc.cnf;
    return { variables: c.nVars, clauses: c.nClauses, literals: c.literalCount, symbols: this.enc.encodedSymbols.size };
  }
}


/** Kconfig expression syntax for constraints: words (symbols, numbers), "strings", ! && || = != < <= > >= ( ). */
class ConstraintParser {
  private toks: string[];
  private i = 0;
  constructor(
    private readonly model: KconfigModel,
    private readonly enc: KconfigEncoding,
    private readonly text: string,
  ) {
    this.toks = text.match(/"(?:[^"\\]|\\.)*"|'[^']*'|&&|\|\||!=|<=|>=|[=<>!()]|[A-Za-z0-9_$.+-]+|\S/g) ?? [];
  }
  private fail(): never {
    throw new ConstraintError(`cannot read constraint "${this.text}"`);
  }
  parse(): Expr {
    const e = this.or();
    if (this.i < this.toks.length) this.fail();
    return e;
  }
  private or(): Expr {
    let e = this.and();
    while (this.toks[this.i] === '||') {
      this.i++;
      e = this.model.pool.two('or', e, this.and());
    }
    return e;
  }
  private and(): Expr {
    let e = this.unary();
    while (this.toks[this.i] === '&&') {
      this.i++;
      e = this.model.pool.two('and', e, this.unary());
    }
    return e;
  }
  private unary(): Expr {
    const t = this.toks[this.i];
    if (t === '!') {
      this.i++;
      return this.model.pool.not(this.unary());
    }
    if (t === '(') {
      this.i++;
      const e = this.or();
      if (this.toks[this.i++] !== ')') this.fail();
      return e;
    }
    const l = this.sym();
    const op = { '=': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' }[this.toks[this.i] ?? ''] as 'eq' | undefined;
    if (op) {
      this.i++;
      return this.model.pool.cmp(op, l, this.sym());
    }
    return this.model.pool.sym(l);
  }
  private sym(): KSymbol {
    const t = this.toks[this.i++];
    if (t === undefined || /^(&&|\|\||!=|<=|>=|[=<>!()])$/.test(t)) this.fail();
    if (t[0] === '"' || t[0] === "'") return this.enc.constSymbol(t.slice(1, -1).replace(/\\(.)/g, '$1'));
    const name = t.replace(/^CONFIG_/, '');
    return this.model.byName.get(name) ?? this.enc.constSymbol(t);
  }
}

export type { Pair };

/** A constraint on a few symbols: their values form one of the allowed tuples (values in `symbols` order). */
export interface TupleConstraint {
  symbols: readonly string[];
  allowed: ReadonlyArray<readonly string[]>;
}

/**
 * A set of configurations to block: the symbols in `pinned` have those values, every tuple constraint holds, and
 * every free variable has the given value.
 */
export interface Cube {
  pinned: ReadonlyMap<string, string>;
  tuples: readonly TupleConstraint[];
  free: ReadonlyMap<string, boolean>;
}

/** One answer of a search: the symbols' values and the free variables'. */
export interface SearchPoint {
  values: Assignment;
  free: Map<string, boolean>;
}

/**
 * Valid assignments of a growing set of symbols (and free variables: choices the exploration makes that no symbol
 * decides), each call the nearest to the base (fewest symbols changed) that matches no blocked cube. A cube is a set
 * of configurations known to give the same answer (the layouts read only that much of them): blocking it skips all
 * of them. Blocking clauses sit behind an activation literal, retired by close().
 */
export class AssignmentSearch {
  private readonly act: Lit;
  private readonly syms: KSymbol[] = [];
  private readonly freeVars = new Map<string, Lit>();
  /** atLeast[j]: at least j+1 of the symbols differ from the base. */
  private atLeast: Lit[] = [];
  /** The distance searched at: every unblocked assignment nearer than this has been returned. */
  private distance = 0;
  private closed = false;

  constructor(
    private readonly sat: KconfigSat,
    symbols: string[],
  ) {
    this.act = sat.enc.cnf.newVar();
    this.extend(symbols);
  }

  get symbols(): string[] {
    return this.syms.map((s) => s.name);
  }

  /** Adds symbols (their new values start at the base: no assignment already returned is lost). */
  extend(names: Iterable<string>): void {
    const have = new Set(this.syms.map((s) => s.name));
    const added = [...new Set(names)].filter((n) => !have.has(n)).map((n) => this.sat.symbol(n));
    if (!added.length && this.atLeast.length) return;
    this.syms.push(...added);
    this.sat.enc.ensure(this.syms);
    const diffs = this.syms.map((s) => -this.sat.atBase(s)).filter((d) => d !== FALSE && d !== TRUE);
    this.atLeast = diffs.length ? this.sat.counter(diffs, diffs.length) : [];
  }

  /** Adds free variables (either value is possible). */
  addFree(keys: Iterable<string>): void {
    for (const k of keys) if (!this.freeVars.has(k)) this.freeVars.set(k, this.sat.enc.cnf.newVar());
  }

  /** No point of `cube` is returned again. A value outside a symbol's domain blocks nothing. */
  block(cube: Cube): void {
    this.extend([...cube.pinned.keys(), ...cube.tuples.flatMap((t) => t.symbols)]);
    this.addFree(cube.free.keys());
    const enc = this.sat.enc;
    const lits: Lit[] = [-this.act];
    for (const [name, v] of cube.pinned) {
      const l = enc.is(this.sat.symbol(name), v);
      if (l === FALSE) return;
      if (l !== TRUE) lits.push(-l);
    }
    for (const t of cube.tuples) {
      const syms = t.symbols.map((n) => this.sat.symbol(n));
      const l = enc.cnf.or(t.allowed.map((tuple) => enc.cnf.and(tuple.map((v, i) => enc.is(syms[i], v)))));
      if (l === FALSE) return;
      if (l !== TRUE) lits.push(-l);
    }
    for (const [k, v] of cube.free) lits.push(v ? -this.freeVars.get(k)! : this.freeVars.get(k)!);
    enc.cnf.clause(lits);
  }

  /** The next point (nearest the base), or null when every valid one is blocked. */
  next(): SearchPoint | null {
    if (this.closed) return null;
    for (;;) {
      const bound = this.distance < this.atLeast.length ? -this.atLeast[this.distance] : TRUE;
      if (this.sat.run([this.act, bound])) {
        const values: Assignment = new Map();
        for (const s of this.syms) values.set(s.name, this.sat.enc.valueIn(s, (x) => this.sat.backend.value(x)));
        const free = new Map<string, boolean>();
        for (const [k, x] of this.freeVars) free.set(k, this.sat.backend.value(x));
        return { values, free };
      }
      if (bound === TRUE) return null;
      this.distance++;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sat.enc.cnf.clause([-this.act]);
  }
}
