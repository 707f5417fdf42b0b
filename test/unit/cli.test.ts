// The memdesc-layout command as a user runs it: the bundled dist/cli.js, exit codes, text and JSON.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist/cli.js');

function run(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli', () => {
  it('lays out the bundled example as JSON with the documented shape', () => {
    const r = run(['layout', 'examples/page-sketch.h', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.arch, 'x86_64');
    const page = j.structs.find((s: { name: string }) => s.name === 'demo_page');
    assert.deepEqual(Object.keys(page).sort(), ['align', 'complete', 'file', 'kind', 'line', 'members', 'name', 'size'].sort());
    assert.equal(page.file, 'examples/page-sketch.h');
    assert.equal(page.size, 64);
    assert.equal(page.align, 16);
    assert.equal(page.complete, true);
    const flags = page.members[0];
    assert.deepEqual(Object.keys(flags).sort(), ['align', 'line', 'name', 'offset', 'size', 'type'].sort());
    const slab = j.structs.find((s: { name: string }) => s.name === 'demo_slab');
    const inuse = slab.members.find((m: { name: string }) => m.name === 'inuse');
    assert.equal(inuse.bitSize, 16);
    assert.equal(inuse.bitOffset, 24 * 8);
    assert.equal(inuse.offset, 24);
    assert.ok(j.asserts.length >= 4);
    assert.ok(j.asserts.every((a: { holds: boolean }) => a.holds === true), JSON.stringify(j.asserts, null, 1));
    assert.deepEqual(j.diagnostics, []);
  });

  it("prints pahole's text (its type names, offsets, sizes, summary) after a line saying where the struct is", () => {
    const r = run(['layout', 'examples/page-sketch.h', '--struct', 'demo_page']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\/\* examples\/page-sketch\.h:\d+ \*\/\nstruct demo_page \{$/m);
    assert.match(r.stdout, /\tlong unsigned int {10}flags; {16}\/\* {5}0 {5}8 \*\//);
    assert.match(r.stdout, /\/\* size: 64, cachelines: 1, members: \d+ \*\//);
    assert.doesNotMatch(r.stdout, /struct demo_slab \{/);
  });

  it('switches ABI with --arch and defines with -D/-U, in order', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-cli-'));
    try {
      const f = path.join(dir, 'x.h');
      fs.writeFileSync(f, '#ifdef WIDE\ntypedef long T;\n#else\ntypedef char T;\n#endif\nstruct s { char c; T t; };\n');
      const narrow = JSON.parse(run(['layout', f, '--json', '--arch', 'i386']).stdout);
      assert.equal(narrow.structs[0].size, 2);
      const wide = JSON.parse(run(['layout', f, '--json', '--arch=i386', '-DWIDE']).stdout);
      assert.equal(wide.structs[0].size, 8);
      const wide64 = JSON.parse(run(['layout', f, '--json', '-D', 'WIDE']).stdout);
      assert.equal(wide64.structs[0].size, 16);
      const undone = JSON.parse(run(['layout', f, '--json', '-DWIDE', '-UWIDE']).stdout);
      assert.equal(undone.structs[0].size, 2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds includes through -I and forced includes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-cli-'));
    try {
      fs.mkdirSync(path.join(dir, 'inc'));
      fs.writeFileSync(path.join(dir, 'inc', 'types.h'), 'typedef unsigned long word_t;\n');
      fs.writeFileSync(path.join(dir, 'force.h'), '#define EXTRA int extra;\n');
      fs.writeFileSync(path.join(dir, 'main.h'), '#include <types.h>\nstruct s { word_t w; EXTRA };\n');
      const r = run(['layout', 'main.h', '-I', 'inc', '--include', 'force.h', '--json'], dir);
      assert.equal(r.status, 0, r.stderr);
      const j = JSON.parse(r.stdout);
      assert.deepEqual(j.diagnostics, []);
      assert.deepEqual(j.structs[0].members.map((m: { name: string }) => m.name), ['w', 'extra']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 with a one-line error on bad usage or unreadable input', () => {
    for (const args of [['layout'], ['layout', 'x.h', '--arch', 'sparc'], ['frobnicate'], ['layout', '/nonexistent/file.h'], ['layout', 'x.h', '--bogus']]) {
      const r = run(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^memdesc-layout: /);
    }
  });

  it('exits 0 when the analysis ran, even with findings', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-cli-'));
    try {
      fs.writeFileSync(path.join(dir, 'bad.h'), '#include "missing.h"\nstruct s { unknown_t x; int y; };\n_Static_assert(sizeof(int) == 5, "no");\n');
      const r = run(['layout', 'bad.h', '--json'], dir);
      assert.equal(r.status, 0);
      const j = JSON.parse(r.stdout);
      assert.ok(j.diagnostics.some((d: { code: string }) => d.code === 'include-not-found'));
      assert.equal(j.asserts[0].holds, false);
      assert.equal(j.structs[0].members[1].offset, null);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cli: the kernel config and the ABI it names', () => {
  const PPC32 = '#\n# Automatically generated file; DO NOT EDIT.\n# Linux/powerpc 7.3.0-rc7 Kernel Configuration\n#\nCONFIG_PPC=y\nCONFIG_PPC32=y\nCONFIG_CPU_BIG_ENDIAN=y\nCONFIG_MEMCG=y\nCONFIG_SLAB_OBJ_EXT=y\n';
  /** A copy of the example tree, configured in place (a .config at its root) when `config` is given. */
  const tree = (config?: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-cli-tree-'));
    fs.cpSync(path.join(root, 'examples/linux'), dir, { recursive: true });
    fs.rmSync(path.join(dir, '.config'));
    if (config !== undefined) fs.writeFileSync(path.join(dir, '.config'), config);
    return dir;
  };

  it('check --kernel TREE uses the tree\'s own .config and the ABI it names, with no --arch; the summary says both', () => {
    const dir = tree(PPC32);
    try {
      const r = run(['check', '--kernel', dir]);
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.match(r.stdout, new RegExp(`^config: ${dir}/\\.config \\(the tree's own\\); ABI ppc32, from the \\.config \\(CONFIG_PPC=y, CONFIG_PPC32=y, CONFIG_CPU_BIG_ENDIAN=y\\)$`, 'm'));
      assert.match(r.stdout, new RegExp(`^ppc32 · ${dir}/\\.config \\(the tree's own\\): \\d+ assertions: \\d+ hold, 0 fail`, 'm'));
      assert.doesNotMatch(r.stdout + r.stderr, /built-in default/);
      const j = JSON.parse(run(['layout', '--kernel', dir, '--json']).stdout);
      assert.equal(j.arch, 'ppc32');
      assert.equal(j.kernel.configKind, 'in-tree');
      assert.equal(j.kernel.abiFrom, 'config');
      assert.equal(j.kernel.config, path.join(dir, '.config'));
      assert.equal(j.kernel.notice, null);
      // 32-bit words: struct page's _refcount sits where ppc32 puts it, and MEMCG (from the .config) is on.
      const page = j.structs.find((s: { name: string }) => s.name === 'page');
      assert.ok(page.members.some((m: { name: string }) => m.name === 'memcg_data'), 'CONFIG_MEMCG from the tree\'s .config');
      assert.equal(page.size % 4, 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--arch contradicting --config is an error naming both; --arch alone with a tree configured for another ABI takes that ABI\'s default and says why', () => {
    const dir = tree(PPC32);
    try {
      const cfg = path.join(dir, 'ppc32.config');
      fs.writeFileSync(cfg, PPC32);
      const bad = run(['check', '--kernel', dir, '--config', cfg, '--arch', 'x86_64']);
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, new RegExp(`^memdesc-layout: --arch x86_64 contradicts --config ${cfg}, which is for ppc32 \\(CONFIG_PPC=y, CONFIG_PPC32=y, CONFIG_CPU_BIG_ENDIAN=y\\)`));
      assert.equal(bad.stdout, '');
      const ok = run(['check', '--kernel', dir, '--config', cfg, '--arch', 'ppc32']);
      assert.equal(ok.status, 0, ok.stderr);
      const other = run(['check', '--kernel', dir, '--arch', 'arm64']);
      assert.equal(other.status, 0, other.stderr);
      assert.match(other.stdout, /^note: no \.config for arm64: .*\.config is for ppc32 \(CONFIG_PPC=y.*\): using the built-in arm64 default/m);
      assert.match(other.stdout, /^arm64 · built-in default \(/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without any .config the built-in default is never silent: the summary, the JSON and stderr say so and how to pick one', () => {
    const dir = tree();
    try {
      const r = run(['check', '--kernel', dir]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^note: no \.config found \(none named with --config or --build, no .*\/\.config\): using the built-in x86_64 default\. To use yours: configure the tree \(make defconfig/m);
      const j = JSON.parse(run(['layout', '--kernel', dir, '--json']).stdout);
      assert.equal(j.kernel.configKind, 'default');
      assert.match(j.kernel.notice, /no \.config found/);
      const text = run(['layout', '--kernel', dir]);
      assert.match(text.stderr, /^memdesc-layout: note: no \.config found/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the ABI of every arch a .config can be for, from its symbols or its header line', () => {
    const cases: Array<[string, string | undefined]> = [
      ['CONFIG_X86=y\nCONFIG_X86_64=y\nCONFIG_64BIT=y', 'x86_64'],
      ['CONFIG_X86=y\nCONFIG_X86_32=y', 'i386'],
      ['CONFIG_PPC=y\nCONFIG_PPC64=y\nCONFIG_CPU_BIG_ENDIAN=y', 'ppc64'],
      ['CONFIG_PPC=y\nCONFIG_PPC64=y\nCONFIG_CPU_LITTLE_ENDIAN=y', 'ppc64le'],
      ['CONFIG_MIPS=y\nCONFIG_32BIT=y\nCONFIG_CPU_LITTLE_ENDIAN=y', 'mipsel'],
      ['CONFIG_MIPS=y\nCONFIG_64BIT=y\nCONFIG_CPU_BIG_ENDIAN=y', 'mips64'],
      ['CONFIG_SPARC=y\nCONFIG_SPARC64=y\nCONFIG_64BIT=y', 'sparc64'],
      ['CONFIG_SPARC=y\nCONFIG_SPARC32=y', undefined],
      ['CONFIG_PARISC=y\nCONFIG_64BIT=y', 'parisc64'],
      ['CONFIG_PARISC=y', 'parisc'],
      ['CONFIG_SUPERH=y\nCONFIG_CPU_LITTLE_ENDIAN=y', 'sh4'],
      ['CONFIG_M68K=y', 'm68k'],
      ['CONFIG_ALPHA=y\nCONFIG_64BIT=y', 'alpha'],
      ['CONFIG_ARC=y', 'arc'],
      ['CONFIG_RISCV=y\nCONFIG_32BIT=y', undefined],
      ['# Linux/mips 7.3.0 Kernel Configuration\nCONFIG_64BIT=y\nCONFIG_CPU_LITTLE_ENDIAN=y', 'mips64el'],
      ['# Linux/sparc64 7.3.0 Kernel Configuration\nCONFIG_SMP=y', 'sparc64'],
    ];
    const dir = tree();
    try {
      for (const [text, abi] of cases) {
        const cfg = path.join(dir, 'c.config');
        fs.writeFileSync(cfg, text + '\n');
        const r = run(['layout', '--kernel', dir, '--config', cfg, '--json']);
        if (abi) {
          assert.equal(r.status, 0, `${text}: ${r.stderr}`);
          assert.equal(JSON.parse(r.stdout).arch, abi, text);
        } else {
          assert.equal(r.status, 2, text);
          assert.match(r.stderr, /which memdesc-layout has no ABI for/, text);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
