// Synthetic kernel-shaped trees of our own (no kernel source) for the every-configuration tests: what kernelSetup
// and archSpace read (a top Makefile with the version, Kconfig files sourcing arch/x86/Kconfig, the x86 defconfigs,
// the forced kconfig.h, include/linux/mm_types.h and mm/slab.h), written to a temp dir per test. Shared by the unit,
// language-server and gcc tests.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A tree as relative path → text. */
export type TreeFiles = Record<string, string>;

export const FIXTURE_MAKEFILE = `# A synthetic kernel-shaped tree written by memdesc-layout's tests: not a kernel.
VERSION = 7
PATCHLEVEL = 3
SUBLEVEL = 0
EXTRAVERSION = -fixture
`;

/** Forced into every compile, as kbuild does: the CONFIG_ macros and the IS_ENABLED family (tristate-aware). */
export const FIXTURE_KCONFIG_H = `/* Fixture: force-included; the CONFIG_ macros and IS_ENABLED, IS_BUILTIN, IS_MODULE. */
#ifndef _FX_KCONFIG_H
#define _FX_KCONFIG_H
#include <generated/autoconf.h>
#define __FX_PLACEHOLDER_1 0,
#define __fx_second(ignored, val, ...) val
#define __fx_defined(x) ___fx_defined(x)
#define ___fx_defined(val) ____fx_defined(__FX_PLACEHOLDER_##val)
#define ____fx_defined(arg1_or_junk) __fx_second(arg1_or_junk 1, 0)
#define IS_BUILTIN(option) __fx_defined(option)
#define IS_MODULE(option) __fx_defined(option##_MODULE)
#define IS_ENABLED(option) (IS_BUILTIN(option) || IS_MODULE(option))
#endif
`;

export const FIXTURE_TYPES_H = `/* Fixture: the basic types the descriptors use. */
#ifndef _FX_TYPES_H
#define _FX_TYPES_H
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;
struct list_head { struct list_head *next, *prev; };
struct rcu_head { struct rcu_head *next; void (*func)(struct rcu_head *head); };
#define offsetof(TYPE, MEMBER) __builtin_offsetof(TYPE, MEMBER)
#define static_assert(expr, ...) __fx_static_assert(expr, ##__VA_ARGS__, #expr)
#define __fx_static_assert(expr, msg, ...) _Static_assert(expr, msg)
#endif
`;

/** arch/x86/Kconfig: 64BIT follows ARCH (x86_64 or i386), as the real one does. */
export const FIXTURE_X86_KCONFIG = `# Fixture: the x86 arch symbols.
config 64BIT
	bool "64-bit kernel" if "$(ARCH)" = "x86"
	default "$(ARCH)" != "i386"

config X86_32
	def_bool y
	depends on !64BIT

config X86_64
	def_bool y
	depends on 64BIT

config X86
	def_bool y
`;

export const FIXTURE_INIT_KCONFIG = `# Fixture: general setup.
config EXPERT
	bool "Configure standard kernel features (expert users)"

config MODULES
	bool "Enable loadable module support"
	modules

config SMP
	bool "Symmetric multi-processing support"
	default y
`;

/** The top Kconfig: arch first, then the given sourced files. */
export function topKconfig(sources: string[]): string {
  return `mainmenu "Fixture kernel $(KERNELVERSION) configuration"\n\nsource "arch/$(SRCARCH)/Kconfig"\n${sources.map((s) => `source "${s}"\n`).join('')}`;
}

/** The files every fixture tree has (arch symbols, kconfig.h, types.h, Makefile). */
export function baseTree(): TreeFiles {
  return {
    Makefile: FIXTURE_MAKEFILE,
    'arch/x86/Kconfig': FIXTURE_X86_KCONFIG,
    'init/Kconfig': FIXTURE_INIT_KCONFIG,
    'include/linux/kconfig.h': FIXTURE_KCONFIG_H,
    'include/linux/types.h': FIXTURE_TYPES_H,
  };
}

/**
 * mm/Kconfig of the named fixture. Off in the defconfigs: PAGE_TRACE, PAGE_TRACE_OWNER (depends on PAGE_TRACE),
 * STRICT_FOLIO (needs EXPERT once PAGE_TRACE_OWNER is on; selects the invisible FOLIO_GUARD), SLUB_TINY,
 * SLUB_TINY_STATS (depends on SLUB_TINY), MEM_ALLOC_PROFILING; on: MEMCG (selects SLAB_OBJ_EXT), SMP,
 * SLUB_CPU_PARTIAL (depends on SMP && !SLUB_TINY).
 */
export const FIXTURE_MM_KCONFIG = `# Fixture: memory management options.
menu "Memory management options"

config MEMCG
	bool "Memory controller"
	select SLAB_OBJ_EXT

config SLAB_OBJ_EXT
	bool

config MEM_ALLOC_PROFILING
	bool "Allocation profiling"
	select SLAB_OBJ_EXT

config PAGE_TRACE
	bool "Page tracing"

config PAGE_TRACE_OWNER
	bool "Record the owner of each folio"
	depends on PAGE_TRACE

config STRICT_FOLIO
	bool "Strict folio checks"
	depends on EXPERT || !PAGE_TRACE_OWNER
	select FOLIO_GUARD

config FOLIO_GUARD
	bool

config SLUB_TINY
	bool "Tiny SLUB"

config SLUB_TINY_STATS
	bool "Statistics for tiny SLUB"
	depends on SLUB_TINY

config SLUB_CPU_PARTIAL
	bool "Per-CPU partial slabs"
	depends on SMP && !SLUB_TINY
	default y

endmenu
`;

/**
 * struct page and struct folio. The folio's _guard_owner exists only with PAGE_TRACE_OWNER and FOLIO_GUARD both on
 * (each off in the defconfig, and valid together only with PAGE_TRACE, STRICT_FOLIO and EXPERT): it pushes
 * _refcount (and memcg_data) 4 bytes down, so FOLIO_MATCH(_refcount, _refcount), FOLIO_MATCH(memcg_data,
 * memcg_data) and the size assertion fail under that combination only.
 */
export const FIXTURE_MM_TYPES_H = `/* Fixture: struct page and struct folio, written for memdesc-layout's tests. */
#ifndef _FX_MM_TYPES_H
#define _FX_MM_TYPES_H

#include <linux/types.h>

struct address_space;

struct page {
	unsigned long flags;
	union {
		struct {
			struct list_head lru;
			struct address_space *mapping;
			unsigned long index;
			unsigned long private;
		};
		struct {
			unsigned long compound_head;
		};
		struct rcu_head rcu_head;
	};
	union {
		atomic_t _mapcount;
		unsigned int page_type;
	};
	atomic_t _refcount;
#ifdef CONFIG_MEMCG
	unsigned long memcg_data;
#endif
};

struct folio {
	unsigned long flags;
	struct list_head lru;
	struct address_space *mapping;
	unsigned long index;
	void *private;
	atomic_t _mapcount;
#if defined(CONFIG_PAGE_TRACE_OWNER) && defined(CONFIG_FOLIO_GUARD)
	unsigned int _guard_owner;
#endif
	atomic_t _refcount;
#ifdef CONFIG_MEMCG
	unsigned long memcg_data;
#endif
};

#define FOLIO_MATCH(pg, fl) \\
	static_assert(offsetof(struct page, pg) == offsetof(struct folio, fl))
FOLIO_MATCH(flags, flags);
FOLIO_MATCH(lru, lru);
FOLIO_MATCH(mapping, mapping);
FOLIO_MATCH(compound_head, lru);
FOLIO_MATCH(index, index);
FOLIO_MATCH(private, private);
FOLIO_MATCH(_mapcount, _mapcount);
FOLIO_MATCH(_refcount, _refcount);
#ifdef CONFIG_MEMCG
FOLIO_MATCH(memcg_data, memcg_data);
#endif
#undef FOLIO_MATCH
static_assert(sizeof(struct folio) <= sizeof(struct page));

#endif
`;

/**
 * struct slab. Its __stats word exists only with SLUB_TINY_STATS (needs SLUB_TINY) and SLUB_CPU_PARTIAL (needs
 * !SLUB_TINY): no valid configuration has both, so SLAB_MATCH(_refcount, __page_refcount) holds everywhere, though
 * the two symbols alone could break it. obj_exts (SLAB_OBJ_EXT) pairs with memcg_data (MEMCG), which selects it.
 */
export const FIXTURE_SLAB_H = `/* Fixture: struct slab over struct page. */
#ifndef _FX_SLAB_H
#define _FX_SLAB_H

#include <linux/mm_types.h>

struct kmem_cache;

struct slab {
	unsigned long flags;
	struct list_head slab_list;
	struct kmem_cache *slab_cache;
	void *freelist;
	unsigned long counters;
	unsigned int __page_type;
#if defined(CONFIG_SLUB_TINY_STATS) && defined(CONFIG_SLUB_CPU_PARTIAL)
	unsigned int __stats;
#endif
	atomic_t __page_refcount;
#ifdef CONFIG_SLAB_OBJ_EXT
	unsigned long obj_exts;
#endif
};

#define SLAB_MATCH(pg, sl) \\
	static_assert(offsetof(struct page, pg) == offsetof(struct slab, sl))
SLAB_MATCH(flags, flags);
SLAB_MATCH(compound_head, slab_list);
SLAB_MATCH(_refcount, __page_refcount);
#ifdef CONFIG_MEMCG
SLAB_MATCH(memcg_data, obj_exts);
#endif
#undef SLAB_MATCH
static_assert(sizeof(struct slab) <= sizeof(struct page));

#endif
`;

export interface FixtureOptions {
  /** mm/Kconfig sources mm/Kconfig.debug, which has a syntax error (a line conf refuses) among good entries. */
  kconfigSyntaxError?: boolean;
  /** The top Kconfig sources a file that does not exist. */
  missingSource?: boolean;
  /** mm/Kconfig sources mm/Kconfig.cycle, whose symbols depend on each other through depends on and select. */
  dependencyCycle?: boolean;
}

/**
 * A select/depends cycle: CYC_B is selected by CYC_C, which depends on CYC_A, which depends on CYC_B (reported at CYC_A,
 * line 2, where the search enters the cycle, as conf does).
 */
export const KCONFIG_CYCLE = { text: `# Fixture: symbols that depend on each other.\nconfig CYC_A\n\tbool "cycle a"\n\tdepends on CYC_B\n\nconfig CYC_B\n\tbool "cycle b"\n\nconfig CYC_C\n\tbool "cycle c"\n\tdepends on CYC_A\n\tselect CYC_B\n` };

/** The broken file's text and the 1-based line of its bad line. */
export const KCONFIG_DEBUG_BROKEN = { text: `# Fixture: a sourced file with a syntax error.\nconfig DEBUG_PAGEALLOC\n\tbool "Debug page allocation"\n\tdepends on (PAGE_TRACE\n\nconfig DEBUG_VM\n\tbool "Debug VM"\n`, badLine: 4 };

/** The named fixture: one assertion family that fails only under a valid combination of two symbols, one that holds everywhere. */
export function kernelFixture(opts: FixtureOptions = {}): TreeFiles {
  let mmKconfig = opts.kconfigSyntaxError ? FIXTURE_MM_KCONFIG + '\nsource "mm/Kconfig.debug"\n' : FIXTURE_MM_KCONFIG;
  if (opts.dependencyCycle) mmKconfig += '\nsource "mm/Kconfig.cycle"\n';
  const files: TreeFiles = {
    ...baseTree(),
    Kconfig: topKconfig(['init/Kconfig', 'mm/Kconfig', ...(opts.missingSource ? ['lib/Kconfig.missing'] : [])]),
    'mm/Kconfig': mmKconfig,
    'arch/x86/configs/x86_64_defconfig': 'CONFIG_MEMCG=y\nCONFIG_SMP=y\n',
    'arch/x86/configs/i386_defconfig': '# CONFIG_64BIT is not set\nCONFIG_MEMCG=y\nCONFIG_SMP=y\n',
    'include/linux/mm_types.h': FIXTURE_MM_TYPES_H,
    'mm/slab.h': FIXTURE_SLAB_H,
  };
  if (opts.kconfigSyntaxError) files['mm/Kconfig.debug'] = KCONFIG_DEBUG_BROKEN.text;
  if (opts.dependencyCycle) files['mm/Kconfig.cycle'] = KCONFIG_CYCLE.text;
  return files;
}

/** The 1-based line of the first line of `text` containing `needle` (throws when none: a fixture out of step). */
export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`fixture: no line with ${needle}`);
  return i + 1;
}

/** Writes a tree to a fresh temp dir (or `dir`) and returns its absolute path. */
export function writeTree(files: TreeFiles, dir?: string): string {
  const root = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-kfx-'));
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
  return root;
}

export function removeTree(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
}
