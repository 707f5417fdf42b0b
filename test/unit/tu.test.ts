// Kernel TU mode (--tu) on small kbuild-shaped trees written for these tests (our own declarations): the
// compiler command read from a build dir's .cmd file or synthesised from the Makefiles, the differences
// between the two, -funsigned-char, the arm64 Makefile's -D flags, and the CLI's --all/--struct output.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kernelSetup, parseCompilerCommand, shellWords, tuCommand } from '../../server/src/engine/kernel/kernel';

const cli = path.resolve(__dirname, '../../../dist/cli.js');

function write(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
}

/** A tree shaped like kbuild's: a top Makefile with the dialect flags, forced headers, a directory with ccflags. */
function makeTree(extra: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-tu-'));
  write(dir, {
    Makefile: 'VERSION = 9\nPATCHLEVEL = 2\nSUBLEVEL = 0\nEXTRAVERSION =\nKBUILD_CFLAGS += -funsigned-char\nCC_FLAGS_DIALECT += -fms-extensions\n',
    'scripts/Makefile.lib': 'modname_flags = -DKBUILD_MODNAME=$(call name-fix,$(modname)) -D__KBUILD_MODNAME=kmod_$(call name-fix-token,$(modname))\n',
    'include/linux/kconfig.h': '#include <generated/autoconf.h>\n',
    'include/linux/compiler_types.h': '#define __aligned(x) __attribute__((__aligned__(x)))\n',
    'include/linux/kbuild.h': '',
    'kernel/bounds.c': '#include <linux/kbuild.h>\nint main(void) { DEFINE(NR_DEMO, 2); return 0; }\n',
    'include/linux/demo.h': `#ifndef _DEMO_H
#define _DEMO_H
struct demo_list { struct demo_list *next, *prev; };
typedef struct { int counter; } demo_atomic_t;
struct demo_inner { int a; char b; };
#if '\\xff' > 0
struct demo_char { int unsigned_char; };
#else
struct demo_char { char signed_char; };
#endif
_Static_assert(sizeof(struct demo_list) == 2 * sizeof(void *), "list");
#endif
`,
    // mm/Makefile's shape: a composite object (page-alloc-y += page_alloc.o) and a plain list (mmu-y += memory.o).
    'drv/Makefile': 'ccflags-y += -I$(src)/private -DDEMO_LEVEL=3\nccflags-$(CONFIG_DEMO_EXTRA) += -DDEMO_EXTRA\ndemo-core-y := main.o helper.o\nobj-y += demo-core.o\nlist-y := other.o\nobj-y += $(list-y)\n',
    'drv/other.c': 'int other;\n',
    'drv/private/local.h': 'struct demo_local { long x; };\n',
    'drv/main.c': `#include <linux/demo.h>
#include <local.h>
struct demo_tu {
	struct demo_list list;
	demo_atomic_t count;
	struct { int lo, hi; } range[2];
	struct demo_inner;
#if DEMO_LEVEL > 2
	long level3;
#endif
#ifdef DEMO_EXTRA
	long extra;
#endif
	unsigned flag:1, mode:3;
};
_Static_assert(sizeof(struct demo_local) == sizeof(long), "local");
`,
    ...extra,
  });
  return dir;
}

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('kernel TU mode: the compiler command', () => {
  it('splits shell words as sh does and stops at the first ;', () => {
    assert.deepEqual(shellWords(`gcc -DA='"x y"' -DB="q\\"r" -I./inc a\\ b.c ; objtool`), ['gcc', '-DA="x y"', '-DB=q"r', '-I./inc', 'a b.c']);
  });

  it('reads the layout-relevant flags of a gcc command, relative paths against the object tree', () => {
    const c = parseCompilerCommand(['gcc', '-nostdinc', '-I./inc', '-I', '/abs', '-isystem', 'sys', '-include', 'f.h', '-DX', '-DY=2', '-UZ', '-fms-extensions', '-funsigned-char', '-o', 'out.o', '-c', 'd/x.c'], '/obj');
    assert.deepEqual(c.includePaths, ['/obj/inc', '/abs']);
    assert.deepEqual(c.systemIncludePaths, ['/obj/sys']);
    assert.deepEqual(c.forcedIncludes, ['/obj/f.h']);
    assert.deepEqual(c.defines, [{ name: 'X' }, { name: 'Y', value: '2' }, { undef: 'Z' }]);
    assert.equal(c.msExtensions, true);
    assert.equal(c.charSigned, false);
    assert.equal(c.file, '/obj/d/x.c');
  });

  it('synthesises kbuild\'s command from the Makefiles without a build: ccflags, composite module name, dialect', () => {
    const tree = makeTree();
    try {
      const setup = kernelSetup({ root: tree, arch: 'x86_64', configOverrides: [{ name: 'DEMO_EXTRA' }] });
      const cmd = tuCommand(setup, 'drv/main.c');
      assert.equal(cmd.source, 'synthesised');
      assert.ok(cmd.includePaths.includes(path.join(tree, 'drv/private')), cmd.includePaths.join(' '));
      const defs = cmd.defines.map((d) => ('undef' in d ? `-U${d.undef}` : `-D${d.name}${d.value === undefined ? '' : `=${d.value}`}`));
      for (const d of ['-D__KERNEL__', '-DDEMO_LEVEL=3', '-DDEMO_EXTRA', '-DKBUILD_BASENAME="main"', '-DKBUILD_MODNAME="demo_core"', '-D__KBUILD_MODNAME=kmod_demo_core', '-DKBUILD_MODFILE="drv/demo-core"']) {
        assert.ok(defs.includes(d), `${d} in ${defs.join(' ')}`);
      }
      assert.equal(cmd.msExtensions, true);
      assert.equal(cmd.charSigned, false, 'the top Makefile asks for -funsigned-char');
      const other = tuCommand(setup, 'drv/other.c').defines.map((d) => ('name' in d ? `${d.name}=${d.value ?? ''}` : ''));
      assert.ok(other.includes('KBUILD_MODNAME="other"'), `a plain list is not a module: ${other.join(' ')}`);
    } finally {
      fs.rmSync(tree, { recursive: true, force: true });
    }
  });

  it('reads the .cmd file of a build dir and lists how it differs from the synthesised command', () => {
    const tree = makeTree();
    const build = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-tu-build-'));
    try {
      write(build, {
        '.config': 'CONFIG_DEMO_EXTRA=y\n',
        'drv/.main.o.cmd': `savedcmd_drv/main.o := gcc -Wp,-MMD,drv/.main.o.d -nostdinc -I${tree}/arch/x86/include -I./arch/x86/include/generated -I${tree}/include -I./include -I${tree}/arch/x86/include/uapi -I./arch/x86/include/generated/uapi -I${tree}/include/uapi -I./include/generated/uapi -include ${tree}/include/linux/kconfig.h -include ${tree}/include/linux/compiler_types.h -D__KERNEL__ -funsigned-char -fms-extensions -I${tree}/drv/private -DDEMO_LEVEL=3 -DDEMO_EXTRA -DDEMO_ONLY_IN_CMD -I${tree}/drv -Idrv -DKBUILD_MODFILE='"drv/demo-core"' -DKBUILD_BASENAME='"main"' -DKBUILD_MODNAME='"demo_core"' -D__KBUILD_MODNAME=kmod_demo_core -c -o drv/main.o ${tree}/drv/main.c\n\nsource_drv/main.o := ${tree}/drv/main.c\n`,
      });
      const setup = kernelSetup({ root: tree, arch: 'x86_64', buildDir: build });
      const cmd = tuCommand(setup, path.join(tree, 'drv/main.c'));
      assert.equal(cmd.source, 'cmd-file');
      assert.equal(cmd.cmdFile, path.join(build, 'drv/.main.o.cmd'));
      assert.ok(cmd.includePaths.includes(path.join(build, 'drv')), 'relative -I are resolved against the object tree');
      assert.deepEqual(cmd.differences, ['-DDEMO_ONLY_IN_CMD: in the .cmd file, not synthesised']);
    } finally {
      fs.rmSync(tree, { recursive: true, force: true });
      fs.rmSync(build, { recursive: true, force: true });
    }
  });

  it('adds the -D flags of the arm64 Makefile (asm-arch, K constraint, KASAN shadow shift) from the config', () => {
    const tree = makeTree({
      'arch/arm64/Makefile': `ifeq ($(CONFIG_AS_HAS_ARMV8_5), y)
  asm-arch := armv8.5-a
else ifeq ($(CONFIG_AS_HAS_ARMV8_4), y)
  asm-arch := armv8.4-a
endif
KBUILD_CFLAGS	+= -Wa,-march=$(asm-arch) -DARM64_ASM_ARCH='"$(asm-arch)"'
cc_has_k_constraint := $(call try-run,echo,-DCONFIG_CC_HAS_K_CONSTRAINT=1)
KBUILD_CFLAGS += -DKASAN_SHADOW_SCALE_SHIFT=$(KASAN_SHADOW_SCALE_SHIFT)
`,
    });
    try {
      const setup = kernelSetup({ root: tree, arch: 'arm64', configOverrides: [{ name: 'AS_HAS_ARMV8_4' }, { name: 'KASAN_GENERIC' }] });
      const defs = (setup.options.defines ?? []).map((d) => ('undef' in d ? `-U${d.undef}` : `-D${d.name}=${d.value ?? ''}`));
      assert.deepEqual(defs.slice(1), ['-DARM64_ASM_ARCH="armv8.4-a"', '-DCONFIG_CC_HAS_K_CONSTRAINT=1', '-DKASAN_SHADOW_SCALE_SHIFT=3']);
    } finally {
      fs.rmSync(tree, { recursive: true, force: true });
    }
  });
});

describe('kernel TU mode: the CLI', () => {
  let tree = '';
  before(() => {
    tree = makeTree();
  });
  after(() => fs.rmSync(tree, { recursive: true, force: true }));

  it('--tu --all --json: every complete struct of the TU, typedef names marked, untagged member types laid out', () => {
    const r = run(['layout', '--kernel', tree, '--tu', 'drv/main.c', '--all', '--json', '-D', 'DEMO_EXTRA']);
    assert.equal(r.status, 0, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(j.structs.map((s: { name: string }) => s.name), ['demo_list', 'demo_atomic_t', 'demo_inner', 'demo_char', 'demo_local', 'demo_tu']);
    assert.equal(j.structs.find((s: { name: string }) => s.name === 'demo_atomic_t').typedef, true);
    assert.equal(j.structs.find((s: { name: string }) => s.name === 'demo_list').typedef, undefined);
    // -funsigned-char from the top Makefile: '\xff' is 255 in #if.
    assert.deepEqual(j.structs.find((s: { name: string }) => s.name === 'demo_char').members.map((m: { name: string }) => m.name), ['unsigned_char']);
    const tu = j.structs.find((s: { name: string }) => s.name === 'demo_tu');
    const by = Object.fromEntries(tu.members.map((m: { name: string }) => [m.name, m]));
    // ms-extensions promotes struct demo_inner's members; ccflags-y's -DDEMO_LEVEL=3 and the -D given turn the others on.
    assert.deepEqual(Object.keys(by), ['list', 'count', 'range', 'a', 'b', 'level3', 'extra', 'flag', 'mode']);
    assert.deepEqual([by.range.offset, by.range.size, by.a.offset, by.level3.offset, by.extra.offset, by.flag.bitOffset, by.mode.bitOffset], [20, 16, 36, 48, 56, 512, 513]);
    assert.deepEqual(by.range.inner, {
      kind: 'struct', size: 8, align: 4,
      members: [{ name: 'lo', offset: 0, size: 4, align: 4, type: 'int', line: 6 }, { name: 'hi', offset: 4, size: 4, align: 4, type: 'int', line: 6 }],
    });
    assert.equal(tu.size, 72);
    // Every assertion of the TU is reported, the headers' too; the command is described.
    assert.deepEqual(j.asserts.map((a: { file: string; holds: boolean }) => `${a.file}:${a.holds}`), ['include/linux/demo.h:true', 'drv/main.c:true']);
    assert.equal(j.kernel.tu.file, 'drv/main.c');
    assert.equal(j.kernel.tu.command, 'synthesised');
    assert.equal(j.kernel.tu.charSigned, false);
    assert.deepEqual(j.diagnostics, []);
  });

  it("--struct picks from every struct of the TU; text output is pahole's with an assertion summary", () => {
    const r = run(['layout', '--kernel', tree, '--tu', 'drv/main.c', '--struct', 'demo_local,demo_atomic_t']);
    assert.equal(r.status, 0, r.err);
    assert.match(r.out, /typedef struct \{\n(?:.*\n)*?\} demo_atomic_t;/);
    assert.match(r.out, /\/\* drv\/private\/local\.h:1 \*\/\nstruct demo_local \{/);
    assert.match(r.out, /long int\s+x;\s+\/\*\s+0\s+8 \*\//);
    assert.doesNotMatch(r.out, /demo_tu/);
    assert.match(r.out, /2 static assertions in the translation unit: 2 hold, 0 fail, 0 unknown/);
  });

  it('usage errors: --tu needs --kernel, and the file must exist in the tree', () => {
    assert.equal(run(['layout', '--tu', 'x.c', 'a.h']).status, 2);
    const r = run(['layout', '--kernel', tree, '--tu', 'drv/missing.c']);
    assert.equal(r.status, 2);
    assert.match(r.err, /cannot read 'drv\/missing\.c'/);
  });
});
