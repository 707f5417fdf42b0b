/* Example tree: zsmalloc's descriptor for the pages that back a zspage. */
#ifndef EXAMPLE_MM_ZPDESC_H
#define EXAMPLE_MM_ZPDESC_H

#include <linux/mm_types.h>

struct zspage;

struct zpdesc {
	memdesc_flags_t flags;
	struct list_head lru;
	unsigned long movable_ops;	/* where page->mapping is: page migration looks here */
	union {
		struct zpdesc *next;	/* the next page of the same zspage */
		unsigned long handle;	/* huge objects: the object's handle */
	};
	struct zspage *zspage;
	unsigned int first_obj_offset;
	atomic_t _refcount;
};

#define ZPDESC_MATCH(pg, zp) \
	static_assert(offsetof(struct page, pg) == offsetof(struct zpdesc, zp))
ZPDESC_MATCH(flags, flags);
ZPDESC_MATCH(lru, lru);
ZPDESC_MATCH(mapping, movable_ops);
ZPDESC_MATCH(__folio_index, next);
ZPDESC_MATCH(__folio_index, handle);
ZPDESC_MATCH(private, zspage);
ZPDESC_MATCH(page_type, first_obj_offset);
ZPDESC_MATCH(_refcount, _refcount);
#undef ZPDESC_MATCH
static_assert(sizeof(struct zpdesc) <= sizeof(struct page));

#endif
