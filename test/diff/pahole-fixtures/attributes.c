/* pahole fixture: what pahole infers and prints from attributes — __packed__ on records whose members sit at
   unnatural offsets, __aligned__ on records and members the user aligned (forced alignments, forced holes), the
   padding of member structs, a large tail padding pahole "forces" with bitfields, complex and vector types. */
struct pair { int a; char b; };
struct packed_one { char c; int i; } __attribute__((packed));
struct contains_packed { char c; struct packed_one p; short s; };
struct packed_outer { char c; struct pair p; } __attribute__((packed));
struct aligned_member { char c; int x __attribute__((aligned(8))); long l; };
struct aligned_record { char c; } __attribute__((aligned(16)));
struct uses_aligned { char c; struct aligned_record r; short s; };
struct packed_anonymous {
	char c;
	struct { char d; int e; } __attribute__((packed));
	union { short s; struct packed_one p; };
	struct pair arr[2];
};
struct force_padding { long long a; char b; } __attribute__((aligned(32)));
struct tail_padding { _Complex float a; char b; int c __attribute__((aligned(32))); };
struct complex_and_vectors {
	char c;
	_Complex double cd;
	float _Complex cf;
	_Complex int ci;
	int v __attribute__((vector_size(16)));
	double vd __attribute__((vector_size(16)));
};
typedef int aligned_int __attribute__((aligned(16)));
struct typedef_aligned { char c; aligned_int a; aligned_int bits:5; };
struct pair v_pair; struct packed_one v_po; struct contains_packed v_cp; struct packed_outer v_pout;
struct aligned_member v_am; struct aligned_record v_ar; struct uses_aligned v_ua; struct packed_anonymous v_pa;
struct force_padding v_fp; struct tail_padding v_tp; struct complex_and_vectors v_cv; struct typedef_aligned v_ta;
