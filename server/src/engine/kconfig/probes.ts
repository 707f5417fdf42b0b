// Values of the free symbols (toolchain probes, unknown environment variables) read back from a .config:
// the values under which that .config is what conf would have written.

import { Evaluation, readConfig, type ProbeValues } from './eval';
import { forEachSymbol, type Expr, type KconfigModel, type KSymbol } from './model';

export interface ProbeInference {
  values: Map<KSymbol, string>;
  /** Free symbols the .config says nothing about (no symbol that shows them is written); given a guess. */
  undetermined: KSymbol[];
  /** Free symbols for which no value makes every symbol that shows them agree with the .config. */
  inconsistent: KSymbol[];
}


/** For each free symbol: the symbols whose definition reads it directly. */
export function freeSites(model: KconfigModel): Map<KSymbol, KSymbol[]> {
  const sites = new Map<KSymbol, Set<KSymbol>>();
  for (const f of model.frees) sites.set(f, new Set());
  const note = (s: KSymbol, e: Expr | null) => {
    const found = new Set<KSymbol>();
    forEachSymbol(e, (x) => found.add(x));
    for (const f of found) if (f.kind === 'free') sites.get(f)?.add(s);
  };
  for (const s of [...model.symbols, ...model.choices]) {
    note(s, s.dirDep);
    note(s, s.revDep);
    note(s, s.implied);
    for (const p of s.props) {
      note(s, p.visible);
      note(s, p.expr);
      if (p.kind === 'select' || p.kind === 'imply') {
        // The condition of a select shows in the target's value.
        const t = (p.expr as { sym: KSymbol }).sym;
        note(t, p.visible);
      }
    }
    if (s.isChoice) for (const m of s.members) for (const f of sites.keys()) if (sites.get(f)!.has(s)) sites.get(f)!.add(m);
  }
  return new Map([...sites].map(([f, set]) => [f, [...set].filter((s) => s.kind === 'normal')]));
}

/**
 * Reads probe values back from a .config conf wrote (or several, made with the same toolchain). Candidates for each free symbol are y, n and the
 * values of the symbols it is the default of or is compared with; each is scored by how many of the symbols
 * that read it directly would come out differently (value or presence) from the .config, and the best kept,
 * in rounds until nothing changes (a probe can hide behind another).
 */
export function inferProbes(model: KconfigModel, configText: string | string[], start: ProbeValues = new Map()): ProbeInference {
  // Several .configs made with the same toolchain: each tells what the others may not.
  const configs = (Array.isArray(configText) ? configText : [configText]).map((text) => {
    const input = readConfig(model, text);
    const given = new Map<string, string>();
    for (const [sym, v] of input.user) given.set(sym.name, sym.isBoolish ? ['n', 'm', 'y'][v.tri] : v.val);
    return { input, given, present: new Set(input.user.keys()) };
  });
  const given = new Map<string, string>();
  for (const c of [...configs].reverse()) for (const [k, v] of c.given) given.set(k, v);
  const sites = freeSites(model);
  const candidates = new Map<KSymbol, string[]>();
  const values = new Map<KSymbol, string>(start);
  for (const f of model.frees) {
    const c = new Set<string>(['y', 'n']);
    for (const s of sites.get(f) ?? []) {
      for (const p of s.props) {
        if (p.kind === 'default' && p.expr?.op === 'sym' && p.expr.sym === f && given.has(s.name)) c.add(given.get(s.name)!);
      }
      const partners = new Set<KSymbol>();
      const cmpPartners = (e: Expr | null): void => {
        if (!e) return;
        if (e.op === 'sym') return;
        if (e.op === 'not') cmpPartners(e.e);
        else if (e.op === 'and' || e.op === 'or') {
          cmpPartners(e.l);
          cmpPartners(e.r);
        } else {
          const c = e as { ls: KSymbol; rs: KSymbol };
          if (c.ls === f) partners.add(c.rs);
          if (c.rs === f) partners.add(c.ls);
        }
      };
      cmpPartners(s.dirDep);
      for (const p of s.props) {
        cmpPartners(p.visible);
        cmpPartners(p.expr);
      }
      for (const q of partners) {
        if (q.kind === 'const') c.add(q.name);
        else if (given.has(q.name)) c.add(given.get(q.name)!);
      }
    }
    candidates.set(f, [...c]);
    if (!values.has(f)) {
      // First guess: the value of a symbol it is the unconditional default of, else y.
      let guess: string | undefined;
      for (const s of sites.get(f) ?? []) {
        const d = s.props.find((p) => p.kind === 'default');
        if (d && d.expr?.op === 'sym' && d.expr.sym === f && given.has(s.name)) guess ??= given.get(s.name);
      }
      values.set(f, guess ?? 'y');
    }
  }

  const mismatches = (syms: KSymbol[], probes: ProbeValues): number => {
    let bad = 0;
    for (const c of configs) {
      const ev = new Evaluation(model, c.input, probes, true);
      for (const s of syms) {
        const w = ev.written(s);
        if (w !== c.present.has(s)) bad++;
        else if (w && ev.stringOf(s) !== c.given.get(s.name)) bad++;
      }
    }
    return bad;
  };

  // Probes that show through the same symbols are decided together (a string with two conditional defaults).
  const groupOf = new Map<KSymbol, KSymbol[]>();
  const siteOwner = new Map<KSymbol, KSymbol[]>();
  for (const f of model.frees) {
    let group = [f];
    for (const s of sites.get(f) ?? []) {
      const other = siteOwner.get(s);
      if (other && other !== group) {
        for (const g of other) groupOf.set(g, group);
        group.push(...other.filter((g) => !group.includes(g)));
        for (const [site, owner] of siteOwner) if (owner === other) siteOwner.set(site, group);
      }
      siteOwner.set(s, group);
    }
    for (const g of group) groupOf.set(g, group);
  }
  const groups = [...new Set(groupOf.values())];

  const classOf = (v: string) => (v === 'y' || v === 'm' ? v : v === 'n' || v === '' ? 'n' : `=${v}`);
  const determined = new Set<KSymbol>();
  const inconsistent = new Set<KSymbol>();
  for (let round = 0; round < 4; round++) {
    let changed = false;
    for (const group of groups) {
      const groupSites = [...new Set(group.flatMap((f) => sites.get(f) ?? []))];
      const combos = group.reduce((n, f) => n * candidates.get(f)!.length, 1);
      const current = group.map((f) => values.get(f)!);
      let best = mismatches(groupSites, values);
      let bestCombos: string[][] = [current];
      if (combos <= 512) {
        const idx = group.map(() => 0);
        for (let k = 0; k < combos; k++) {
          const combo = group.map((f, i) => candidates.get(f)![idx[i]]);
          for (let i = 0; i < idx.length; i++) {
            if (++idx[i] < candidates.get(group[i])!.length) break;
            idx[i] = 0;
          }
          if (combo.every((v, i) => v === current[i])) continue;
          const trial = new Map(values);
          group.forEach((f, i) => trial.set(f, combo[i]));
          const score = mismatches(groupSites, trial);
          if (score < best) {
            best = score;
            bestCombos = [combo];
          } else if (score === best) bestCombos.push(combo);
        }
      } else {
        // Too many together: one probe at a time.
        for (let i = 0; i < group.length; i++) {
          for (const c of candidates.get(group[i])!) {
            const trial = new Map(values);
            trial.set(group[i], c);
            const score = mismatches(groupSites, trial);
            if (score < best) {
              best = score;
              values.set(group[i], c);
              changed = true;
            }
          }
        }
        bestCombos = [group.map((f) => values.get(f)!)];
      }
      const pick = bestCombos[0];
      group.forEach((f, i) => {
        if (values.get(f) !== pick[i]) {
          values.set(f, pick[i]);
          changed = true;
        }
        if (new Set(bestCombos.map((c) => classOf(c[i]))).size === 1 && groupSites.length) determined.add(f);
        else determined.delete(f);
        if (best > 0) inconsistent.add(f);
        else inconsistent.delete(f);
      });
    }
    if (!changed) break;
  }
  return {
    values,
    undetermined: model.frees.filter((f) => !determined.has(f)),
    inconsistent: [...inconsistent],
  };
}
