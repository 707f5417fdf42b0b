/* corpus: packed and aligned in every position, aligned typedefs that lower alignment */
typedef long __attribute__((aligned(4))) long4;
typedef struct { long x; } __attribute__((aligned(16))) a16;
struct lowered { char c; long4 l; };
struct packs_aligned { char c; a16 v; } __attribute__((packed));
struct member_packed_aligned { char c; long l __attribute__((packed, aligned(2))); };
struct __attribute__((aligned(32))) before_tag { char c; };
struct after_brace { long x; } __attribute__((aligned(2 * sizeof(unsigned long))));
struct alignas_member { char c; _Alignas(16) int i; char d; };
struct packed_array_elems { struct packs_aligned e[3]; char tail; };
struct inner_packed_anon { char c; struct { char d; long e; } __attribute__((packed)); };
