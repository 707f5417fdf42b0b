/* pahole fixture: what pahole's text shows for ordinary layouts — holes, padding, bitfields in their storage
   units, bit holes, cacheline boundaries, nested anonymous and named inline records, arrays, pointers,
   function pointers, enums, qualifiers, flexible arrays, empty structs, top-level unions, typedef'd anonymous
   records. Our own declarations; every one is compared with pahole's output on the object gcc builds. */
typedef unsigned long my_ulong;
enum colour { RED, GREEN = 5, BLUE };
enum negative { MINUS = -1, PLUS = 1 };
struct pair { int a; char b; };
struct hole_and_padding {
	char c;
	long l;
	short s;
};
struct bitfields {
	char tag;
	unsigned objects:15;
	unsigned frozen:1;
	unsigned :0;
	unsigned inuse:12;
	unsigned long long wide:40;
	_Bool flag:1;
	enum colour colour:3;
	char last;
};
struct unnamed_bits {
	char a;
	int b:3;
	int :5;
	int c:29;
	char d;
	unsigned char e:2;
	unsigned char :3;
	unsigned char f:3;
};
struct nested {
	long flags;
	union {
		struct {
			void *next;
			int count;
			short index;
		};
		struct pair pair;
		unsigned long counters;
	};
	struct {
		int x;
		char y;
	} inline_named;
	union {
		int i;
		char c[3];
	} inline_array[2];
	enum { ANON_A, ANON_B } anon_enum;
	int (*callback)(struct nested *, unsigned long);
	void (*no_args)(void);
	int *pointers[3];
	struct pair pairs[2][3];
	const char *name;
	char *const fixed;
	volatile int ticks;
	const volatile short both;
	my_ulong typed;
	enum negative sign;
};
struct big {
	char head[60];
	long crosses;
	char middle[130];
	int tail;
	char flexible[];
};
struct empty {};
struct with_empty { int a; struct empty e; int b; };
union top_union { struct pair p; long l; struct { char a, b; }; };
typedef struct { int a; char b; } anon_typedef;
typedef union { int i; short s[3]; } anon_union_typedef;
struct pair v_pair; struct hole_and_padding v_hp; struct bitfields v_bf; struct unnamed_bits v_ub; struct nested v_n;
struct big v_big; struct with_empty v_we; union top_union v_tu; anon_typedef v_at; anon_union_typedef v_aut;
