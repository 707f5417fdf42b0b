/* corpus: arrays sized by their initializer (mm/memcontrol.c's ARRAY_SIZE(memcg_node_stat_items) in struct
   members), designators and GNU ranges, sizeof of string literals with escapes and UTF-8, __builtin_strlen of
   a literal (kernel/workqueue.c's module_param_named asserts on it) */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
enum demo_item { ITEM_A, ITEM_B, ITEM_C = 6, ITEM_D };
static const unsigned int plain[] = { ITEM_A, ITEM_B, ITEM_C, };
static const char *const named[] = { [ITEM_C] = "c", [ITEM_A] = "a" };
static const int ranged[] = { [2 ... 4] = 1, 9 };
static const char msg[] = "a\n\x41\101" "b";
static const char braced[] = { "xyz" };
static const char utf8[] = "\u00e9t\xc3\xa9";
static const char table[][5] = { "ab", "cd", [3] = "e" };
struct demo_pt { int x, y; };
static const struct demo_pt pts[] = { { 1, 2 }, { .y = 3 }, [4] = { 0 }, };
static const unsigned char nested[][2] = { [1][0] = 1, [2] = { 3 } };
struct demo_sized {
	long plain_v[ARRAY_SIZE(plain)];
	long named_v[ARRAY_SIZE(named)];
	char ranged_v[ARRAY_SIZE(ranged)];
	char msg_v[sizeof(msg)];
	char braced_v[sizeof(braced)];
	char utf8_v[sizeof(utf8)];
	short table_v[ARRAY_SIZE(table)];
	char pts_v[ARRAY_SIZE(pts)];
	char nested_v[ARRAY_SIZE(nested)];
	char lit_v[sizeof("q\t\"\\" "r")];
	char strlen_v[__builtin_strlen("ab" "c\0d") + 1];
	int tail;
};
_Static_assert(__builtin_strlen("x:" "\x41") == 3, "strlen of a literal");
