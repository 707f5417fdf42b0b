/* Example tree: the slab allocator's descriptor, overlaid on the pages of a slab. */
#ifndef EXAMPLE_MM_SLAB_H
#define EXAMPLE_MM_SLAB_H

#include <linux/mm_types.h>

struct kmem_cache;

struct slab {
	memdesc_flags_t __page_flags;
	struct kmem_cache *slab_cache;	/* over compound_head: a cache pointer never has bit 0 set */
	union {
		struct {
			union {
				struct list_head slab_list;
				struct {	/* per-CPU partial slabs */
					struct slab *next;
					int slabs;
				};
			};
			/* freelist and counters change together, in one double-word cmpxchg */
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
		struct rcu_head rcu_head;	/* SLAB_TYPESAFE_BY_RCU caches free slabs after a grace period */
	};
	unsigned int __page_type;
	atomic_t __page_refcount;
#ifdef CONFIG_SLAB_OBJ_EXT
	unsigned long obj_exts;		/* per-object cgroup and allocation-profiling data */
#endif
};

#define SLAB_MATCH(pg, sl) \
	static_assert(offsetof(struct page, pg) == offsetof(struct slab, sl))
SLAB_MATCH(flags, __page_flags);
SLAB_MATCH(compound_head, slab_cache);
SLAB_MATCH(_refcount, __page_refcount);
#ifdef CONFIG_MEMCG
SLAB_MATCH(memcg_data, obj_exts);
#elif defined(CONFIG_SLAB_OBJ_EXT)
SLAB_MATCH(_unused_slab_obj_exts, obj_exts);
#endif
#undef SLAB_MATCH
static_assert(sizeof(struct slab) <= sizeof(struct page));

#endif
