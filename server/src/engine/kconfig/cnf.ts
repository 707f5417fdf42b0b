// A CNF under construction: numbered variables, clauses, and Tseitin gates with constant folding and
// sharing (equal gates over equal inputs are one variable).

/** A literal: a variable number, negative when negated. TRUE and FALSE are literals of variable 1. */
export type Lit = number;
export const TRUE: Lit = 1;
export const FALSE: Lit = -1;

export class Cnf {
  /** Variables 1..nVars; variable 1 is the constant true. */
  nVars = 1;
  /** Clauses as one flat array, each clause ended by 0 (DIMACS order). */
  private readonly flat: number[] = [TRUE, 0];
  nClauses = 1;
  private readonly gates = new Map<string, Lit>();
  /** For each gate variable: the literals it is the conjunction of (so that a model can be checked clause by clause). */
  readonly gateInputs = new Map<number, Lit[]>();
  /** Who added each clause (an index into tagNames), for explaining a clause a full assignment breaks. */
  private readonly tagOf: number[] = [0];
  readonly tagNames: string[] = [''];
  private tag = 0;

  /** Clauses from now on are attributed to this name. */
  setTag(name: string): void {
    let i = this.tagNames.indexOf(name);
    if (i < 0) {
      i = this.tagNames.length;
      this.tagNames.push(name);
    }
    this.tag = i;
  }

  newVar(): Lit {
    return ++this.nVars;
  }

  clause(lits: Lit[]): void {
    const seen = new Set<Lit>();
    const out: Lit[] = [];
    for (const l of lits) {
      if (l === TRUE || seen.has(-l)) return; // satisfied
      if (l === FALSE || seen.has(l)) continue;
      seen.add(l);
      out.push(l);
    }
    if (out.length === 0) {
      // The empty clause: unsatisfiable; kept as FALSE so that solvers see it.
      this.flat.push(FALSE, 0);
      this.nClauses++;
      this.tagOf.push(this.tag);
      return;
    }
    for (const l of out) this.flat.push(l);
    this.flat.push(0);
    this.nClauses++;
    this.tagOf.push(this.tag);
  }

  /**
   * The clauses an assignment of the non-gate variables breaks, with their tags: gates are computed from
   * their inputs first. `value` gives the variables the caller knows (undefined: not assigned, taken false).
   */
  broken(value: (v: number) => boolean | undefined): { tag: string; clause: Lit[] }[] {
    const memo = new Map<number, boolean>();
    const varValue = (v: number): boolean => {
      if (v === 1) return true;
      const hit = memo.get(v);
      if (hit !== undefined) return hit;
      const ins = this.gateInputs.get(v);
      const r = ins ? ins.every((l) => lit(l)) : (value(v) ?? false);
      memo.set(v, r);
      return r;
    };
    const lit = (l: Lit): boolean => (l > 0 ? varValue(l) : !varValue(-l));
    const out: { tag: string; clause: Lit[] }[] = [];
    let i = 0;
    for (const c of this.clauses()) {
      const t = this.tagOf[i++];
      if (c.length && this.gateInputs.has(Math.abs(c[0])) && t === 0) continue;
      if (!c.some(lit)) out.push({ tag: this.tagNames[t], clause: c });
    }
    return out;
  }

  /** Every clause, in order. */
  *clauses(): Generator<Lit[]> {
    let cur: Lit[] = [];
    for (const x of this.flat) {
      if (x === 0) {
        yield cur;
        cur = [];
      } else cur.push(x);
    }
  }

  /** Clauses added since a mark (clause count), for incremental solvers. */
  clausesSince(mark: number): Lit[][] {
    const out: Lit[][] = [];
    let i = 0;
    for (const c of this.clauses()) if (i++ >= mark) out.push(c);
    return out;
  }

  get literalCount(): number {
    return this.flat.length - this.nClauses;
  }

  and(lits: Lit[]): Lit {
    const ins = new Set<Lit>();
    for (const l of lits) {
      if (l === FALSE) return FALSE;
      if (l === TRUE) continue;
      if (ins.has(-l)) return FALSE;
      ins.add(l);
    }
    if (ins.size === 0) return TRUE;
    if (ins.size === 1) return ins.values().next().value as Lit;
    const sorted = [...ins].sort((a, b) => a - b);
    const key = `&${sorted.join(',')}`;
    const hit = this.gates.get(key);
    if (hit !== undefined) return hit;
    const g = this.newVar();
    const saved = this.tag;
    this.tag = 0;
    for (const l of sorted) this.clause([-g, l]);
    this.clause([g, ...sorted.map((l) => -l)]);
    this.tag = saved;
    this.gates.set(key, g);
    this.gateInputs.set(g, sorted);
    return g;
  }

  or(lits: Lit[]): Lit {
    return -this.and(lits.map((l) => -l));
  }

  implies(a: Lit, b: Lit): Lit {
    return this.or([-a, b]);
  }

  iff(a: Lit, b: Lit): Lit {
    if (a === b) return TRUE;
    if (a === -b) return FALSE;
    return this.and([this.or([-a, b]), this.or([a, -b])]);
  }

  /** At most one of the literals (pairwise for few, a sequential counter for many). */
  atMostOne(lits: Lit[]): void {
    const ls = lits.filter((l) => l !== FALSE);
    if (ls.length <= 6) {
      for (let i = 0; i < ls.length; i++) for (let j = i + 1; j < ls.length; j++) this.clause([-ls[i], -ls[j]]);
      return;
    }
    // prefix[i] = "one of the first i+1 is true" (a gate, so models can be checked); x[i] forbids prefix[i-1].
    let prefix: Lit = FALSE;
    for (const l of ls) {
      this.clause([-l, -prefix]);
      prefix = this.or([prefix, l]);
    }
  }

  /** DIMACS text (for external solvers and inspection). */
  dimacs(): string {
    const lines = [`p cnf ${this.nVars} ${this.nClauses}`];
    for (const c of this.clauses()) lines.push(`${c.join(' ')} 0`);
    return lines.join('\n') + '\n';
  }
}
