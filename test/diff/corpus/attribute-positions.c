/* corpus: attributes in every grammatical position, as gcc reads them */
typedef long long ll_lowered __attribute__((aligned(2)));
typedef int int_last_wins __attribute__((aligned(8), aligned(4)));
typedef __attribute__((aligned(2))) unsigned short __attribute__((aligned(32))) first_run_wins;
typedef __attribute__((aligned(8))) int decl_spec_over_declarator __attribute__((aligned(2)));
struct base { char c; int i; };
/* after a '*': the pointer type's alignment, which may be lowered */
struct ptr_attr { char c; int * __attribute__((aligned(1))) p; int * __attribute__((aligned(16))) q; char d; };
/* after the tag of a reference: the member's (gcc), before the tag: ignored */
struct after_tag { char c; struct base __attribute__((aligned(32))) b; char d; struct base __attribute__((packed)) e; };
struct before_tag { char c; struct __attribute__((aligned(32))) base b; char d; };
/* in the specifiers of an anonymous member: ignored; on the struct itself: kept */
struct anon_spec { char c; __attribute__((aligned(16))) struct { char d; int e; }; __attribute__((packed)) struct { char f; int g; }; int h; };
/* zero-width and unnamed bitfields with aligned(N): they move the next field; only ARM raises the alignment */
struct zero_aligned { char c; int : 0 __attribute__((aligned(16))); char d; };
struct unnamed_aligned { char c; int : 3 __attribute__((aligned(8))); char d; };
struct typedefs { char c; ll_lowered a; char d; int_last_wins b; char e; first_run_wins f; char g; decl_spec_over_declarator h; };
/* vector_size after aligned makes a vector of natural alignment */
typedef signed char __attribute__((vector_size(8))) vec_after_aligned __attribute__((aligned(16)));
struct vec_order { char c; vec_after_aligned v; };
