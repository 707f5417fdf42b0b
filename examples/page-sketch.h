/*
 * A small, self-contained sketch of the idea memdesc-layout checks: a "base" page descriptor
 * and a descriptor that overlays it, tied together by offset assertions. These are the
 * project's own declarations (not kernel source); the shapes mirror the kernel's pattern.
 */
#define offsetof(TYPE, MEMBER) __builtin_offsetof(TYPE, MEMBER)

struct list_node {
	struct list_node *next, *prev;
};

struct demo_page {
	unsigned long flags;
	union {
		struct {
			struct list_node lru;
			void *owner;
			unsigned long index;
		};
		struct {
			unsigned long head_link;
			unsigned char order;
		};
	};
	unsigned long private_data;
	union {
		int mapcount;
		unsigned int kind;
	};
	int refcount;
} __attribute__((aligned(2 * sizeof(unsigned long))));

struct demo_slab {
	unsigned long page_flags;
	void *cache;
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
	unsigned long __filler[2];
	unsigned int __unused_kind;
	int page_refcount;
};

#define DEMO_MATCH(pg, sl) \
	_Static_assert(offsetof(struct demo_page, pg) == offsetof(struct demo_slab, sl), #pg)
DEMO_MATCH(flags, page_flags);
DEMO_MATCH(kind, __unused_kind);
DEMO_MATCH(refcount, page_refcount);
#undef DEMO_MATCH
_Static_assert(sizeof(struct demo_slab) <= sizeof(struct demo_page), "slab fits in page");
