// Kernel-shaped fixtures for the protocol tests: our own declarations in the kernel's shapes (a struct page,
// a slab and a two-page folio tied to it by MATCH assertions), written to a temporary directory.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const MM_TYPES = `#ifndef _FIXTURE_MM_TYPES_H
#define _FIXTURE_MM_TYPES_H
#include <linux/kconfig.h>
#define offsetof(T, M) __builtin_offsetof(T, M)

struct list_head {
	struct list_head *next, *prev;
};

struct page {
	unsigned long flags;
	union {
		struct {
			struct list_head lru;
			void *mapping;
			unsigned long index;
		};
		struct {
			unsigned long compound_head;
			unsigned char order;
		};
	};
	void *private;
	int _refcount;
#ifdef CONFIG_MEMCG
	unsigned long memcg_data;
#endif
};

struct slab {
	unsigned long flags;
	void *slab_cache;
	union {
		struct {
			void *freelist;
			union {
				unsigned long counters;
				struct {
					unsigned inuse:16;
					unsigned objects:15;
					unsigned frozen:1;
				};
			};
		};
	};
	unsigned long long stamp;
	void *pad;
	int __page_refcount;
#ifdef CONFIG_MEMCG
	unsigned long obj_exts;
#endif
};

#define SLAB_MATCH(pg, sl) _Static_assert(offsetof(struct page, pg) == offsetof(struct slab, sl), #pg)
SLAB_MATCH(flags, flags);
SLAB_MATCH(compound_head, slab_cache);
SLAB_MATCH(_refcount, __page_refcount);
#ifdef CONFIG_MEMCG
SLAB_MATCH(memcg_data, obj_exts);
#endif
#undef SLAB_MATCH

struct folio {
	union {
		struct {
			unsigned long flags;
			struct list_head lru;
			void *mapping;
			unsigned long index;
			void *private;
			int _refcount;
		};
		struct page page;
	};
	union {
		struct {
			unsigned long _flags_1;
			unsigned long _head_1;
			int _nr_pages;
		};
		struct page __page_1;
	};
};

#define FOLIO_MATCH(pg, fl) _Static_assert(offsetof(struct page, pg) == offsetof(struct folio, fl), #fl)
FOLIO_MATCH(flags, flags);
FOLIO_MATCH(mapping, mapping);
FOLIO_MATCH(_refcount, _refcount);
#undef FOLIO_MATCH
#define FOLIO_MATCH(pg, fl) _Static_assert(offsetof(struct folio, fl) == offsetof(struct page, pg) + sizeof(struct page), #fl)
FOLIO_MATCH(flags, _flags_1);
FOLIO_MATCH(compound_head, _head_1);
#undef FOLIO_MATCH
#endif
`;

export interface TreeOptions {
  /** Extra files (relative path → text). */
  files?: Record<string, string>;
  mmTypes?: string;
}

/** A kernel-shaped tree: Makefile, kconfig.h, mm_types.h. Returns its root. */
export function makeTree(opts: TreeOptions = {}, parent?: string): string {
  const dir = parent ?? fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-lsp-tree-'));
  write(dir, {
    Makefile: 'VERSION = 9\nPATCHLEVEL = 1\nSUBLEVEL = 0\nEXTRAVERSION =\n',
    'include/linux/kconfig.h': '#ifndef _FIXTURE_KCONFIG_H\n#define _FIXTURE_KCONFIG_H\n#include <generated/autoconf.h>\n#endif\n',
    'include/linux/mm_types.h': opts.mmTypes ?? MM_TYPES,
    ...opts.files,
  });
  return dir;
}

export function write(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
}

export function tmpdir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `memdesc-lsp-${prefix}-`));
}

/** 0-based LSP position of `needle` in `text`, `plus` characters in. */
export function pos(text: string, needle: string, plus = 0): { line: number; character: number } {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`fixture has no '${needle}'`);
  const before = text.slice(0, i + plus).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** A sketch of a proposed descriptor, in the .memdesc language: it includes the tree's struct page. */
export const SKETCH = `/* A proposed descriptor: where would its fields land on struct page? */
#include <linux/mm_types.h>

struct zdesc {
	unsigned long zflags;
	void *pool;
	unsigned long handle;
	void *owner;
	unsigned int objects;
	unsigned int first_offset;
	unsigned long spare;
	int zrefcount;
};

#define ZDESC_MATCH(pg, zd) _Static_assert(offsetof(struct page, pg) == offsetof(struct zdesc, zd), #pg)
ZDESC_MATCH(flags, zflags);
ZDESC_MATCH(_refcount, zrefcount);
#undef ZDESC_MATCH
_Static_assert(sizeof(struct zdesc) <= sizeof(struct page), "zdesc fits in a page");
`;
