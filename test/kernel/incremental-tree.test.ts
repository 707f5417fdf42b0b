// The incremental analysis on a real kernel tree: edits like a developer's (members added, renamed, widened,
// half-typed, braces left open, #ifdefs added, a header edited), each followed by a comparison with a fresh
// analysis of the same buffers — every struct, member offset, assertion verdict and diagnostic, with
// positions. The tree is the one the real-tree suite downloads (or MEMDESC_KERNEL_SRC).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { analyze, Analysis } from '../../server/src/engine/analysis/analyze';
import { OverlayHost } from '../../server/src/engine/base/host';
import { IncrementalAnalysis } from '../../server/src/engine/analysis/incremental';
import { kernelSetup } from '../../server/src/engine/kernel/kernel';
import { buildModel } from '../../server/src/engine/memdesc/memdesc';
import { PreprocessCache } from '../../server/src/engine/pp/preprocessor';
import { layoutJson } from '../../server/src/engine/view/report';

const root = path.resolve(__dirname, '../../..');
const VERSION = process.env.MEMDESC_KERNEL_VERSION ?? '6.12';
let src = process.env.MEMDESC_KERNEL_SRC ?? '';

/** Edits of one file's text; each applies to the text as the previous step left it (or to the original). */
const EDITS: Array<{ file: string; what: string; edit: (t: string, orig: string) => string }> = [
  { file: 'include/linux/mm_types.h', what: 'add a member at the top of struct page', edit: (t) => t.replace('struct page {\n', 'struct page {\n\tunsigned long memdesc_added;\n') },
  { file: 'include/linux/mm_types.h', what: 'undo', edit: (_t, o) => o },
  { file: 'include/linux/mm_types.h', what: 'widen _refcount', edit: (t) => t.replace(/atomic_t\s+_refcount;/, 'atomic64_t _refcount;') },
  { file: 'include/linux/mm_types.h', what: 'half-typed member', edit: (t) => t.replace('struct page {\n', 'struct page {\n\tunsigned lo\n') },
  { file: 'include/linux/mm_types.h', what: 'an open brace left open', edit: (t) => t.replace('struct page {\n', 'struct page {\n\tstruct {\n') },
  { file: 'include/linux/mm_types.h', what: 'undo', edit: (_t, o) => o },
  { file: 'include/linux/mm_types.h', what: 'an #ifdef around a new member', edit: (t) => t.replace('struct page {\n', 'struct page {\n#ifdef CONFIG_MEMCG\n\tvoid *memdesc_memcg;\n#endif\n') },
  { file: 'include/linux/mm_types.h', what: 'a #define used nowhere else', edit: (t) => t.replace('struct page {\n', '#define MEMDESC_TEST_ONLY 1\nstruct page {\n') },
  { file: 'include/linux/mm_types.h', what: 'undo', edit: (_t, o) => o },
  { file: 'mm/slab.h', what: 'move a slab member', edit: (t) => t.replace(/(\n\tstruct kmem_cache \*slab_cache;)/, '\n\tunsigned long memdesc_pad;$1') },
  { file: 'mm/slab.h', what: 'break a SLAB_MATCH', edit: (t) => t.replace(/SLAB_MATCH\((\w+), (\w+)\);/, 'SLAB_MATCH($1, $2x);') },
  { file: 'mm/slab.h', what: 'undo', edit: (_t, o) => o },
  { file: 'include/linux/mm_types_task.h', what: 'edit an included header', edit: (t) => t.replace(/\n(struct page_frag \{)/, '\nstruct memdesc_probe { int a; };\n$1') },
  { file: 'include/linux/mm_types_task.h', what: 'undo', edit: (_t, o) => o },
  { file: 'include/linux/mm_types.h', what: 'delete the line after struct page {', edit: (t) => t.replace(/struct page \{\n[^\n]*\n/, 'struct page {\n') },
  { file: 'include/linux/mm_types.h', what: 'undo', edit: (_t, o) => o },
];

function digest(a: Analysis): string {
  const rel = (f: { path: string }) => path.relative(src, f.path);
  const model = buildModel(a);
  return JSON.stringify({
    json: layoutJson(a, rel),
    model: model.memdescs.map((m) => [m.name, m.size, m.pages, m.members.map((x) => [x.flat.name, x.overlaps.map((o) => `${o.struct}.${o.member}`)])]),
    findings: model.findings.map((f) => [f.code, f.message]),
  });
}

describe(`incremental analysis on a real tree (Linux ${VERSION}, x86_64)`, { timeout: 30 * 60_000 }, () => {
  before(() => {
    if (src) return;
    const r = spawnSync('bash', [path.join(root, 'scripts/kernel/fetch-tree.sh'), VERSION, 'x86_64'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, 'fetching the kernel tree failed (see stderr); it needs Debian apt and gcc');
    src = r.stdout.trim().split('\n').slice(-2)[0];
  });

  it(`${EDITS.length} edits of mm_types.h, slab.h and an included header: each equals a fresh analysis`, () => {
    const setup = kernelSetup({ root: src, arch: 'x86_64' });
    const host = new OverlayHost(setup.host);
    const inc = new IncrementalAnalysis(setup.files, setup.options, host, new PreprocessCache());
    const originals = new Map<string, string>();
    let incremental = 0;
    for (const e of EDITS) {
      const file = path.join(src, e.file);
      if (!originals.has(file)) originals.set(file, fs.readFileSync(file, 'utf8'));
      const orig = originals.get(file)!;
      const before = host.overlay.get(file) ?? orig;
      const text = e.edit(before, orig);
      assert.ok(e.what === 'undo' || text !== before, `edit '${e.what}' did not apply to ${e.file}`);
      host.overlay.set(file, text);
      const a = inc.update([file]);
      const b = analyze(setup.files, setup.options, host, new PreprocessCache());
      const da = digest(a);
      const db = digest(b);
      if (da !== db) {
        let i = 0;
        while (da[i] === db[i]) i++;
        assert.fail(`after '${e.what}' (${e.file}) the analyses differ:\n  incremental: ${da.slice(Math.max(0, i - 200), i + 200)}\n  fresh:       ${db.slice(Math.max(0, i - 200), i + 200)}`);
      }
      const s = inc.lastStats;
      if (s.mode === 'incremental') incremental++;
      console.log(`# ${e.what.padEnd(40)} ${s.mode}: ${s.tokensRedone} of ${s.tokens} tokens, ${s.declsEdited} + ${s.declsDependent} declarations again`);
    }
    assert.ok(incremental >= EDITS.length - 2, `only ${incremental} of ${EDITS.length} updates were incremental`);
  });
});
