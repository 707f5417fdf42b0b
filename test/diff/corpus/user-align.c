/* corpus: alignments that depend on gcc's machine modes: i386 gives a record of 8 bytes DImode (a zero-length vector
   array does not stop it), so its C11 _Alignof is capped at 4 while __alignof__ stays 8; arm's TImode (a 16-byte
   integer vector without NEON) is aligned to 8, so a 16-aligned union of one keeps its user alignment (_Alignof 16) */
typedef double v1d __attribute__((vector_size(8)));
typedef char v16c __attribute__((vector_size(16)));
struct dimode_record { v1d none[0]; char *p; };
struct dimode_record2 { v1d none[0]; int a, b; };
union timode_union { _Alignas(16) v16c v; };
union timode_union2 { v16c v; } __attribute__((aligned(16)));
struct holds_timode { char c; union timode_union u; };
/* sh4 gives a 16-byte integer vector TImode (aligned to 4, its __BIGGEST_ALIGNMENT__): a union covered by one loses
   its user alignment on this strict-alignment target, and a 16-aligned struct holding it has _Alignof 4 */
typedef int v4si __attribute__((vector_size(16)));
union sh4_timode { v4si __attribute__((packed, aligned(2))) v; void (*f)(int); int e[2] __attribute__((aligned(2))); };
struct holds_sh4_timode { v4si none[0]; union { union sh4_timode u[2]; }; };
