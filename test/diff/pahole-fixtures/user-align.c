/* Where gcc records a user-set alignment (DW_AT_alignment, which pahole prints as __aligned__): a bitfield of an
   over- or under-aligned typedef passes the typedef's flag to a struct unless gcc gave it an integer mode; on
   strict-alignment targets (arm, riscv64) a record that gets a scalar mode of its own alignment loses the flag, the
   mode being a bitfield's integer mode, or the integer mode of the record's size where the bitfield's type is wider */
typedef short __attribute__((aligned(32))) short32;
typedef short __attribute__((aligned(2))) short2;
typedef int __attribute__((aligned(2))) int2;
enum e_neg { EN_A = -3, EN_B = 100 };

struct unnamed_moded { short32 : 16; };
struct unnamed_unmoded { short32 : 12; };
struct holds_unnamed { char c; struct unnamed_moded m; struct unnamed_unmoded u; };

union packed_byte_bitfield { short2 b : 8 __attribute__((packed)); };
union half_bitfield { int2 h : 16; };
struct holds_unions { char c; union packed_byte_bitfield p; union half_bitfield h[2]; };

union packed_inner {
	struct __attribute__((aligned(2))) {
		enum e_neg : 16 __attribute__((aligned(1)));
	} __attribute__((packed));
	char c;
};

/* A 16-byte integer vector gets TImode where the target has it (mips, parisc and arm without a vector unit too),
   which on a strict-alignment target clears the flag of a record it covers */
typedef __attribute__((vector_size(16))) __attribute__((aligned(8))) unsigned v16_aligned8;
typedef __attribute__((vector_size(8))) unsigned v8;
typedef __attribute__((vector_size(16))) unsigned v16;
struct vector_array { v16_aligned8 m[1]; };
struct vector_member { v16_aligned8 m; };
struct vector_packed { v16 v __attribute__((aligned(8), packed)); };
struct vector_small { v8 v __attribute__((aligned(8))); };
struct vector_raised { v16 v __attribute__((aligned(16))); };

/* m68k (no PCC_BITFIELD_TYPE_MATTERS): a bitfield passes no typedef user-alignment on, and one given HImode
   records the mode's alignment over its own smaller attribute */
struct m68k_bitfields { short2 a : 3; unsigned short b : 16 __attribute__((aligned(1))); int2 c : 5; };
union m68k_union_bitfield { long long d : 32; char c; };
/* m68k: a bitfield given its integer mode that its own aligned(N) then moves is laid out again as an ordinary field,
   taking its typedef's alignment and user flag */
typedef char char16 __attribute__((aligned(16)));
struct m68k_moved { char pad[1]; char16 m : 8 __attribute__((aligned(2))); };
struct m68k_unmoved { char pad[2]; char16 m : 8 __attribute__((aligned(2))); };

/* Integer vectors of 16 and 32 bytes get TImode and OImode where the target has them (sh4; sparc64 and parisc),
   which decides the user flag of a record they cover at the strictest alignment */
typedef int v32 __attribute__((vector_size(32)));
struct timode_cover { v16 m __attribute__((packed, aligned(4))); };
struct oimode_cover { v32 m __attribute__((packed, aligned(8))); };
struct oimode_cover16 { v32 m __attribute__((packed, aligned(16))); };
