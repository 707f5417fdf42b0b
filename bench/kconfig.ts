// Kconfig front end and SAT layer figures on the 7.3 tree: parse, olddefconfig, probe read-back, CNF sizes,
// and the same queries on logic-solver (MiniSat in JavaScript) and z3-solver (wasm), the measurement that chose
// the engine's solver. Prints a markdown block.
//
// usage: node out/bench/kconfig.js [SRC] [--arches x86_64,i386] [--z3 [--z3-full]]   (z3: npm install --no-save z3-solver)
//   SRC defaults to the cache's 7.3 tree; probe values come from the cache's conf-made defconfig when present
//   (test/kconfig's oracle cache), else every probe is left free.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Cnf, Lit } from '../server/src/engine/kconfig/cnf';
import { defconfig, DiskKconfigHost, inferProbes, kconfigArch, KconfigSat, loadKconfig } from '../server/src/engine/kconfig/index';
import type { KconfigModel } from '../server/src/engine/kconfig/model';
import type { SatBackend } from '../server/src/engine/kconfig/solver';

const argv = process.argv.slice(2);
const cache = process.env.MEMDESC_CACHE ?? path.join(os.homedir(), '.cache/memdesc-layout');
const src = argv.find((a) => !a.startsWith('--') && argv[argv.indexOf(a) - 1] !== '--arches') ?? path.join(cache, 'trees/7.3/src');
const arches = (argv.includes('--arches') ? argv[argv.indexOf('--arches') + 1] : 'x86_64,i386').split(',');
const withZ3 = argv.includes('--z3');

const QUERY = ['MEMCG', 'SLAB_OBJ_EXT', 'LOCKDEP', 'DEBUG_SPINLOCK', 'PREEMPT_RT', 'HIGHMEM', 'X86_PAE', 'PHYS_ADDR_T_64BIT', 'SMP', 'NR_CPUS', 'PGTABLE_LEVELS'];

function ms(f: () => unknown): number {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e6;
}
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

/** The conf-made defconfig from the oracle tests' build dir, for the probe values. */
function confDefconfig(arch: string): string | undefined {
  const p = path.join(cache, 'builds', `kconfig-7.3-${arch}`, '.config');
  return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined;
}

/** z3-solver over the same CNF, clause by clause through its API (its DIMACS reader's variables cannot be named back). */
class Z3Backend {
  private ctx: any;
  private solver: any;
  private sent = 0;
  private model: any;
  private readonly vars: any[] = [];
  static async create(): Promise<Z3Backend | undefined> {
    let mod: any;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require('z3-solver');
    } catch {
      return undefined;
    }
    const z = new Z3Backend();
    const { Context } = await mod.init();
    z.ctx = Context('main');
    z.solver = new z.ctx.Solver();
    return z;
  }
  private v(n: number): any {
    return (this.vars[n] ??= this.ctx.Bool.const(`v${n}`));
  }
  private lit(l: Lit): any {
    return l > 0 ? this.v(l) : this.ctx.Not(this.v(-l));
  }
  sync(cnf: Cnf): void {
    let i = 0;
    for (const c of cnf.clauses()) if (i++ >= this.sent) this.solver.add(c.length === 1 ? this.lit(c[0]) : this.ctx.Or(...c.map((l) => this.lit(l))));
    this.sent = i;
  }
  async solve(assumptions: Lit[]): Promise<boolean> {
    const r = await this.solver.check(...assumptions.map((l) => this.lit(l)));
    this.model = r === 'sat' ? this.solver.model() : undefined;
    return r === 'sat';
  }
  value(n: number): boolean {
    return this.model ? this.ctx.isTrue(this.model.eval(this.v(n), true)) : false;
  }
}

async function z3Figures(model: KconfigModel, probes: Map<any, string>, base: string, q: string[], full: boolean): Promise<string> {
  const t0 = Date.now();
  const z = await Z3Backend.create();
  if (!z) return 'z3-solver is not installed (npm install --no-save z3-solver to measure it)';
  const init = Date.now() - t0;
  const sat = new KconfigSat(model, { probes, base });
  sat.enc.ensure(q.map((n) => model.byName.get(n)!));
  const l1 = sat.enc.expr(sat.parse('MEMCG && !SLAB_OBJ_EXT')).ge1;
  const l2 = sat.enc.expr(sat.parse('MEMCG && LOCKDEP && SMP')).ge1;
  let t = Date.now();
  z.sync(sat.enc.cnf);
  const load = Date.now() - t;
  const time = async (l: Lit) => {
    const ts: number[] = [];
    let r = false;
    for (let i = 0; i < 3; i++) {
      const t1 = Date.now();
      r = await z.solve([l]);
      ts.push(Date.now() - t1);
    }
    return `${ts.join(' / ')} ms (${r})`;
  };
  const q1 = await time(l1);
  const q2 = await time(l2);
  const syms = q.map((n) => model.byName.get(n)!);
  t = Date.now();
  let count = 0;
  for (;;) {
    z.sync(sat.enc.cnf);
    if (!(await z.solve([]))) break;
    count++;
    sat.enc.cnf.clause(syms.map((s) => -sat.enc.is(s, sat.enc.valueIn(s, (v) => z.value(v)))));
  }
  const en = Date.now() - t;
  let fullText = 'not measured (--z3-full)';
  if (full) {
    const f = new KconfigSat(model, { probes, base });
    f.enc.ensure(model.symbols.filter((s) => s.kind === 'normal'));
    const zf = (await Z3Backend.create())!;
    t = Date.now();
    zf.sync(f.enc.cnf);
    const loadFull = Date.now() - t;
    t = Date.now();
    const ok = await zf.solve([]);
    fullText = `load ${loadFull} ms, solve ${Date.now() - t} ms (${ok})`;
  }
  return `init ${init} ms; load cone ${load} ms; MEMCG && !SLAB_OBJ_EXT ${q1}; MEMCG && LOCKDEP && SMP ${q2}; enumerate ${en} ms (${count} assignments); whole arch: ${fullText}`;
}

async function main(): Promise<void> {
  const out: string[] = [];
  out.push('| arch | parse | olddefconfig (defconfig) | probe read-back | full CNF: symbols / vars / clauses / literals | build full CNF + check defconfig valid | query cone (11 symbols): symbols / clauses | satisfiable(MEMCG && !SLAB_OBJ_EXT) | satisfiable(MEMCG && LOCKDEP && SMP) | enumerate 11 symbols | complete() to a valid .config |');
  out.push('|---|---|---|---|---|---|---|---|---|---|---|');
  const z3Rows: string[] = [];
  for (const archName of arches) {
    const arch = kconfigArch(archName)!;
    const host = new DiskKconfigHost();
    let model!: KconfigModel;
    const parse = median([0, 1, 2].map(() => ms(() => (model = loadKconfig(new DiskKconfigHost(), { srctree: src, arch: arch.name })))));
    const conf = confDefconfig(arch.name);
    let probes = new Map();
    const infer = conf ? ms(() => (probes = inferProbes(model, conf).values)) : NaN;
    let def!: ReturnType<typeof defconfig>;
    const odc = median([0, 1, 2].map(() => ms(() => (def = defconfig(model, host, arch, probes)))));
    // Full CNF and the defconfig's validity.
    const full = new KconfigSat(model, { probes, base: def!.config });
    const values = new Map();
    for (const s of model.symbols) if (s.kind === 'normal' && s.type !== 'unknown') values.set(s, def!.evaluation.stringOf(s));
    console.error(`${arch.name}: parse ${fmt(parse)} ms, olddefconfig ${fmt(odc)} ms; building the full CNF`);
    let valid = false;
    const fullMs = ms(() => (valid = full.holds(values)));
    const fs_ = full.stats();
    // Query-sized work on a fresh instance (the cone only).
    const sat = new KconfigSat(model, { probes, base: def!.config });
    const q = QUERY.filter((n) => model.byName.has(n));
    sat.enc.ensure(q.map((n) => model.byName.get(n)!));
    const cone = sat.stats();
    let r1 = false;
    let r2 = false;
    const q1 = median([0, 1, 2].map(() => ms(() => (r1 = sat.satisfiable(['MEMCG && !SLAB_OBJ_EXT'])))));
    const q2 = median([0, 1, 2].map(() => ms(() => (r2 = sat.satisfiable(['MEMCG && LOCKDEP && SMP'])))));
    console.error(`${arch.name}: full CNF ${fmt(fullMs)} ms, queries ${fmt(q1)} / ${fmt(q2)} ms`);
    let n = 0;
    const en = ms(() => (n = sat.enumerate(q).assignments.length));
    let ok: boolean | undefined;
    const comp = ms(() => (ok = sat.complete(new Map([['MEMCG', 'y'], ['LOCKDEP', 'y']]))?.valid));
    out.push(
      `| ${arch.name} | ${fmt(parse)} ms | ${fmt(odc)} ms | ${conf ? `${fmt(infer)} ms (${model.frees.length} probes)` : 'no conf defconfig'} | ${fs_.symbols} / ${fs_.variables} / ${fs_.clauses} / ${fs_.literals} | ${fmt(fullMs)} ms (${valid ? 'valid' : 'INVALID'}) | ${cone.symbols} / ${cone.clauses} | ${fmt(q1)} ms (${r1}) | ${fmt(q2)} ms (${r2}) | ${fmt(en)} ms (${n} assignments) | ${fmt(comp)} ms (${ok ? 'valid' : 'NOT VALID'}) |`,
    );
    if (withZ3) z3Rows.push(`${arch.name}: ${await z3Figures(model, probes, def!.config, q, argv.includes('--z3-full'))}`);
  }
  console.log(out.join('\n'));
  if (withZ3) console.log(`\nz3-solver on the same CNF:\n\n${z3Rows.map((r) => `- ${r}`).join('\n')}`);
  process.exit(0);
}

void main();
export type { SatBackend };
