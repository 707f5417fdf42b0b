// Random small kernel-shaped trees for checking the every-configuration search against brute force: a random
// Kconfig (bool, tristate and int symbols with random depends on, select, imply, defaults and a choice) and a
// struct page / struct rdesc pair whose members are guarded by random combinations of those symbols (#ifdef,
// #if with IS_ENABLED/IS_BUILTIN/IS_MODULE and int arithmetic, #elif chains, nested groups, macros and typedefs
// defined under conditions, an embedded struct with a guarded member), with MATCH and size assertions. The brute
// force enumerates every valid configuration of the few symbols (the engine's olddefconfig as the judge of
// validity) and analyses each with the engine's plain analyze().

import * as path from 'node:path';
import { analyze } from '../server/src/engine/analysis/analyze';
import { DiskHost } from '../server/src/engine/base/host';
import { DiskKconfigHost, loadKconfig, olddefconfig, type KconfigModel } from '../server/src/engine/kconfig/index';
import { gccRejects } from '../server/src/engine/kernel/explore';
import { kernelSetup } from '../server/src/engine/kernel/kernel';
import { PreprocessCache } from '../server/src/engine/pp/preprocessor';
import { rng } from './helpers';
import { baseTree, topKconfig, type TreeFiles } from './kernel-fixture';

type Kind = 'bool' | 'tristate' | 'int';

interface RandSymbol {
  name: string;
  kind: Kind;
  visible: boolean;
  /** int: the range. */
  lo?: number;
  hi?: number;
  /** A choice member (bool, visible, exactly one of its choice is y when the choice is visible). */
  choice?: boolean;
}

export interface RandomTree {
  seed: number;
  abi: 'x86_64' | 'i386';
  files: TreeFiles;
  /** Every symbol the brute force varies (all but the arch's), with its possible values ('' = not set, for ints). */
  vary: Array<{ name: string; values: string[] }>;
}

export interface RandomTreeOptions {
  /**
   * The widest int range, with a random default. Unset: 2, the default in the middle, so that every value of the
   * range is one the SAT layer's int domains hold (wider ranges have values they leave out: a known gap).
   */
  intWidth?: number;
  /** Int symbols may have `depends on` (unset when it fails: the SAT layer takes that for the value 0, a known gap). */
  intDepends?: boolean;
}

/** A seeded random tree. */
export function randomTree(seed: number, opts: RandomTreeOptions = {}): RandomTree {
  const r = rng(seed * 7919 + 17);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const chance = (p: number) => r() < p;
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const abi = seed % 2 === 0 ? 'x86_64' : 'i386';

  // ---- Kconfig ----
  const n = int(4, 7);
  const syms: RandSymbol[] = [];
  let ints = 0;
  for (let i = 0; i < n; i++) {
    const kind: Kind = ints < 2 && chance(0.15) ? 'int' : chance(0.65) ? 'bool' : 'tristate';
    if (kind === 'int') ints++;
    const s: RandSymbol = { name: `RND_${String.fromCharCode(65 + i)}`, kind, visible: kind === 'int' || chance(0.75) };
    if (kind === 'int') {
      s.lo = int(0, 2);
      s.hi = s.lo + int(1, opts.intWidth ?? 2);
    }
    syms.push(s);
  }
  const tri = syms.filter((s) => s.kind !== 'int');
  const before = (i: number) => syms.slice(0, i).filter((s) => s.kind !== 'int');
  /** A Kconfig expression over earlier bool/tristate symbols (and, rarely, an earlier int compared with a constant). */
  const kexpr = (i: number): string | undefined => {
    const pool = before(i);
    const intsBefore = syms.slice(0, i).filter((s) => s.kind === 'int');
    if (!pool.length && !intsBefore.length) return undefined;
    const atom = (): string => {
      if (intsBefore.length && (chance(0.15) || !pool.length)) {
        const s = pick(intsBefore);
        return `${s.name} ${pick(['>', '>=', '<', '!='])} ${int(s.lo!, s.hi!)}`;
      }
      const s = pick(pool);
      if (s.kind === 'tristate' && chance(0.2)) return `${s.name} ${pick(['=', '!='])} m`;
      return chance(0.75) ? s.name : `!${s.name}`;
    };
    return chance(0.6) ? atom() : `${atom()} ${pick(['&&', '||'])} ${atom()}`;
  };
  const lines: string[] = ['# Random symbols written by memdesc-layout\'s tests.', ''];
  // An alias pair: a visible bool and an invisible one only it selects (the two are equal in every valid config).
  const alias = chance(0.6);
  if (alias) {
    syms.push({ name: 'RND_ALIAS_USER', kind: 'bool', visible: true }, { name: 'RND_ALIAS', kind: 'bool', visible: false });
    lines.push('config RND_ALIAS_USER', '\tbool "alias user"', '\tselect RND_ALIAS', '', 'config RND_ALIAS', '\tbool', '');
  }
  syms.forEach((s, i) => {
    if (s.name.startsWith('RND_ALIAS')) return;
    lines.push(`config ${s.name}`);
    lines.push(s.visible ? `\t${s.kind} "${s.name.toLowerCase()}"` : `\t${s.kind}`);
    const dep = chance(0.4) ? kexpr(i) : undefined;
    if (dep && (s.kind !== 'int' || opts.intDepends)) lines.push(`\tdepends on ${dep}`);
    if (s.kind === 'int') {
      // The default mid-range: with the bounds, every value of a range 2 wide is in the SAT layer's domain.
      lines.push(`\trange ${s.lo} ${s.hi}`, `\tdefault ${opts.intWidth ? int(s.lo!, s.hi!) : Math.floor((s.lo! + s.hi!) / 2)}`);
    } else {
      if (chance(s.visible ? 0.3 : 0.5)) {
        const e = chance(0.5) ? kexpr(i) : undefined;
        lines.push(`\tdefault ${e ?? (s.kind === 'tristate' && chance(0.5) ? 'm' : 'y')}`);
      }
      const later = tri.filter((t) => syms.indexOf(t) > i && !t.name.startsWith('RND_ALIAS'));
      if (later.length && chance(0.35)) {
        const cond = chance(0.3) ? kexpr(i) : undefined;
        lines.push(`\tselect ${pick(later).name}${cond ? ` if ${cond}` : ''}`);
      }
      const visibleLater = later.filter((t) => t.visible);
      if (visibleLater.length && chance(0.12)) lines.push(`\timply ${pick(visibleLater).name}`);
    }
    lines.push('');
  });
  // A choice of two or three members, maybe depending on an earlier symbol.
  if (chance(0.45)) {
    const members = int(2, 3);
    const names = Array.from({ length: members }, (_, k) => `RND_CHOICE_${k}`);
    lines.push('choice', '\tprompt "pick one"');
    const dep = chance(0.4) ? kexpr(n) : undefined;
    if (dep) lines.push(`\tdepends on ${dep}`);
    lines.push(`\tdefault ${pick(names)}`, '');
    for (const name of names) {
      lines.push(`config ${name}`, `\tbool "${name.toLowerCase()}"`, '');
      syms.push({ name, kind: 'bool', visible: true, choice: true });
    }
    lines.push('endchoice', '');
  }

  // ---- defconfig ----
  const defLines: string[] = [];
  if (abi === 'i386') defLines.push('# CONFIG_64BIT is not set');
  if (chance(0.6)) defLines.push('CONFIG_MODULES=y');
  for (const s of syms) {
    if (!s.visible || s.choice) continue;
    if (s.kind === 'int') {
      if (chance(0.3)) defLines.push(`CONFIG_${s.name}=${int(s.lo!, s.hi!)}`);
    } else if (chance(0.35)) defLines.push(`CONFIG_${s.name}=${s.kind === 'tristate' && chance(0.5) ? 'm' : 'y'}`);
    else if (chance(0.2)) defLines.push(`# CONFIG_${s.name} is not set`);
  }
  const choiceMembers = syms.filter((s) => s.choice);
  if (choiceMembers.length && chance(0.4)) defLines.push(`CONFIG_${pick(choiceMembers).name}=y`);

  // ---- C conditions ----
  const boolish = syms.filter((s) => s.kind !== 'int');
  const intSyms = syms.filter((s) => s.kind === 'int');
  const catom = (): string => {
    if (intSyms.length && chance(0.25)) {
      const s = pick(intSyms);
      const c = int(s.lo! - 1, s.hi! + 1);
      return pick([`CONFIG_${s.name} > ${c}`, `CONFIG_${s.name} * 2 + 1 >= ${2 * c}`, `(CONFIG_${s.name} % 3) == ${c % 3}`, `CONFIG_${s.name} == ${c}`, `CONFIG_${s.name} - ${c} < 0`]);
    }
    const s = pick(boolish);
    const forms = [`defined(CONFIG_${s.name})`, `!defined(CONFIG_${s.name})`, `IS_ENABLED(CONFIG_${s.name})`, `IS_BUILTIN(CONFIG_${s.name})`];
    if (s.kind === 'tristate') forms.push(`IS_MODULE(CONFIG_${s.name})`, `defined(CONFIG_${s.name}_MODULE)`, `!IS_ENABLED(CONFIG_${s.name})`);
    return pick(forms);
  };
  const ccond = (): string => {
    const k = pick([1, 1, 2, 2, 3]);
    let e = catom();
    for (let j = 1; j < k; j++) e = chance(0.5) ? `${e} ${pick(['&&', '||'])} ${catom()}` : `(${e}) ${pick(['&&', '||'])} !(${catom()})`;
    return e;
  };
  /** A name #ifdef can test: a bool/tristate symbol or its _MODULE macro. */
  const ifdefName = (): string => {
    const s = pick(boolish);
    return s.kind === 'tristate' && chance(0.35) ? `CONFIG_${s.name}_MODULE` : `CONFIG_${s.name}`;
  };
  const ctype = () => pick(['u8', 'u16', 'u32', 'u64', 'unsigned long', 'void *', 'u32', 'unsigned long']);
  const decl = (t: string, name: string) => (t.endsWith('*') ? `\t${t}${name};` : `\t${t} ${name};`);

  let uid = 0;
  const top: string[] = []; // macros and typedefs defined under conditions, before the structs
  /** A guarded block of members (a struct body's lines). */
  const block = (prefix: string): string[] => {
    const m = () => `${prefix}_${uid++}`;
    switch (pick(['ifdef', 'ifndef', 'if', 'if', 'elif', 'nested', 'macro-array', 'macro-feature', 'typedef', 'bitfield'])) {
      case 'ifdef':
        return [`#ifdef ${ifdefName()}`, decl(ctype(), m()), '#endif'];
      case 'ifndef':
        return [`#ifndef ${ifdefName()}`, decl(ctype(), m()), '#endif'];
      case 'if':
        return [`#if ${ccond()}`, decl(ctype(), m()), ...(chance(0.3) ? [decl(ctype(), m())] : []), '#endif'];
      case 'elif': {
        const out = [`#if ${ccond()}`, decl(ctype(), m()), `#elif ${ccond()}`, decl(ctype(), m())];
        if (chance(0.5)) out.push(`#elif ${ccond()}`, decl(ctype(), m()));
        if (chance(0.6)) out.push('#else', decl(ctype(), m()));
        return [...out, '#endif'];
      }
      case 'nested':
        return [`#ifdef ${ifdefName()}`, `#if ${ccond()}`, decl(ctype(), m()), '#else', decl(ctype(), m()), '#endif', decl('u16', m()), '#endif'];
      case 'macro-array': {
        const mac = `RND_PAD_${uid++}`;
        top.push(`#if ${ccond()}`, `#define ${mac} ${int(1, 3)}`, `#elif ${ccond()}`, `#define ${mac} ${int(2, 4)}`, '#else', `#define ${mac} 1`, '#endif');
        return [`\tu32 ${m()}[${mac}];`];
      }
      case 'macro-feature': {
        const mac = `RND_HAS_FEATURE_${uid++}`;
        top.push(`#if ${ccond()}`, `#define ${mac}`, '#endif');
        return [`#ifdef ${mac}`, decl(ctype(), m()), '#endif'];
      }
      case 'typedef': {
        const t = `rnd_word_${uid++}_t`;
        top.push(`#if ${ccond()}`, `typedef u64 ${t};`, '#else', `typedef u16 ${t};`, '#endif');
        return [`\t${t} ${m()};`];
      }
      default:
        return [`#if ${ccond()}`, `\tunsigned int ${m()} : ${int(1, 12)};`, `\tunsigned int ${m()} : ${int(1, 20)};`, '#endif'];
    }
  };
  const blocks = (prefix: string) => {
    const out: string[] = [];
    for (let k = pick([0, 1, 1, 2]); k > 0; k--) out.push(...block(prefix));
    return out;
  };
  /** The same guarded member in page and desc (conditions equivalent in every valid config): it moves both alike. */
  const mirrored = (): [string[], string[]] => {
    const t = ctype();
    const name = `mir_${uid++}`;
    if (alias && chance(0.5)) return [['#ifdef CONFIG_RND_ALIAS_USER', decl(t, `p_${name}`), '#endif'], ['#ifdef CONFIG_RND_ALIAS', decl(t, `d_${name}`), '#endif']];
    const c = ccond();
    return [[`#if ${c}`, decl(t, `p_${name}`), '#endif'], [`#if ${c}`, decl(t, `d_${name}`), '#endif']];
  };

  const fixed = [
    ['unsigned long', 'flags'],
    ['void *', 'mapping'],
    ['u32', 'count'],
    ['unsigned long', 'tail'],
  ] as const;
  const page: string[] = ['struct page {'];
  const desc: string[] = ['struct rdesc {'];
  const sub = chance(0.6);
  fixed.forEach(([t, name], k) => {
    page.push(decl(t, `p_${name}`));
    desc.push(decl(t, `d_${name}`));
    if (k === fixed.length - 1) return;
    if (chance(0.4)) {
      const [pm, dm] = mirrored();
      page.push(...pm);
      desc.push(...dm);
    }
    page.push(...blocks('p_x'));
    if (k === 0 && chance(0.4)) page.push('\tunion {', '\t\tunsigned long p_u_word;', '\t\tstruct {', ...block('p_u').map((l) => (l.startsWith('#') ? l : `\t\t${l}`)), '\t\t};', '\t};');
    if (sub && k === 1) desc.push('\tstruct rsub d_sub;');
    desc.push(...blocks('d_x'));
  });
  // An optional member each, maybe under different guards, and an assertion guarded by the page's (as kernel code does).
  const condP = ccond();
  const condD = chance(0.5) ? condP : ccond();
  page.push(`#if ${condP}`, '\tunsigned long p_opt;', '#endif', '};');
  desc.push(`#if ${condD}`, '\tunsigned long d_opt;', '#endif', '};');
  const subDef = sub ? ['struct rsub {', '\tu32 s_a;', ...block('s_x'), '\tu16 s_b;', '};', ''] : [];
  // The assertion macro's name: a *_MATCH one, or another (as netmem's NETMEM_DESC_ASSERT_OFFSET).
  const mac = chance(0.7) ? 'RDESC_MATCH' : 'RDESC_ASSERT_OFFSET';
  const asserts = [
    `#define ${mac}(pg, d) \\`,
    '\tstatic_assert(offsetof(struct page, pg) == offsetof(struct rdesc, d))',
    ...fixed.map(([, name]) => `${mac}(p_${name}, d_${name});`),
    `#if ${chance(0.5) ? condP : `(${condP}) && (${condD})`}`,
    `${mac}(p_opt, d_opt);`,
    '#endif',
    'static_assert(sizeof(struct rdesc) <= sizeof(struct page));',
  ];
  const header = [
    `/* Random descriptors for memdesc-layout's tests (seed ${seed}). */`,
    '#ifndef _RND_MM_TYPES_H',
    '#define _RND_MM_TYPES_H',
    '#include <linux/types.h>',
    '',
    ...top,
    '',
    ...page,
    '',
    ...subDef,
    ...desc,
    '',
    ...asserts,
    '',
    '#endif',
    '',
  ].join('\n');

  const files: TreeFiles = {
    ...baseTree(),
    Kconfig: topKconfig(['init/Kconfig', 'mm/Kconfig']),
    'mm/Kconfig': lines.join('\n'),
    'arch/x86/configs/x86_64_defconfig': defLines.join('\n') + '\n',
    'arch/x86/configs/i386_defconfig': defLines.join('\n') + '\n',
    'include/linux/mm_types.h': header,
  };
  const vary: RandomTree['vary'] = [{ name: 'MODULES', values: ['y', 'n'] }, { name: 'EXPERT', values: ['y', 'n'] }, { name: 'SMP', values: ['y', 'n'] }];
  for (const s of syms) {
    if (s.kind === 'int') vary.push({ name: s.name, values: ['', ...Array.from({ length: s.hi! - s.lo! + 1 }, (_, k) => String(s.lo! + k))] });
    else vary.push({ name: s.name, values: s.kind === 'tristate' ? ['y', 'm', 'n'] : ['y', 'n'] });
  }
  return { seed, abi, files, vary };
}

/** One valid configuration: the varied symbols' values and the .config olddefconfig writes for them. */
export interface ValidConfig {
  values: Map<string, string>;
  config: string;
}

/**
 * Every valid configuration of a random tree: each assignment of the varied symbols (the arch's symbols as its
 * defconfig has them) that olddefconfig, given it as the user's values, keeps unchanged.
 */
export function validConfigs(root: string, tree: RandomTree): { model: KconfigModel; base: string; configs: ValidConfig[] } {
  const model = loadKconfig(new DiskKconfigHost(), { srctree: root, arch: tree.abi });
  const base = olddefconfig(model, tree.files[`arch/x86/configs/${tree.abi}_defconfig`]).config;
  const archLines = base.split('\n').filter((l) => /^CONFIG_(X86|X86_32|X86_64|64BIT)=/.test(l) || /^# CONFIG_64BIT is not set$/.test(l));
  const configs: ValidConfig[] = [];
  const values = new Map<string, string>();
  const walk = (i: number): void => {
    if (i === tree.vary.length) {
      const text = [...archLines, ...[...values].filter(([, v]) => v !== '').map(([k, v]) => (v === 'n' ? `# CONFIG_${k} is not set` : `CONFIG_${k}=${v}`))].join('\n') + '\n';
      const out = olddefconfig(model, text);
      for (const [k, v] of values) {
        const now = out.values.get(k) ?? '';
        if ((now === '' && (v === 'n' || v === '')) || now === v) continue;
        return;
      }
      configs.push({ values: new Map(values), config: out.config });
      return;
    }
    for (const v of tree.vary[i].values) {
      values.set(tree.vary[i].name, v);
      walk(i + 1);
    }
  };
  walk(0);
  return { model, base, configs };
}

/**
 * An assertion's verdict in one configuration, by "file:line"; `fails`: false, or naming a member the record lacks
 * there, which gcc rejects as surely (explore.ts gccRejects).
 */
export type Verdicts = Map<string, { holds: boolean | null; fails: boolean; sides: Array<[bigint | undefined, bigint | undefined]> | undefined; text: string }>;

/** Each assertion of the memdesc set under one .config, analysed from scratch with the engine's plain analyze(). */
export function verdictsUnder(root: string, abi: 'x86_64' | 'i386', config: string, cache = new PreprocessCache(), host = new DiskHost()): Verdicts {
  const setup = kernelSetup({ root, arch: abi, configText: { text: config, source: 'brute force' } }, host, cache);
  const a = analyze(setup.files, setup.options, setup.host, cache);
  const out: Verdicts = new Map();
  for (const v of a.asserts) {
    if (!setup.files.includes(v.file.path)) continue;
    out.set(`${path.relative(root, v.file.path)}:${v.file.position(v.offset).line}`, { holds: v.holds, fails: v.holds === false || gccRejects(v), sides: v.sides, text: v.text });
  }
  return out;
}
