/* corpus: bitfields gcc gives an integer mode (8/16/32/64 bits at a position aligned for it), over-aligned typedefs
   as bitfield types (the rule counted within the record's offset alignment), a bitfield's own aligned(N) applied
   before that rule */
typedef int int_al1 __attribute__((aligned(1)));
typedef long long ll_al1 __attribute__((aligned(1)));
typedef int int_al16 __attribute__((aligned(16)));
typedef long long ll_al64 __attribute__((aligned(64)));
typedef signed char sc_al32 __attribute__((aligned(32)));
struct mode_first { ll_al1 x : 64; };
struct mode_later { char c[8]; ll_al1 x : 64; };
struct mode_int { int_al1 x : 32; char c; };
struct no_mode { char c; int_al1 x : 32; };
struct over_aligned_32 { int i; int_al16 x : 32; char c; };
struct over_aligned_8 { char c; int_al16 x : 8; char d; };
struct over_aligned_1 { char c; int_al16 x : 1; char d; };
struct offset_align { char pad[4]; ll_al64 x : 64; int after; };
struct aligned_then_span { short s; long long b : 32; unsigned char : 75 - 72; sc_al32 x : 6 __attribute__((aligned(4))); };
union mode_union { ll_al1 x : 64; };
union mode_union16 { int_al1 x : 16; };
