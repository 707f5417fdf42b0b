// SAT backends for the Kconfig CNF. logic-solver (MiniSat compiled to JavaScript, synchronous, incremental)
// is the one the engine uses; see the README's Kconfig section for the measurement that chose it.

import type { Cnf, Lit } from './cnf';

export interface SatBackend {
  readonly name: string;
  /** Sends the clauses added to the CNF since the last call. */
  sync(cnf: Cnf): void;
  /** Satisfiable with these literals assumed true? */
  solve(assumptions: Lit[]): boolean;
  /** The last model's value of a variable (after a satisfiable solve). */
  value(v: number): boolean;
}

// logic-solver has no type declarations; the parts used are described here.
interface LogicSolverModule {
  Solver: new () => LogicSolver;
  Clause: new (terms: number[]) => unknown;
  disablingAssertions<T>(f: () => T): T;
}
interface LogicSolver {
  getVarNum(name: string): number;
  _addClause(clause: unknown): void;
  solve(assumpVar?: number): { _assignment: (boolean | null)[] } | null;
  _minisat: { retireVar(v: number): void };
}

/**
 * logic-solver, driven below its formula layer: our variables are mapped to its numbers (its 1 and 2 are its
 * own false and true; our variable 1, the constant true, is its 2). Assumptions become one fresh variable that
 * implies them all, solved with MiniSat's assumption and then retired.
 */
export class LogicSolverBackend implements SatBackend {
  readonly name = 'logic-solver';
  private readonly Logic: LogicSolverModule;
  private readonly solver: LogicSolver;
  private sent = 0;
  /** Our variable k is the solver's toSolver[k] (assumption variables take numbers in between). */
  private readonly toSolver: number[] = [0, 2];
  private fresh = 0;
  private assignment: ArrayLike<boolean | null> | undefined;

  constructor() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.Logic = require('logic-solver') as LogicSolverModule;
    this.solver = this.Logic.disablingAssertions(() => new this.Logic.Solver());
  }

  private ensureVars(n: number): void {
    while (this.toSolver.length <= n) this.toSolver.push(this.solver.getVarNum(`v${this.toSolver.length}`));
  }

  private map(l: Lit): number {
    return l > 0 ? this.toSolver[l] : -this.toSolver[-l];
  }

  sync(cnf: Cnf): void {
    this.ensureVars(cnf.nVars);
    let i = 0;
    this.Logic.disablingAssertions(() => {
      for (const c of cnf.clauses()) {
        if (i++ < this.sent) continue;
        this.solver._addClause(new this.Logic.Clause(c.map((l) => this.map(l))));
      }
    });
    this.sent = i;
  }

  solve(assumptions: Lit[]): boolean {
    return this.Logic.disablingAssertions(() => {
      let assump: number | undefined;
      if (assumptions.length) {
        assump = this.solver.getVarNum(`a${++this.fresh}`);
        for (const l of assumptions) this.solver._addClause(new this.Logic.Clause([-assump, this.map(l)]));
      }
      const sol = this.solver.solve(assump);
      if (assump !== undefined) this.solver._minisat.retireVar(assump);
      this.assignment = sol ? sol._assignment : undefined;
      return !!sol;
    });
  }

  value(v: number): boolean {
    return !!this.assignment && this.assignment[this.toSolver[v]] === true;
  }
}
