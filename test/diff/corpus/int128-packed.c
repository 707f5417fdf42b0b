/* corpus: abis: x86_64 arm64 riscv64 s390x ppc64le — __int128 alignment, and a packed anonymous struct of
   __int128 arrays where clang 14 and gcc 12 disagree (gcc: align 8, size 72 on x86_64; we follow gcc) */
struct i128 { char c; __int128 i; unsigned __int128 u:3; };
union i128u { char c; __int128 i; };
struct packed_i128 {
	struct {
		struct {
			unsigned __int128 m26[4][1];
		} __attribute__((packed));
	};
	union {
		unsigned long m38;
	};
};
