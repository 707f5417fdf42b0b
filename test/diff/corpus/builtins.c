/* corpus: constant-folded builtins in enumerators and array bounds (include/linux/sctp.h's cpu_to_be16() in an
   enum becomes __builtin_bswap16 on little-endian) */
enum demo_be { DEMO_BE_A = __builtin_bswap16(0x0102), DEMO_BE_B = __builtin_bswap16(0xff00) };
enum demo_be32 { DEMO_BE32 = __builtin_bswap32(0x80000000u) };
struct demo_swapped {
	char a[__builtin_bswap16(0x0100)];
	char b[__builtin_bswap32(0x02000000u)];
	char c[__builtin_bswap64(0x0300000000000000ull)];
	enum demo_be e;
	enum demo_be32 f;
};
_Static_assert(DEMO_BE_A == 0x0201 && DEMO_BE_B == 0xff, "bswap16");
_Static_assert(__builtin_bswap64(0x0102030405060708ull) == 0x0807060504030201ull, "bswap64");
