/* abis: m68k ppc32 sh4 sparc64 */
/* m68k: PCC_BITFIELD_TYPE_MATTERS is 0. Bitfields are placed bit after bit and do not align the record... */
struct m68k_int3 { char c; int b : 3; };
struct m68k_short9 { char c; short b : 9; };
struct m68k_ll60 { char c; long long b : 60; };
/* ...except that one of exactly 8, 16, 32 or 64 bits sitting on that mode's alignment becomes an ordinary field */
struct m68k_at_start { int b : 16; };
struct m68k_aligned16 { short a; int b : 16; char c; };
struct m68k_unaligned16 { char a; int b : 16; };
struct m68k_at2_32 { short a; int b : 32; };
/* zero-width bitfields align to EMPTY_FIELD_BOUNDARY (2) whatever their type, and raise the record's alignment */
struct m68k_zero_char { char a; char : 0; char b; };
struct m68k_zero_ll { char a; long long : 0; char b; };
union m68k_union_zero { int : 0; char c; };
union m68k_union_16 { int b : 16; char c; };
union m68k_union_3 { int b : 3; };
/* packing caps a mode-sized bitfield at a byte */
struct __attribute__((packed)) m68k_packed16 { int b : 16; char c; };
/* sparc and sh write packed members with .uahalf/.uaword/.uaxword and .uaword/.ualong (the oracle reads them) */
struct __attribute__((packed)) unaligned_bits { char c; short s; union { long l; char d; unsigned u : 32; }; unsigned long long w : 40; };
