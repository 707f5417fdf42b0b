// The Kconfig front end on synthetic trees of our own: every construct, olddefconfig results (checked against
// the kernel's conf in test/kconfig), probes, bad input (syntax errors, cycles, missing files), and the SAT layer.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferProbes, KconfigSat, loadKconfig, MemoryKconfigHost, mergeFragments, olddefconfig, type KconfigModel } from '../../server/src/engine/kconfig/index';
import { Evaluation, readConfig } from '../../server/src/engine/kconfig/eval';
import { KCONFIG_FIXTURES, type KconfigFixture } from './kconfig-fixtures';

const ROOT = '/kt';
function load(f: KconfigFixture | Record<string, string>, env: Record<string, string> = { ARCH: 'x86', SRCARCH: 'x86' }): KconfigModel {
  const files = 'files' in f ? (f.files as Record<string, string>) : f;
  return loadKconfig(new MemoryKconfigHost(files, ROOT), { srctree: ROOT, arch: env.ARCH, env: 'env' in f ? (f.env as Record<string, string>) : env });
}
const fixture = (name: string) => KCONFIG_FIXTURES.find((f) => f.name === name)!;
const lines = (text: string) => text.split('\n').filter((l) => /^(CONFIG_|# CONFIG_)/.test(l));

describe('kconfig: parsing', () => {
  it('reads every fixture without problems (info messages aside)', () => {
    for (const f of KCONFIG_FIXTURES) {
      const m = load(f);
      assert.deepEqual(
        m.problems.filter((p) => p.severity !== 'info'),
        [],
        f.name,
      );
    }
  });

  it('expands macros: variables (:= +=), user functions, $(filename), $(lineno), $(info), $(SRCARCH) in source', () => {
    const m = load(fixture('constructs'));
    assert.deepEqual(m.files, ['Kconfig', 'Kconfig.include', 'arch/x86/Kconfig']);
    const out = olddefconfig(m, '').values;
    assert.equal(out.get('VAR_DEMO'), 'hello world');
    assert.equal(out.get('LINE'), '109');
    assert.ok(m.problems.some((p) => p.severity === 'info' && p.message === 'parsing Kconfig.include' && p.line === 5));
    assert.equal(olddefconfig(m, '').config.split('\n')[2], '# Test x86 kernel');
  });

  it('makes a toolchain probe a free symbol named by its token, never running it', () => {
    const m = load(fixture('constructs'));
    assert.equal(m.frees.length, 1);
    const probe = m.frees[0];
    assert.equal(m.freeSource.get(probe), '$(cc-option,-mfoo)');
    assert.match(probe.name, /^\$\(shell,\$\(CC\) -mfoo && echo y \|\| echo n\)$/);
    assert.equal(olddefconfig(m, '').values.get('PROBE'), undefined);
    assert.equal(olddefconfig(m, '', new Map([[probe, 'y']])).values.get('PROBE'), 'y');
    // Read back from a .config that has it.
    assert.equal(inferProbes(m, 'CONFIG_PROBE=y\n').values.get(probe), 'y');
    assert.equal(inferProbes(m, '# CONFIG_A is not set\n').values.get(probe), 'n');
  });

  it('keeps help text out of the statement stream and menus, comments and if blocks in the written order', () => {
    const m = load(fixture('constructs'));
    const text = olddefconfig(m, 'CONFIG_M=y\n').config;
    assert.match(text, /\n#\n# Basics\n#\nCONFIG_A=y\n/);
    assert.match(text, /# end of Basics\n\nCONFIG_M=y\nCONFIG_M1=y\n\n#\n# a comment under M\n#\n# CONFIG_C1 is not set/);
    assert.match(text, /CONFIG_NEEDS_FOO=m\nCONFIG_AFTER_HELP=y\n$/);
  });
});

describe('kconfig: olddefconfig (outputs equal to the kernel conf of 7.3 on these trees)', () => {
  it('constructs: defaults, ranges, select/imply, visible if, transitional, choice default', () => {
    const m = load(fixture('constructs'));
    assert.deepEqual(lines(olddefconfig(m, '').config), [
      'CONFIG_MODULES=y',
      'CONFIG_A=y',
      'CONFIG_B=m',
      'CONFIG_C=y',
      '# CONFIG_D is not set',
      '# CONFIG_F is not set',
      '# CONFIG_G is not set',
      'CONFIG_INT1=10',
      'CONFIG_HEX1=0x1000',
      'CONFIG_STR1="hello \\"world\\""',
      '# CONFIG_M is not set',
      '# CONFIG_C1 is not set',
      'CONFIG_C2=y',
      '# CONFIG_C3 is not set',
      '# CONFIG_DEP_IF is not set',
      '# CONFIG_TRANS_NEW is not set',
      'CONFIG_V1=y',
      'CONFIG_VAR_DEMO="hello world"',
      'CONFIG_LINE=109',
      'CONFIG_X86=y',
      'CONFIG_ARCH_FOO=y',
      'CONFIG_NEEDS_FOO=m',
      'CONFIG_AFTER_HELP=y',
    ]);
    const v = olddefconfig(m, 'CONFIG_D=y\nCONFIG_B=y\nCONFIG_INT1=0\nCONFIG_C3=y\nCONFIG_G=y\nCONFIG_TRANS_OLD=y\n').values;
    assert.equal(v.get('E'), 'y', 'select E if B');
    assert.equal(v.get('F'), 'n', 'imply F, but F depends on !G: written, as n');
    assert.equal(v.get('INT1'), '1', 'clamped to the range');
    assert.equal(v.get('C3'), 'y');
    assert.equal(v.get('C2'), 'n');
    assert.equal(v.get('DEP_IF'), 'n');
    assert.equal(v.get('TRANS_NEW'), 'y', 'default from a transitional symbol the .config set');
    assert.equal(v.get('TRANS_OLD'), undefined, 'transitional symbols are never written');
    assert.equal(olddefconfig(m, 'CONFIG_D=y\n').values.get('F'), 'y', 'imply');
  });

  it('choices: user priority (last one read wins), conditional defaults, invisible choices', () => {
    const m = load(fixture('choices'));
    const v = (input: string) => olddefconfig(m, input).values;
    assert.equal(v('').get('MODEL_C'), 'y');
    assert.equal(v('CONFIG_EXPERT=y\n').get('MODEL_B'), 'y');
    assert.equal(v('CONFIG_MODEL_A=y\nCONFIG_MODEL_C=y\n').get('MODEL_C'), 'y');
    assert.equal(v('CONFIG_MODEL_C=y\nCONFIG_MODEL_A=y\n').get('MODEL_A'), 'y');
    assert.equal(v('CONFIG_EXPERT=y\nCONFIG_MODEL_D=y\n').get('MODEL_D'), 'y');
    assert.equal(v('').get('H1'), undefined, 'a choice that is not visible writes nothing');
    assert.equal(v('CONFIG_EXPERT=y\n').get('H1'), 'y', 'first visible member');
    assert.equal(v('CONFIG_EXPERT=y\nCONFIG_H2=y\n').get('USES_B'), 'y');
    assert.equal(v('CONFIG_MODEL_A=y\n').get('LEVEL'), '3');
    // All members n: the choice still picks one (the last in priority order).
    assert.equal(v('# CONFIG_MODEL_A is not set\n# CONFIG_MODEL_C is not set\n').get('MODEL_A'), 'y');
  });

  it('numbers: symbol range bounds, clamping, hex without 0x, invalid values, comparisons', () => {
    const m = load(fixture('numbers'));
    const v = (input: string) => olddefconfig(m, input).values;
    assert.equal(v('').get('NR_CPUS'), '64');
    assert.equal(v('CONFIG_NR_CPUS=1000\n').get('NR_CPUS'), '512');
    assert.equal(v('CONFIG_NR_CPUS=1000\nCONFIG_BIG=y\n').get('NR_CPUS'), '1000');
    assert.equal(v('CONFIG_NR_CPUS=1000\nCONFIG_BIG=y\n').get('MANY_CPUS'), 'y');
    assert.equal(v('# CONFIG_SMP is not set\nCONFIG_NR_CPUS=64\n').get('NR_CPUS'), '1');
    assert.equal(v('CONFIG_ADDR=ffff0\n').get('ADDR'), '0xffff');
    assert.equal(v('CONFIG_ADDR=abcd\n').get('ADDR2'), 'abcd');
    assert.equal(v('CONFIG_ADDR=abcd\n').get('CMP_HEX'), 'y');
    assert.equal(v('CONFIG_SHIFT=013\n').get('SHIFT'), '12', 'a leading zero is not an int: the default');
    assert.equal(v('CONFIG_NEG=-11\n').get('NEG'), '-10');
    assert.equal(v('CONFIG_NAME="n2"\n').get('NAME_IS_N2'), 'y');
    const notes = olddefconfig(m, 'CONFIG_SHIFT=013\nCONFIG_NAME="open\n').notes;
    assert.deepEqual(
      notes.map((n) => [n.line, n.message]),
      [
        [1, "symbol value '013' invalid for SHIFT"],
        [2, 'invalid string found'],
      ],
    );
  });

  it('selects and implies: tristate levels, unmet dependencies, depends on m', () => {
    const m = load(fixture('selects'));
    const v = (input: string) => olddefconfig(m, input).values;
    assert.equal(v('CONFIG_T2=m\n').get('S1'), 'm');
    assert.equal(v('CONFIG_T2=y\n').get('S1'), 'y', 'selected even though its dependency is n');
    assert.ok(olddefconfig(m, 'CONFIG_T2=y\n').evaluation.unmet.has(m.byName.get('S1')!));
    assert.equal(v('CONFIG_T2=y\nCONFIG_S1=m\nCONFIG_DEP=y\n').get('S1'), 'y', 'a select raises a user value');
    assert.equal(v('CONFIG_T1=y\nCONFIG_T2=m\n').get('I1'), 'm', 'imply gives the implier\'s level');
    assert.equal(v('CONFIG_T1=y\nCONFIG_T2=m\nCONFIG_I1=n\n').get('I1'), 'n', 'an implied symbol can be turned off');
    assert.equal(v('CONFIG_ONLY_M=y\n').get('ONLY_M'), 'm');
    assert.equal(v('CONFIG_T1=y\n').get('W'), 'y');
  });

  it('modules off: tristates are bool, m becomes y', () => {
    const m = load(fixture('modules-off'));
    const v = olddefconfig(m, 'CONFIG_T=m\n').values;
    assert.equal(v.get('T'), 'y');
    assert.equal(v.get('U'), 'y');
    assert.equal(v.get('V'), undefined);
    assert.equal(olddefconfig(m, 'CONFIG_MODULES=y\nCONFIG_T=m\n').values.get('V'), 'n');
  });

  it('merges defconfig fragments as merge_config.sh does (a fragment replaces the base line)', () => {
    assert.equal(mergeFragments(['CONFIG_A=y\nCONFIG_B=y\n', 'CONFIG_A=n\nCONFIG_C=y\n']), 'CONFIG_B=y\n\nCONFIG_A=n\nCONFIG_C=y\n');
  });
});

describe('kconfig: bad input gives a problem at its place and the rest is still read', () => {
  const tree = {
    Kconfig: `config GOOD1
	bool "good 1"
	default y

config BROKEN
	bool "broken" if ((
	default y

config GOOD2
	bool "good 2"
	default y
	depends on GOOD1

frobnicate the tree

source "missing/Kconfig"

config CYC_A
	bool
	default CYC_B

config CYC_B
	bool
	default CYC_A

x := $(unterminated

$(error-if,y,stop here)

if GOOD1
config IN_IF
	def_bool y
`,
  };
  const m = load(tree);
  const find = (code: string) => m.problems.filter((p) => p.code === code);

  it('a syntax error is reported at its line; the entry and the statements after it are kept', () => {
    const syntax = find('kconfig-syntax');
    assert.ok(syntax.some((p) => p.line === 6), JSON.stringify(syntax));
    assert.ok(m.byName.get('GOOD2')?.menus.length);
    assert.equal(olddefconfig(m, '').values.get('GOOD2'), 'y');
    assert.ok(m.byName.get('BROKEN')!.props.some((p) => p.kind === 'default'), 'the rest of its entry still counts');
  });

  it('an unknown statement, a missing sourced file, a macro error and error-if each at their line', () => {
    assert.deepEqual(
      find('kconfig-syntax').filter((p) => p.message.startsWith('unknown statement')).map((p) => p.line),
      [14],
    );
    assert.deepEqual(
      find('kconfig-source-not-found').map((p) => [p.file, p.line, p.message]),
      [['Kconfig', 16, 'can\'t open file "missing/Kconfig"']],
    );
    assert.equal(find('kconfig-macro')[0]?.line, 26);
    assert.equal(find('kconfig-error-if')[0]?.line, 28);
  });

  it('a dependency cycle is reported and the tree is still evaluated', () => {
    const cyc = find('kconfig-dependency-cycle');
    assert.equal(cyc.length, 1, JSON.stringify(m.problems));
    assert.match(cyc[0].message, /CYC_A|CYC_B/);
    const out = olddefconfig(m, '');
    assert.equal(out.values.get('GOOD1'), 'y');
    assert.equal(out.values.get('IN_IF'), 'y');
  });

  it('a block left open at the end of the input is reported at its start', () => {
    assert.deepEqual(
      find('kconfig-missing-end').map((p) => p.line),
      [30],
    );
  });

  it('a recursive source and a source outside the tree are refused', () => {
    const r = load({ Kconfig: 'source "a/Kconfig"\n', 'a/Kconfig': 'config X\n\tbool\nsource "Kconfig"\nsource "../../etc/passwd"\n' });
    assert.equal(r.problems.filter((p) => p.code === 'kconfig-recursive-source').length, 1);
    assert.equal(r.problems.filter((p) => p.code === 'kconfig-source-outside-tree').length, 1);
    assert.ok(r.byName.has('X'));
  });

  it('never throws on arbitrary text (each prefix of a real-shaped tree)', () => {
    const text = KCONFIG_FIXTURES[0].files.Kconfig;
    for (let i = 0; i < text.length; i += 7) {
      const r = load({ ...KCONFIG_FIXTURES[0].files, Kconfig: text.slice(0, i) + '\n"\'$((' });
      olddefconfig(r, 'CONFIG_A=y\n');
    }
  });
});

describe('kconfig: SAT layer', () => {
  it('satisfiable, model, enumerate: choices give exactly their visible members', () => {
    const m = load(fixture('choices'));
    const sat = new KconfigSat(m, { base: olddefconfig(m, '').config });
    assert.equal(sat.satisfiable(['MODEL_B']), true);
    assert.equal(sat.satisfiable(['MODEL_B && !EXPERT']), false);
    assert.equal(sat.satisfiable(['MODEL_A && MODEL_C']), false);
    const e = sat.enumerate(['MODEL_A', 'MODEL_B', 'MODEL_C', 'MODEL_D'], ['!EXPERT']);
    assert.equal(e.complete, true);
    assert.deepEqual(e.assignments.map((a) => [...a.values()].join('')).sort(), ['nnyn', 'ynnn']);
    assert.equal(sat.enumerate(['MODEL_A', 'MODEL_B', 'MODEL_C', 'MODEL_D'], ['EXPERT']).assignments.length, 4);
    assert.equal(sat.enumerate(['LEVEL']).assignments.length, 3);
  });

  it('int domains: defaults, bounds and the values compared against; out-of-range values are not valid', () => {
    const m = load(fixture('numbers'));
    const sat = new KconfigSat(m, { base: olddefconfig(m, '').config, extraValues: { NR_CPUS: ['300', '9000'] } });
    assert.equal(sat.satisfiable(['NR_CPUS=300']), true);
    assert.equal(sat.satisfiable(['NR_CPUS=300 && !BIG']), true);
    assert.equal(sat.satisfiable(['NR_CPUS=9000']), false, 'above every range');
    assert.equal(sat.satisfiable(['MANY_CPUS && !SMP']), false);
    assert.equal(sat.satisfiable(['NR_CPUS=1 && SMP']), false, 'the range starts at 2 with SMP');
    const values = sat.enumerate(['NR_CPUS'], ['SMP']).assignments.map((a) => a.get('NR_CPUS')!);
    assert.ok(values.includes('64') && values.includes('256') && values.includes('257') && values.includes('8192'), values.join(' '));
  });

  it('every olddefconfig output is valid; a change conf would undo is not', () => {
    for (const f of KCONFIG_FIXTURES) {
      const m = load(f);
      // Probes fixed (as a .config would fix them): the same toolchain on both sides.
      const probes = new Map(m.frees.map((s) => [s, 'n']));
      for (const input of ['', 'CONFIG_EXPERT=y\nCONFIG_T2=y\nCONFIG_BIG=y\nCONFIG_NR_CPUS=4000\nCONFIG_M=y\n']) {
        const out = olddefconfig(m, input, probes);
        // The output's int values join the domains (as the base does).
        const sat = new KconfigSat(m, { probes, base: out.config });
        const ev = out.evaluation;
        const values = new Map();
        for (const s of m.symbols) if (s.type !== 'unknown') values.set(s, ev.stringOf(s));
        assert.equal(sat.holds(values), true, `${f.name}: ${input}`);
        // Each single change: valid exactly when the evaluator, given every value as the user's, keeps them all.
        for (const s of m.symbols) {
          // Transitional symbols are never written, so a .config cannot give them a value.
          if ((s.type !== 'bool' && s.type !== 'tristate') || s.transitional) continue;
          for (const nv of s.type === 'bool' ? ['n', 'y'] : ['n', 'm', 'y']) {
            if (nv === values.get(s)) continue;
            const changed = new Map(values).set(s, nv);
            const user = new Map();
            for (const [k, v] of changed) user.set(k, { tri: v === 'y' ? 2 : v === 'm' ? 1 : 0, val: v });
            const check = new Evaluation(m, { ...readConfig(m, ''), user }, probes);
            const fixed = [...changed].every(([k, v]) => check.stringOf(k) === v);
            assert.equal(sat.holds(changed), fixed, `${f.name}: ${s.name}=${nv} after "${input}"`);
          }
        }
      }
    }
  });

  it('complete(): a full .config with the assignment, as close to the base as it can be, checked valid', () => {
    const m = load(fixture('constructs'));
    const base = olddefconfig(m, '').config;
    const sat = new KconfigSat(m, { base });
    const c = sat.complete(new Map([['F', 'y']]));
    assert.ok(c && c.valid);
    assert.match(c.config, /CONFIG_F=y/);
    assert.match(c.config, /CONFIG_D=y|# CONFIG_G is not set/);
    // Fewest changes among the named symbols: F=y needs G=n (already) and nothing else among these.
    const close = sat.solve(['F=y'], { closestTo: ['A', 'B', 'D', 'G', 'M'] })!;
    assert.deepEqual(['A', 'B', 'D', 'G', 'M'].map((n) => close.get(n)), ['y', 'm', 'n', 'n', 'n']);
    assert.equal(sat.complete(['F && G']), null);
  });
});

describe('kconfig: bounded on hostile trees', () => {
  it('a chain of 20,000 symbols, 20,000 selects of one symbol, 700 nested ifs: answers, no stack overflow', () => {
    const n = 20000;
    let chain = '';
    for (let i = 0; i < n; i++) chain += `config S${i}\n\tbool "s${i}"\n\tdefault S${i + 1}\n\tselect HUB\n`;
    chain += `config S${n}\n\tdef_bool y\nconfig HUB\n\tbool\n`;
    let nest = '';
    for (let i = 0; i < 700; i++) nest += `if S${i}\n`;
    nest += 'config DEEP\n\tdef_bool y\n';
    for (let i = 0; i < 700; i++) nest += 'endif\n';
    const m = load({ Kconfig: chain + `config WIDE\n\tdef_bool ${Array.from({ length: 5000 }, (_, i) => `S${i}`).join(' || ')}\n` + nest });
    assert.ok(m.problems.some((p) => p.code === 'kconfig-nesting-too-deep'));
    const out = olddefconfig(m, '');
    assert.equal(out.values.get('HUB'), 'y');
    assert.equal(out.values.get('WIDE'), 'y');
    assert.ok(out.values.size > n);
    const sat = new KconfigSat(m, {});
    assert.equal(sat.satisfiable(['HUB']), true);
  });
});
