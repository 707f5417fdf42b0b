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
