/* corpus: _Complex in both word orders and GNU complex integers (a `float _Complex` member was laid out as a plain float) */
struct cx_float_first { char c; _Complex float f; };
struct cx_float_last { char c; float _Complex f; };
struct cx_double { char c; double _Complex d; _Complex double e; };
struct cx_ldouble { char c; long double _Complex d; __complex__ long double e; };
struct cx_ints { char c; _Complex int i; __complex__ short s; _Complex unsigned char u; long _Complex l; _Complex long long q; };
union cx_union { _Complex double d; char c[3]; };
struct cx_array { char c; _Complex float a[3]; short s; };
