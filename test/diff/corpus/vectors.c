/* corpus: vector_size types: aligned to their size (capped at 8 on arm, 16 on arm64); i386 caps 8-byte integer
   vectors and 8-byte unions given DImode at 4 inside records; C11 _Alignof caps at __BIGGEST_ALIGNMENT__ */
typedef int v2i __attribute__((vector_size(8)));
typedef int v4i __attribute__((vector_size(16)));
typedef int v8i __attribute__((vector_size(32)));
typedef double v1d __attribute__((vector_size(8)));
typedef char v64c __attribute__((vector_size(64)));
struct vec8 { char c; v2i v; };
struct vec16 { char c; v4i v; };
struct vec32 { char c; v8i v; };
struct vec_double { char c; v1d v; };
struct vec_member { char c; short s __attribute__((vector_size(16))); };
struct vec_ptr { char c; int *p __attribute__((vector_size(16))); };
struct vec_lowered { char c; v64c v __attribute__((aligned(16))); };
struct union_dimode { long double ld; union { int b : 25; v1d z[0]; }; };
struct vec_alignas { char c; _Alignas(v8i) char d; };
_Static_assert(_Alignof(struct vec32) <= __BIGGEST_ALIGNMENT__ || _Alignof(struct vec32) == 32, "C11 _Alignof");
