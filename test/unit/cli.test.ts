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
