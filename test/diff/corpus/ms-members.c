/* corpus: ms-extensions — tagged members without a name are anonymous, their members promoted */
struct freelist_counters { void *freelist; unsigned long counters; };
struct slabish { unsigned long flags; struct freelist_counters; int ref; };
union u_inner { int a; char b[6]; };
struct holder { char c; union u_inner; short s; };
