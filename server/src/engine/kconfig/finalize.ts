// After parsing: dependencies pushed down the menu tree, `m` rewritten to `m && MODULES`, select/imply turned
// into reverse dependencies, and the dependency-cycle check (scripts/kconfig/menu.c menu_finalize, symbol.c
// sym_check_deps). The result is the KconfigModel the evaluator and the SAT encoder read.

import { type Expr, forEachSymbol, type KconfigModel, KSymbol, type Menu, type Property } from './model';
import type { ParsedTree } from './parser';
import type { KconfigProblems } from './problems';

export function finalize(tree: ParsedTree, srctree: string, env: Readonly<Record<string, string>>, problems: KconfigProblems): KconfigModel {
  const { pool } = tree;
  const modules = tree.modules ?? tree.no;
  if (!tree.root.prompt) {
    tree.root.prompt = { kind: 'menu', expr: null, visible: null, menu: tree.root, file: '', line: 0, text: 'Main menu' };
  }

  /** rewrite_m: `m` means `m && MODULES` in conditions, so that it is n without modules. */
  const rewritten = new Map<number, Expr>();
  const rewriteM = (e: Expr | null): Expr | null => {
    if (!e) return e;
    const hit = rewritten.get(e.id);
    if (hit) return hit;
    let r: Expr = e;
    if (e.op === 'not') r = pool.not(rewriteM(e.e)!);
    else if (e.op === 'and' || e.op === 'or') r = pool.two(e.op, rewriteM(e.l)!, rewriteM(e.r)!);
    else if (e.op === 'sym' && e.sym === tree.mod) r = pool.two('and', e, pool.sym(modules));
    rewritten.set(e.id, r);
    return r;
  };

  // Reverse dependencies, implies and the definitions' dependencies are collected, then folded balanced.
  const revTerms = new Map<KSymbol, Expr[]>();
  const impTerms = new Map<KSymbol, Expr[]>();
  const dirTerms = new Map<KSymbol, Expr[]>();
  const push = (m: Map<KSymbol, Expr[]>, s: KSymbol, e: Expr) => {
    const l = m.get(s);
    if (l) l.push(e);
    else m.set(s, [e]);
  };
  const visit = (parent: Menu, insideChoice: boolean): void => {
    const sym = parent.sym;
    if (parent.list) {
      for (let menu: Menu | null = parent.list; menu; menu = menu.next) {
        const basedep = pool.and(parent.dep, rewriteM(menu.dep));
        menu.dep = basedep;
        const props: Property[] = menu.sym ? menu.sym.props : menu.prompt ? [menu.prompt] : [];
        for (const prop of props) {
          if (prop.menu !== menu) continue;
          const dep = pool.and(basedep, rewriteM(prop.visible));
          prop.visible = dep;
          if (prop.kind === 'select' || prop.kind === 'imply') {
            const target = (prop.expr as { sym: KSymbol }).sym;
            // expr_alloc_and(sym, NULL) is the symbol alone.
            const t = dep ? pool.two('and', pool.sym(menu.sym!), dep) : pool.sym(menu.sym!);
            push(prop.kind === 'select' ? revTerms : impTerms, target, t);
          }
        }
      }
      for (let menu: Menu | null = parent.list; menu; menu = menu.next) visit(menu, !!sym && sym.isChoice);
    } else if (!insideChoice && sym) {
      // expr_alloc_or(dir_dep, NULL) keeps dir_dep: a definition without dependencies adds nothing.
      if (parent.dep) push(dirTerms, sym, parent.dep);
      else if (!dirTerms.has(sym)) dirTerms.set(sym, []);
    }
  };
  visit(tree.root, false);
  for (const [s, l] of revTerms) s.revDep = pool.fold('or', l);
  for (const [s, l] of impTerms) s.implied = pool.fold('or', l);
  for (const [s, l] of dirTerms) s.dirDep = pool.fold('or', l);

  // The root's own prompt gets no dependencies (it has none); every other node was visited above.
  checkCycles(tree, problems);
  checkSanity(tree, problems);

  const writeOrder: KSymbol[] = [];
  const seen = new Set<KSymbol>();
  for (let m = nextMenu(tree.root, tree.root); m; m = nextMenu(m, tree.root)) {
    const s = m.sym;
    if (s && !s.isChoice && !seen.has(s)) {
      seen.add(s);
      writeOrder.push(s);
    }
  }

  return {
    evalOrder: dependencyOrder(tree.symbols, tree.choices),
    srctree,
    env,
    root: tree.root,
    symbols: tree.symbols,
    byName: tree.byName,
    choices: tree.choices,
    frees: tree.frees,
    freeSource: tree.freeSource,
    yes: tree.yes,
    mod: tree.mod,
    no: tree.no,
    modules,
    pool,
    files: tree.files,
    problems: problems.list,
    writeOrder,
    idLimit: tree.nextSymbolId(),
    display: (text: string) => tree.macros.display(text),
  };
}

/** menu_next: depth-first order. */
export function nextMenu(menu: Menu, root: Menu): Menu | null {
  if (menu.list) return menu.list;
  let m: Menu | null = menu;
  while (m && m !== root && !m.next) m = m.parent;
  if (!m || m === root) return null;
  return m.next;
}

/** sym_get_choice_menu: the choice whose block holds the symbol's first prompt. */
export function choiceOf(sym: KSymbol): KSymbol | null {
  const menu = sym.menus.find((m) => m.prompt);
  if (!menu) return null;
  let m = menu.parent;
  while (m && !m.sym) m = m.parent;
  return m && m.sym && m.sym.isChoice ? m.sym : null;
}


/**
 * sym_check_deps: a symbol may not depend on itself through dependencies, reverse dependencies, implies,
 * prompt and default conditions or default values. Choice members are checked as one group. Each cycle is
 * reported once, at the symbol where it was found, with the path.
 */
function checkCycles(tree: ParsedTree, problems: KconfigProblems): void {
  const CHECK = 1;
  const CHECKED = 2;
  const flags = new Map<KSymbol, number>();
  const stack: { sym: KSymbol; why: string }[] = [];

  const edges = (sym: KSymbol): { sym: KSymbol; why: string }[] => {
    const out: { sym: KSymbol; why: string }[] = [];
    const add = (e: Expr | null, why: string) => {
      const syms: KSymbol[] = [];
      forEachSymbol(e, (x) => syms.push(x));
      for (const s of syms) out.push({ sym: s, why });
    };
    add(sym.dirDep, 'depends on');
    add(sym.revDep, 'is selected by');
    add(sym.implied, 'is implied by');
    for (const p of sym.props) {
      if (p.kind === 'select' || p.kind === 'imply') continue;
      add(p.visible, `${p.kind} is visible depending on`);
      if (p.kind === 'default' && !sym.isChoice) add(p.expr, 'default value contains');
    }
    return out;
  };

  const report = (last: KSymbol) => {
    const i = stack.findIndex((s) => s.sym === last);
    const cycle = i >= 0 ? stack.slice(i) : stack;
    // Each step names both ends (each entry's edge leads to the next entry's symbol, the last one's back to `last`).
    const name = (s: KSymbol) => s.name || '<choice>';
    const path = cycle.map((s, k) => `${name(s.sym)} ${s.why} ${name(cycle[k + 1]?.sym ?? last)}`).join(', ');
    const place = last.place ?? { file: '', line: 0 };
    problems.report('error', 'kconfig-dependency-cycle', `recursive dependency detected: ${path}`, place.file, place.line);
    for (const s of i >= 0 ? stack.slice(i) : stack) s.sym.inCycle = true;
    last.inCycle = true;
  };

  let depth = 0;
  let tooDeep = false;
  const check = (sym: KSymbol): KSymbol | null => {
    if (sym.kind !== 'normal' && sym.kind !== 'choice') return null;
    if (depth > 2000) {
      if (!tooDeep) problems.report('warning', 'kconfig-too-deep', `dependency chain longer than 2000 symbols at ${sym.name}: not checked for cycles past it`, sym.place?.file ?? '', sym.place?.line ?? 0);
      tooDeep = true;
      return null;
    }
    const f = flags.get(sym) ?? 0;
    if (f & CHECK) {
      report(sym);
      return sym;
    }
    if (f & CHECKED) return null;
    const choice = choiceOf(sym);
    if (choice) return check(choice);
    if (sym.isChoice) {
      const members = sym.members;
      for (const m of members) flags.set(m, (flags.get(m) ?? 0) | CHECK | CHECKED);
      flags.set(sym, CHECK | CHECKED);
      let found = checkEdges(sym);
      flags.set(sym, CHECKED);
      if (!found) {
        for (const m of members) {
          found = checkEdges(m);
          if (found) break;
        }
      }
      for (const m of members) flags.set(m, (flags.get(m) ?? 0) & ~CHECK);
      if (found && choiceOf(found) === sym) found = sym;
      return found;
    }
    flags.set(sym, CHECK | CHECKED);
    const found = checkEdges(sym);
    flags.set(sym, CHECKED);
    return found;
  };

  const checkEdges = (sym: KSymbol): KSymbol | null => {
    depth++;
    try {
      for (const e of edges(sym)) {
        stack.push({ sym, why: e.why });
        const found = check(e.sym);
        stack.pop();
        if (found) return found;
      }
      return null;
    } finally {
      depth--;
    }
  };

  for (let m = nextMenu(tree.root, tree.root); m; m = nextMenu(m, tree.root)) if (m.sym) check(m.sym);
}

/** What conf refuses or warns about in a finalized tree (parser.y, menu.c sym_check_prop). */
function checkSanity(tree: ParsedTree, problems: KconfigProblems): void {
  const warned = new Set<KSymbol>();
  for (let m = nextMenu(tree.root, tree.root); m; m = nextMenu(m, tree.root)) {
    const sym = m.sym;
    if (!sym) continue;
    if (sym.transitional) {
      const bad = (m.dep && !(m.dep.op === 'sym' && m.dep.sym === tree.yes)) || m.visibility || sym.props.length > 0;
      if (bad) problems.report('error', 'kconfig-transitional', 'transitional symbols can only have help sections', m.file, m.line);
    }
    if (sym.isChoice) {
      for (let c = nextMenu(m, m); c; c = nextMenu(c, m)) {
        if (!c.sym) continue;
        for (const p of c.sym.props) {
          if (p.kind === 'default') problems.report('error', 'kconfig-choice-member', 'defaults for choice values not supported', p.file, p.line);
          // 6.12 accepts a second definition with a prompt inside the same choice (powerpc's POWERPC64_CPU).
          if (p.menu !== c && p.kind === 'prompt' && p.menu.parent !== c.parent) {
            problems.report('error', 'kconfig-choice-member', 'choice value has a prompt outside its choice group', p.file, p.line);
          }
        }
      }
    }
    if (warned.has(sym)) continue;
    warned.add(sym);
    if (sym.type === 'unknown') problems.report('warning', 'kconfig-no-type', 'config symbol defined without type', m.file, m.line);
    for (const p of sym.props) {
      if (p.kind === 'select' || p.kind === 'imply') {
        const target = (p.expr as { sym: KSymbol }).sym;
        if (sym.type !== 'bool' && sym.type !== 'tristate') problems.report('warning', 'kconfig-select-type', `config symbol '${sym.name}' uses ${p.kind}, but is not bool or tristate`, p.file, p.line);
        else if (target.type !== 'unknown' && target.type !== 'bool' && target.type !== 'tristate') {
          problems.report('warning', 'kconfig-select-type', `'${target.name}' has wrong type. '${p.kind}' only accept arguments of bool and tristate type`, p.file, p.line);
        }
      } else if (p.kind === 'range' && sym.type !== 'int' && sym.type !== 'hex') {
        problems.report('warning', 'kconfig-range-type', 'range is only allowed for int or hex symbols', p.file, p.line);
      } else if (p.kind === 'default' && (sym.type === 'int' || sym.type === 'hex' || sym.type === 'string') && p.expr?.op !== 'sym') {
        problems.report('warning', 'kconfig-default-type', `default for config symbol '${sym.name}' must be a single symbol`, p.file, p.line);
      }
    }
  }
}

/**
 * Symbols with what their values read before them (post-order of an iterative depth-first walk): computing
 * in this order keeps the evaluator's recursion shallow however long a chain of dependencies is.
 */
function dependencyOrder(symbols: KSymbol[], choices: KSymbol[]): KSymbol[] {
  const inputs = (s: KSymbol): KSymbol[] => {
    const out = new Set<KSymbol>();
    const add = (e: Expr | null) => {
      const l: KSymbol[] = [];
      forEachSymbol(e, (x) => l.push(x));
      for (const x of l) out.add(x);
    };
    add(s.dirDep);
    add(s.revDep);
    add(s.implied);
    for (const p of s.props) {
      add(p.visible);
      if (p.kind === 'default') add(p.expr);
      if (p.kind === 'range') {
        out.add(p.rangeLow!);
        out.add(p.rangeHigh!);
      }
    }
    if (s.memberOf) for (const m of s.memberOf.members) if (m !== s) for (const p of m.props) add(p.visible);
    return [...out].filter((x) => x.kind === 'normal' && x !== s);
  };
  const state = new Map<KSymbol, number>();
  const order: KSymbol[] = [];
  for (const root of [...symbols, ...choices]) {
    if (state.has(root)) continue;
    const stack: { sym: KSymbol; next: KSymbol[]; i: number }[] = [{ sym: root, next: inputs(root), i: 0 }];
    state.set(root, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.i < top.next.length) {
        const n = top.next[top.i++];
        if (!state.has(n)) {
          state.set(n, 1);
          stack.push({ sym: n, next: inputs(n), i: 0 });
        }
        continue;
      }
      stack.pop();
      state.set(top.sym, 2);
      order.push(top.sym);
    }
  }
  return order;
}
