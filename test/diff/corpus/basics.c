/* corpus: scalars, i386 8-byte alignment, long double, zero-width and unnamed bitfields */
struct scalars { char c; long l; short h; long long q; double d; void *p; long double ld; };
struct zero_width { char a; int :0; char b; };
struct ll_bits { unsigned a:30; unsigned long long b:34; };
struct __attribute__((packed)) packed_bits { unsigned a:3; unsigned b:30; };
struct char_bits { char a:3; char :0; char b:2; short c:9; };
struct unnamed_bits { char a; int :5; char b; long :3; char c; };
struct bool_bits { _Bool a:1; _Bool b:1; unsigned char c; };
struct after_array { char a[3]; unsigned b:7; unsigned c:25; };
