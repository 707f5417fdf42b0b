/* Example tree: the network stack's view of a page_pool page (netmem_desc). */
#ifndef EXAMPLE_NET_NETMEM_H
#define EXAMPLE_NET_NETMEM_H

#include <linux/mm_types.h>

struct page_pool;

struct netmem_desc {
	unsigned long _flags;
	union {
		struct {
			unsigned long pp_magic;		/* a signature with bit 0 clear, over compound_head */
			struct page_pool *pp;
			unsigned long _pp_mapping_pad;
			unsigned long dma_addr;
			atomic_long_t pp_ref_count;
		};
	};
};

#define NETMEM_DESC_ASSERT_OFFSET(pg, desc) \
	static_assert(offsetof(struct page, pg) == offsetof(struct netmem_desc, desc))
NETMEM_DESC_ASSERT_OFFSET(flags, _flags);
NETMEM_DESC_ASSERT_OFFSET(pp_magic, pp_magic);
NETMEM_DESC_ASSERT_OFFSET(pp, pp);
NETMEM_DESC_ASSERT_OFFSET(_pp_mapping_pad, _pp_mapping_pad);
NETMEM_DESC_ASSERT_OFFSET(dma_addr, dma_addr);
NETMEM_DESC_ASSERT_OFFSET(pp_ref_count, pp_ref_count);
#undef NETMEM_DESC_ASSERT_OFFSET
static_assert(sizeof(struct netmem_desc) <= sizeof(struct page));

#endif
