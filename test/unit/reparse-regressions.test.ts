// Reparse bugs the fuzzer found, each with the case it met (minimized) and the same shape in plain declarations:
// the edited analysis must equal a fresh analysis of the edited files.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../server/src/engine/analysis/analyze';
import { IncrementalAnalysis } from '../../server/src/engine/analysis/incremental';
import { PreprocessCache } from '../../server/src/engine/pp/preprocessor';
import { digest, hostOf, ROOT } from '../fuzz/lib';

function editedEqualsFresh(files: Record<string, string>, mains: string[], edit: [string, string]) {
  const host = hostOf(files);
  const opts = { arch: 'x86_64' as const, includePaths: [ROOT] };
  const paths = mains.map((m) => `${ROOT}/${m}`);
  const inc = new IncrementalAnalysis(paths, opts, host, new PreprocessCache());
  host.overlay.set(`${ROOT}/${edit[0]}`, edit[1]);
  const a = inc.update([`${ROOT}/${edit[0]}`]);
  const b = analyze(paths, opts, host, new PreprocessCache());
  assert.deepEqual(a.asserts.map((x) => `${x.holds} ${x.detail}`), b.asserts.map((x) => `${x.holds} ${x.detail}`));
  assert.equal(digest(a), digest(b));
  return b;
}

describe('reparse: regressions', () => {
  // The parse after the edit swallowed more declarations than it replaced and started over; its layouter kept
  // the layouts of records that first attempt completed (and undid), so an assertion read before a struct's
  // definition saw the struct's later size.
  it('an assertion before a struct is complete, when the edit makes a declaration swallow the rest (fuzz case)', () => {
    editedEqualsFresh(
      {
        'types.h': '\n',
        'config.h': '#',
        'mm_types.h': '#include"types.h"\n#include"slab.h"\nstruct page{};struct{{{}}BITS_PER_LONG}',
        'slab.h': '{}struct slab{{{}}};_Static_assert(sizeof(struct slab)<sizeof(struct page))}',
      },
      ['mm_types.h', 'slab.h'],
      ['types.h', ')\n#define BITS_PER_LONG ('],
    );
  });

  it('the same in plain declarations: a header that now declares first and leaves a parenthesis open', () => {
    const b = editedEqualsFresh(
      {
        'defs.h': '#define OPEN\n',
        'main.h': '#include "defs.h"\n_Static_assert(sizeof(struct late) == 8, "late");\nstruct late { long x; };\nstruct { int z OPEN }; _Static_assert(sizeof(struct late) == 8, "again");}\n',
      },
      ['main.h'],
      ['defs.h', 'int g;\n#define OPEN (\n'],
    );
    assert.equal(b.asserts[0].holds, null, b.asserts[0].detail);
  });
});
