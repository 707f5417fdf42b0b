/* Example tree: a spinlock whose size depends on the config, which is what moves ptdesc's lock. */
#ifndef EXAMPLE_SPINLOCK_TYPES_H
#define EXAMPLE_SPINLOCK_TYPES_H

struct lock_class_key;

typedef struct spinlock {
	unsigned int raw_lock;
#ifdef CONFIG_DEBUG_SPINLOCK
	unsigned int magic, owner_cpu;
	void *owner;
#endif
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	struct {
		struct lock_class_key *key;
		void *class_cache[2];
		const char *name;
	} dep_map;
#endif
} spinlock_t;

/* When a lock no longer fits in a word, page tables allocate it separately and keep a pointer. */
#if defined(CONFIG_DEBUG_SPINLOCK) || defined(CONFIG_DEBUG_LOCK_ALLOC) || defined(CONFIG_PREEMPT_RT)
#define ALLOC_SPLIT_PTLOCKS 1
#else
#define ALLOC_SPLIT_PTLOCKS 0
#endif

#endif
