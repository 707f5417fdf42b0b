/* corpus: rules found by the differential tests, where gcc 12 and clang 14 differ (we follow gcc) */
/* gcc: the last aligned attribute on a struct wins (clang takes the largest) */
struct __attribute__((aligned(8))) last_wins_lower { char c; } __attribute__((aligned(4)));
struct __attribute__((aligned(4))) last_wins_higher { char c; } __attribute__((aligned(8)));
struct last_in_list { char c; } __attribute__((aligned(8), aligned(4)));
/* on members the largest wins, in gcc too */
struct member_largest { char c; int x __attribute__((aligned(8))) __attribute__((aligned(4))); };
/* arm and arm64: unnamed bitfields raise the struct's alignment; elsewhere they do not */
struct unnamed_raise { char a; int :5; char b; };
struct only_unnamed { char a; long long :3; };
/* s390x: bitfields read back through 16-bit .word directives */
union short_bits { short m : 16; };
