/* pahole fixture: a struct page-like descriptor with the kernel's shapes (unions of anonymous structs, bitfields
   sharing a word with a counter, a struct embedded by value, a 16-byte-aligned record), our own declarations. */
struct list_head { struct list_head *next, *prev; };
struct callback_head { struct callback_head *next; void (*func)(struct callback_head *head); } __attribute__((aligned(sizeof(void *))));
typedef struct { int counter; } atomic_t;
struct demo_page {
	unsigned long flags;
	union {
		struct {
			union {
				struct list_head lru;
				struct {
					void *__filler;
					unsigned int mlock_count;
				};
			};
			struct address_space *mapping;
			unsigned long index;
			unsigned long private;
		};
		struct {
			unsigned long pp_magic;
			struct page_pool *pp;
			unsigned long _pp_mapping_pad;
			unsigned long dma_addr;
		};
		struct {
			unsigned long compound_head;
		};
		struct callback_head callback_head;
	};
	union {
		unsigned int page_type;
		atomic_t _mapcount;
	};
	atomic_t _refcount;
	unsigned long memcg_data;
} __attribute__((aligned(2 * sizeof(unsigned long))));
struct demo_slab {
	unsigned long __page_flags;
	struct kmem_cache *slab_cache;
	union {
		struct {
			struct list_head slab_list;
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
		struct callback_head callback_head;
	};
	unsigned int __page_type;
	atomic_t __page_refcount;
};
struct demo_page v_page; struct demo_slab v_slab;
