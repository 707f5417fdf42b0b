/* corpus: abis: x86_64 i386 — x86's extra floating types and modes: _Float128/__float128 (16-aligned on i386
   too), _Float64x/__float80 and mode(XF) are long double, mode(TF) is _Float128 */
typedef float f_xf __attribute__((mode(XF)));
typedef float f_tf __attribute__((mode(TF)));
struct x86_floats { char c; _Float128 a; char d; __float128 b; char e; _Float64x f; char g; __float80 h; char i; f_xf j; char k; f_tf l; char m; _Float32 n; _Float64 o; _Float32x p; };
struct x86_complex_floats { char c; _Complex _Float128 a; char d; _Complex _Float64x b; };
