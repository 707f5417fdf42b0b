// What the kernel oracle and the mutation check share: the probe's includes and the ABI → kbuild mapping.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** ABI → [ARCH=, CROSS_COMPILE=] for kbuild on a Debian x86_64 machine. */
export const KARCH = {
  x86_64: ['x86_64', ''],
  i386: ['i386', 'i686-linux-gnu-'],
  arm64: ['arm64', 'aarch64-linux-gnu-'],
  arm: ['arm', 'arm-linux-gnueabihf-'],
  riscv64: ['riscv', 'riscv64-linux-gnu-'],
  s390x: ['s390', 's390x-linux-gnu-'],
  ppc64le: ['powerpc', 'powerpc64le-linux-gnu-'],
};

/** `make` arguments for an O= build of ABI. */
export function makeArgs(build, abi) {
  const [karch, cross] = KARCH[abi];
  return [`O=${path.resolve(build)}`, `ARCH=${karch}`, ...(cross ? [`CROSS_COMPILE=${cross}`] : [])];
}

/** #include lines for the memdesc headers of this tree, as a file in mm/ would write them. */
export function probeIncludes(kernel) {
  // mm/*.c files include linux/mm.h before mm/slab.h (6.1's slab.h relies on it).
  const inc = ['#include <linux/mm_types.h>', '#include <linux/mm.h>'];
  for (const [rel, how] of [['mm/slab.h', '"slab.h"'], ['mm/zpdesc.h', '"zpdesc.h"'], ['include/net/netmem.h', '<net/netmem.h>'], ['drivers/iommu/iommu-pages.h', '"../drivers/iommu/iommu-pages.h"']]) {
    if (fs.existsSync(path.join(kernel, rel))) inc.push(`#include ${how}`);
  }
  return inc;
}
