/* corpus: enum sizing, flexible and zero-length arrays, empty structs, function pointers */
enum small { A, B };
enum big { C = 0xffffffffffffffffUL };
enum __attribute__((packed)) tiny { D = 200 };
enum __attribute__((packed)) tiny_neg { E = -1, F = 1000 };
struct enums { enum small s; enum big b; enum tiny t; enum tiny_neg n; };
struct empty {};
struct with_empty { int a; struct empty e; int b; };
struct arrays { int x[6][2]; char z[0]; long tail[]; };
struct only_zero { char z[0]; };
struct fptrs { void (*cb)(struct fptrs *); int (*arr[2])(void); };
union big_union { char c[5]; int i; long long q; };
