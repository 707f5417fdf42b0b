/* Example tree: the handful of basic types the descriptors below are built from. */
#ifndef EXAMPLE_TYPES_H
#define EXAMPLE_TYPES_H

#define offsetof(TYPE, MEMBER) __builtin_offsetof(TYPE, MEMBER)
/* One-argument static_assert, as kernel headers use it: the expression doubles as the message. */
#define static_assert(expr, ...) _Static_assert(expr, #expr)

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned long pgoff_t;
typedef unsigned long dma_addr_t;

typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;

struct list_head {
	struct list_head *next, *prev;
};

/* Callbacks queued for after an RCU grace period; pointer-aligned like the kernel's. */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
} __attribute__((aligned(sizeof(void *))));

/* Flags word of every memdesc: a struct so that page flags and descriptor flags are not mixed up. */
typedef struct {
	unsigned long f;
} memdesc_flags_t;

#endif
