// A small kernel-shaped tree with a Kconfig, for the every-configuration tests (our own declarations and Kconfig):
// struct page guards memcg_data with CONFIG_SLAB_OBJ_EXT while struct zpdesc guards its own with CONFIG_MEMCG, and
// MEMCG selects SLAB_OBJ_EXT, so ZPDESC_MATCH(_refcount, _refcount) holds in the defconfig, with MEMCG off, and
// with both on, and fails only under a combination no single switch gives: MEMCG off and MEM_ALLOC_PROFILING on
// (which selects SLAB_OBJ_EXT too). The 2024 zpdesc memcg_data mismatch, in miniature.

import { makeTree } from './fixtures';

export const KCONFIG_MM_TYPES = `#ifndef _FIXTURE_MM_TYPES_H
#define _FIXTURE_MM_TYPES_H
#include <linux/kconfig.h>
#define offsetof(T, M) __builtin_offsetof(T, M)
#define static_assert(e) _Static_assert(e, #e)

struct page {
	unsigned long flags;
	void *mapping;
#ifdef CONFIG_SLAB_OBJ_EXT
	unsigned long memcg_data;
#endif
	int _refcount;
};
#endif
`;

export const KCONFIG_ZPDESC = `#ifndef _FIXTURE_ZPDESC_H
#define _FIXTURE_ZPDESC_H
#include <linux/mm_types.h>

struct zpdesc {
	unsigned long flags;
	void *zspage;
#ifdef CONFIG_MEMCG
	unsigned long memcg_data;
#endif
	int _refcount;
};

#define ZPDESC_MATCH(pg, zp) static_assert(offsetof(struct page, pg) == offsetof(struct zpdesc, zp))
ZPDESC_MATCH(flags, flags);
ZPDESC_MATCH(_refcount, _refcount);
#undef ZPDESC_MATCH
#endif
`;

/** The zpdesc header with the guard fixed: both structs now follow SLAB_OBJ_EXT. */
export const KCONFIG_ZPDESC_FIXED = KCONFIG_ZPDESC.replace('#ifdef CONFIG_MEMCG', '#ifdef CONFIG_SLAB_OBJ_EXT');

/**
 * The tree: a top Kconfig sourcing the arch's and mm's, x86_64 and i386 defconfigs, and a configured .config (MEMCG
 * on, as the x86_64 defconfig). `marker`: a path a Kconfig $(shell,...) would create if anything ran it.
 */
export function makeKconfigTree(marker: string): string {
  return makeTree({
    mmTypes: KCONFIG_MM_TYPES,
    files: {
      Kconfig: 'mainmenu "Fixture $(ARCH)"\n\nsource "arch/$(SRCARCH)/Kconfig"\nsource "mm/Kconfig"\n',
      'arch/x86/Kconfig': [
        'config 64BIT',
        '\tbool "64-bit kernel" if "$(ARCH)" = "x86"',
        '\tdefault "$(ARCH)" != "i386"',
        '',
        'config X86_32',
        '\tdef_bool y',
        '\tdepends on !64BIT',
        '',
        'config X86_64',
        '\tdef_bool y',
        '\tdepends on 64BIT',
        '',
        '# A toolchain probe: a free variable of the search, never run.',
        'config CC_HAS_MARKER',
        `\tdef_bool $(shell,touch ${marker}; echo y)`,
        '',
      ].join('\n'),
      'mm/Kconfig': [
        'config MEMCG',
        '\tbool "Memory controller"',
        '\tdefault y',
        '\tselect SLAB_OBJ_EXT',
        '',
        'config MEM_ALLOC_PROFILING',
        '\tbool "Allocation profiling"',
        '\tselect SLAB_OBJ_EXT',
        '',
        'config SLAB_OBJ_EXT',
        '\tbool',
        '',
        'config DEBUG_VM',
        '\tbool "Debug VM"',
        '',
      ].join('\n'),
      'arch/x86/configs/x86_64_defconfig': 'CONFIG_MEMCG=y\n',
      'arch/x86/configs/i386_defconfig': 'CONFIG_MEMCG=y\n',
      '.config': 'CONFIG_64BIT=y\nCONFIG_X86_64=y\nCONFIG_MEMCG=y\nCONFIG_SLAB_OBJ_EXT=y\n# CONFIG_MEM_ALLOC_PROFILING is not set\n',
      'mm/zpdesc.h': KCONFIG_ZPDESC,
    },
  });
}
