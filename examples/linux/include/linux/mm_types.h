/*
 * Example tree: struct page and the descriptors that overlay it here (folio, ptdesc), written for
 * memdesc-layout's examples. The shapes follow the kernel's (6.12-era, simplified); the code is ours.
 *
 * Every descriptor is a second view of the same bytes: a field of struct folio or struct ptdesc
 * that generic code reads through struct page (flags, compound_head, _refcount, ...) must sit
 * exactly where struct page has it, and the *_MATCH assertions below say so.
 */
#ifndef EXAMPLE_MM_TYPES_H
#define EXAMPLE_MM_TYPES_H

#include <linux/types.h>
#include <linux/spinlock_types.h>

struct address_space;
struct page_pool;
struct mm_struct;

struct page {
	memdesc_flags_t flags;		/* atomic flag bits; the zone and node numbers live here too */
	/* Five words that each owner of the page uses its own way. */
	union {
		struct {	/* page cache and anonymous memory */
			union {
				struct list_head lru;		/* LRU list, guarded by the lruvec lock */
				struct {
					void *__filler;		/* keeps bit 0 clear: never a tail page */
					unsigned int mlock_count;
				};
				struct list_head buddy_list;	/* free pages in the buddy allocator */
			};
			struct address_space *mapping;
			union {
				pgoff_t __folio_index;		/* offset within the mapping */
				unsigned long share;		/* fsdax: how many files share it */
			};
			unsigned long private;
		};
		struct {	/* page_pool, for the network stack */
			unsigned long pp_magic;		/* bit 0 must stay clear, see compound_head */
			struct page_pool *pp;
			unsigned long _pp_mapping_pad;
			unsigned long dma_addr;
			atomic_long_t pp_ref_count;
		};
		struct {	/* tail pages of a compound page */
			unsigned long compound_head;	/* bit 0 set: this is a tail page */
		};
		struct rcu_head rcu_head;	/* freed after a grace period */
	};
	union {
		unsigned int page_type;		/* slab, page table, zsmalloc ... when the page is not mapped */
		atomic_t _mapcount;		/* how many page tables map it, minus one */
	};
	atomic_t _refcount;
#ifdef CONFIG_MEMCG
	unsigned long memcg_data;
#elif defined(CONFIG_SLAB_OBJ_EXT)
	unsigned long _unused_slab_obj_exts;
#endif
} __attribute__((aligned(2 * sizeof(unsigned long))));

/*
 * A folio is a power-of-two run of pages; it describes them through its first three struct pages.
 * Page 0 keeps struct page's own fields, pages 1 and 2 reuse the words after flags and compound_head.
 */
struct folio {
	union {
		struct {
			memdesc_flags_t flags;
			union {
				struct list_head lru;
				struct {
					void *__filler;
					unsigned int mlock_count;
				};
			};
			struct address_space *mapping;
			pgoff_t index;
			void *private;
			atomic_t _mapcount;
			atomic_t _refcount;
#ifdef CONFIG_MEMCG
			unsigned long memcg_data;
#elif defined(CONFIG_SLAB_OBJ_EXT)
			unsigned long _unused_slab_obj_exts;
#endif
		};
		struct page page;
	};
	union {		/* the second page */
		struct {
			unsigned long _flags_1;
			unsigned long _head_1;
			atomic_t _large_mapcount;
			atomic_t _entire_mapcount;
			atomic_t _nr_pages_mapped;
			atomic_t _pincount;
#ifdef CONFIG_64BIT
			unsigned int _folio_nr_pages;	/* 32-bit kernels keep the order in flags instead */
#endif
		};
		struct page __page_1;
	};
	union {		/* the third page: hugetlb's bookkeeping, or a THP's deferred-split list */
		struct {
			unsigned long _flags_2;
			unsigned long _head_2;
			void *_hugetlb_subpool;
			void *_hugetlb_cgroup;
			void *_hugetlb_cgroup_rsvd;
			void *_hugetlb_hwpoison;
		};
		struct {
			unsigned long _flags_2a;
			unsigned long _head_2a;
			struct list_head _deferred_list;
		};
		struct page __page_2;
	};
};

#define FOLIO_MATCH(pg, fl) \
	static_assert(offsetof(struct page, pg) == offsetof(struct folio, fl))
FOLIO_MATCH(flags, flags);
FOLIO_MATCH(lru, lru);
FOLIO_MATCH(mapping, mapping);
FOLIO_MATCH(compound_head, lru);
FOLIO_MATCH(__folio_index, index);
FOLIO_MATCH(private, private);
FOLIO_MATCH(_mapcount, _mapcount);
FOLIO_MATCH(_refcount, _refcount);
#ifdef CONFIG_MEMCG
FOLIO_MATCH(memcg_data, memcg_data);
#endif
#undef FOLIO_MATCH
/* The same fields one page further on: redefined, so #define and #undef order matters. */
#define FOLIO_MATCH(pg, fl) \
	static_assert(offsetof(struct folio, fl) == offsetof(struct page, pg) + sizeof(struct page))
FOLIO_MATCH(flags, _flags_1);
FOLIO_MATCH(compound_head, _head_1);
#undef FOLIO_MATCH
#define FOLIO_MATCH(pg, fl) \
	static_assert(offsetof(struct folio, fl) == offsetof(struct page, pg) + 2 * sizeof(struct page))
FOLIO_MATCH(flags, _flags_2);
FOLIO_MATCH(compound_head, _head_2);
FOLIO_MATCH(flags, _flags_2a);
FOLIO_MATCH(compound_head, _head_2a);
#undef FOLIO_MATCH

/* A page-table page. With a lock too big for a word (lockdep, PREEMPT_RT) only a pointer fits. */
struct ptdesc {
	memdesc_flags_t __page_flags;
	union {
		struct rcu_head pt_rcu_head;
		struct list_head pt_list;
		struct {
			unsigned long _pt_pad_1;
			void *pmd_huge_pte;
		};
	};
	unsigned long __page_mapping;
	union {
		pgoff_t pt_index;
		struct mm_struct *pt_mm;
		atomic_t pt_frag_refcount;
	};
	union {
		unsigned long _pt_pad_2;
#if ALLOC_SPLIT_PTLOCKS
		spinlock_t *ptl;
#else
		spinlock_t ptl;
#endif
	};
	unsigned int __page_type;
	atomic_t __page_refcount;
#ifdef CONFIG_MEMCG
	unsigned long pt_memcg_data;
#endif
};

#define TABLE_MATCH(pg, pt) \
	static_assert(offsetof(struct page, pg) == offsetof(struct ptdesc, pt))
TABLE_MATCH(flags, __page_flags);
TABLE_MATCH(compound_head, pt_list);
TABLE_MATCH(compound_head, _pt_pad_1);
TABLE_MATCH(mapping, __page_mapping);
TABLE_MATCH(__folio_index, pt_index);
TABLE_MATCH(rcu_head, pt_rcu_head);
TABLE_MATCH(page_type, __page_type);
TABLE_MATCH(_refcount, __page_refcount);
#ifdef CONFIG_MEMCG
TABLE_MATCH(memcg_data, pt_memcg_data);
#endif
#undef TABLE_MATCH
static_assert(sizeof(struct ptdesc) <= sizeof(struct page));

#endif
