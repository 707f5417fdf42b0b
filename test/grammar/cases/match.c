// SYNTAX TEST "source.c" "layout assertions injected into C"
SLAB_MATCH(compound_head, slab_cache);
// <---------- source.c meta.layout-assertion.memdesc keyword.other.layout-assertion.memdesc
//         ^^^^^^^^^^^^^ variable.other.member.layout-assertion.memdesc
//                        ^^^^^^^^^^ variable.other.member.layout-assertion.memdesc
NETMEM_DESC_ASSERT_OFFSET(pp_ref_count, pp_ref_count);
// <------------------------- keyword.other.layout-assertion.memdesc
    FOLIO_MATCH(compound_head, _head_2a);
//  ^^^^^^^^^^^ keyword.other.layout-assertion.memdesc
static_assert(sizeof(struct slab) <= sizeof(struct page));
// <------------- keyword.other.layout-assertion.memdesc
static_assert(NR_PAGEFLAGS < 64);
// <------------- - keyword.other.layout-assertion.memdesc
MAX_ORDER(3); FOLIO_MATCHES(a, b);
// <--------- - keyword.other.layout-assertion.memdesc
//            ^^^^^^^^^^^^^ - keyword.other.layout-assertion.memdesc
/* TABLE_MATCH(flags, __page_flags) */
// ^^^^^^^^^^^ comment.block.c - keyword.other.layout-assertion.memdesc
const char *s = "FOLIO_MATCH(a, b)";
//               ^^^^^^^^^^^ string.quoted.double.c - keyword.other.layout-assertion.memdesc
