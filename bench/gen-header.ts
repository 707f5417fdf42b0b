// Generates a deterministic kernel-flavoured header of about N lines: macros, conditionals, structs with
// nested unions and bitfields, typedefs, enums, static inline functions and layout assertions.

export function generateHeader(lines: number, seed = 1): string {
  let state = seed >>> 0 || 1;
  const rnd = (n: number) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
  const out: string[] = [
    '/* generated benchmark header */',
    '#define offsetof(T, M) __builtin_offsetof(T, M)',
    '#define __aligned(x) __attribute__((__aligned__(x)))',
    '#define __packed __attribute__((__packed__))',
    '#define BITS_PER_LONG (8 * sizeof(long))',
    '#define IS_ENABLED(x) __is_defined(x)',
    '#define __is_defined(x) ___is_defined(x)',
    '#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)',
    '#define __ARG_PLACEHOLDER_1 0,',
    '#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)',
    '#define __take_second_arg(__ignored, val, ...) val',
    '#define CONFIG_FEATURE_A 1',
    'typedef unsigned long ulong_t; typedef unsigned int u32; typedef unsigned short u16; typedef unsigned char u8;',
    'struct list_head { struct list_head *next, *prev; };',
  ];
  const types = ['u8', 'u16', 'u32', 'ulong_t', 'void *', 'struct list_head', 'int', 'long long'];
  let n = 0;
  while (out.length < lines) {
    const id = n++;
    const kind = rnd(10);
    if (kind < 6) {
      out.push(`/* descriptor ${id}: documentation comment that a real header would have here */`);
      out.push(`struct gen_${id} {`);
      const members = 4 + rnd(12);
      for (let m = 0; m < members; m++) {
        const r = rnd(12);
        if (r < 2) {
          out.push('\tunion {');
          out.push(`\t\tstruct { ${types[rnd(types.length)]} a${m}; u32 b${m}; };`);
          out.push(`\t\tulong_t w${m};`);
          out.push('\t};');
        } else if (r < 4) {
          out.push(`\tunsigned f${m}a:${1 + rnd(15)}, f${m}b:${1 + rnd(15)};`);
        } else if (r < 5) {
          out.push('#if IS_ENABLED(CONFIG_FEATURE_A)');
          out.push(`\tu32 opt${m};`);
          out.push('#else');
          out.push(`\tu16 opt${m};`);
          out.push('#endif');
        } else {
          out.push(`\t${types[rnd(types.length)]} m${m}${rnd(4) === 0 ? `[${1 + rnd(4)}]` : ''};`);
        }
      }
      out.push(`} ${rnd(5) === 0 ? '__aligned(2 * sizeof(long))' : ''};`);
      out.push(`_Static_assert(sizeof(struct gen_${id}) >= 0, "size");`);
    } else if (kind < 8) {
      out.push(`static inline int gen_fn_${id}(struct list_head *h, int x)`);
      out.push('{');
      out.push(`\tint acc = x * ${rnd(100)};`);
      out.push('\tif (h->next == h) {');
      out.push('\t\tacc += 1;');
      out.push('\t}');
      out.push('\treturn acc;');
      out.push('}');
    } else if (kind < 9) {
      out.push(`enum gen_enum_${id} { GEN_${id}_A, GEN_${id}_B = ${rnd(1000)}, GEN_${id}_C };`);
    } else {
      out.push(`#define GEN_MACRO_${id}(a, b) ((a) + (b) * ${rnd(10)})`);
      out.push(`typedef struct gen_${Math.max(0, id - 1)} gen_t_${id};`);
    }
  }
  return out.join('\n') + '\n';
}
