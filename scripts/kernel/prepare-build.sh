#!/usr/bin/env bash
# Configures and prepares an out-of-tree kernel build (O=) for one version, arch and config variant: enough
# to compile a probe in mm/ (generated headers, bounds.h, asm-offsets.h, objtool on x86), no more.
# Idempotent: a build whose stamp matches is left alone. Kernel makes are serialised with a lock file and
# run with -j${MEMDESC_JOBS:-2}.
#
# usage: scripts/kernel/prepare-build.sh VERSION ARCH [VARIANT]
#   VERSION  a tree fetched by fetch-trees.sh (fetched here if missing): 6.1, 6.12, 7.2, ...
#   ARCH     an ABI name of memdesc-layout: x86_64 i386 arm64 arm riscv64 s390x ppc64le ppc32 ppc64 mips mipsel
#            mips64 mips64el m68k sparc64 parisc parisc64 sh4 alpha arc (the defconfig each uses: below)
#   VARIANT  defconfig (default) | memcg (CONFIG_MEMCG=y) | lockdep (DEBUG_SPINLOCK, DEBUG_LOCK_ALLOC,
#            PROVE_LOCKING) | rt (PREEMPT_RT, where the arch supports it) | highmem (i386 HIGHMEM4G) |
#            highmem64g (i386 HIGHMEM64G = PAE, gone in 7.x) | nohighmem (i386 NOHIGHMEM) |
#            phys64 (a 32-bit arch with 64-bit physical addresses: i386 X86_PAE, arm ARM_LPAE, ppc32
#            mpc85xx_smp_defconfig's PHYS_64BIT, mips/mipsel maltaup_xpa_defconfig's XPA, arc ARC_HAS_PAE40)
#            (i386 defconfig is already HIGHMEM4G, so highmem = defconfig there)
# Exit status 3: the variant cannot be had for this version/arch (Kconfig dropped a requested symbol).
# Prints the build directory on stdout: $MEMDESC_CACHE/builds/VERSION-ARCH-VARIANT (or under $MEMDESC_BUILDS).
# MEMDESC_SRC=DIR uses that unpacked tree instead of fetching one; MEMDESC_CONFIG_ONLY=1 stops after the .config
# (the defconfig target used is written to BUILD/.memdesc-target).
set -euo pipefail
export LC_ALL=C

version=${1:?usage: prepare-build.sh VERSION ARCH [VARIANT]}
arch=${2:?usage: prepare-build.sh VERSION ARCH [VARIANT]}
variant=${3:-defconfig}
here=$(cd "$(dirname "$0")" && pwd)
cache=${MEMDESC_CACHE:-$HOME/.cache/memdesc-layout}
jobs=${MEMDESC_JOBS:-2}

# kbuild's ARCH, the Debian cross compiler's prefix, and the defconfig target (each arch's own default, or the
# config of that ABI where the arch has several: the 32r2/64r2 generic MIPS boards, PowerMac for ppc32).
target=defconfig
case "$arch" in
  x86_64) karch=x86_64; cross= ;;
  i386) karch=i386; cross=i686-linux-gnu- ;;
  arm64) karch=arm64; cross=aarch64-linux-gnu- ;;
  arm) karch=arm; cross=arm-linux-gnueabihf-; target=multi_v7_defconfig ;;
  riscv64) karch=riscv; cross=riscv64-linux-gnu- ;;
  s390x) karch=s390; cross=s390x-linux-gnu- ;;
  ppc64le) karch=powerpc; cross=powerpc64le-linux-gnu-; target=ppc64le_defconfig ;;
  ppc64) karch=powerpc; cross=powerpc64-linux-gnu-; target=ppc64_defconfig ;;
  ppc32) karch=powerpc; cross=powerpc-linux-gnu-; target=pmac32_defconfig ;;
  mips) karch=mips; cross=mips-linux-gnu-; target=32r2_defconfig ;;
  mipsel) karch=mips; cross=mipsel-linux-gnu-; target=32r2el_defconfig ;;
  mips64) karch=mips; cross=mips64-linux-gnuabi64-; target=64r2_defconfig ;;
  mips64el) karch=mips; cross=mips64el-linux-gnuabi64-; target=64r2el_defconfig ;;
  m68k) karch=m68k; cross=m68k-linux-gnu- ;;
  sparc64) karch=sparc64; cross=sparc64-linux-gnu- ;;
  parisc) karch=parisc; cross=hppa-linux-gnu- ;;
  parisc64) karch=parisc64; cross=hppa64-linux-gnu- ;;
  sh4) karch=sh; cross=sh4-linux-gnu- ;;
  alpha) karch=alpha; cross=alpha-linux-gnu- ;;
  arc) karch=arc; cross=arc-linux-gnu- ;;
  *) echo "unsupported arch $arch" >&2; exit 2 ;;
esac
# Symbols to turn on (y) or off (n) on top of defconfig; all must hold after olddefconfig. try: on where it exists.
on=()
off=()
try=()
case "$variant" in
  defconfig) ;;
  memcg) on=(MEMCG) ;;
  lockdep) on=(DEBUG_KERNEL DEBUG_SPINLOCK DEBUG_LOCK_ALLOC PROVE_LOCKING) ;;
  rt) on=(EXPERT PREEMPT_RT) ;;
  highmem) [ "$arch" = i386 ] || { echo "highmem is an i386 variant" >&2; exit 3; }; on=(HIGHMEM4G); off=(NOHIGHMEM HIGHMEM64G) ;;
  highmem64g) [ "$arch" = i386 ] || { echo "highmem64g is an i386 variant" >&2; exit 3; }; on=(HIGHMEM64G); off=(NOHIGHMEM HIGHMEM4G) ;;
  # NOHIGHMEM is a choice member before 7.x; 7.x has a plain HIGHMEM4G bool.
  nohighmem) [ "$arch" = i386 ] || { echo "nohighmem is an i386 variant" >&2; exit 3; }; try=(NOHIGHMEM); off=(HIGHMEM4G HIGHMEM64G HIGHMEM) ;;
  phys64)
    case "$arch" in
      i386) on=(X86_PAE PHYS_ADDR_T_64BIT) ;;
      arm) on=(ARM_LPAE PHYS_ADDR_T_64BIT) ;;
      ppc32) target=mpc85xx_smp_defconfig; on=(PHYS_64BIT PHYS_ADDR_T_64BIT) ;;
      mipsel) target=maltaup_xpa_defconfig; on=(XPA PHYS_ADDR_T_64BIT) ;;
      mips) target=maltaup_xpa_defconfig; on=(CPU_BIG_ENDIAN XPA PHYS_ADDR_T_64BIT); off=(CPU_LITTLE_ENDIAN) ;;
      arc) on=(ARC_HAS_PAE40 PHYS_ADDR_T_64BIT) ;;
      *) echo "phys64: $arch has no 64-bit physical address option here" >&2; exit 3 ;;
    esac ;;
  # Any of the arch's defconfig targets, as it is (mips malta_defconfig, m68k m5208evb_defconfig, arc axs101_defconfig).
  *_defconfig) target=$variant ;;
  *) echo "unknown variant $variant" >&2; exit 2 ;;
esac

# MEMDESC_SRC: an unpacked tree to use as it is (nothing fetched); else fetch-trees.sh's tree for VERSION.
if [ -n "${MEMDESC_SRC:-}" ]; then
  src=$(cd "$MEMDESC_SRC" && pwd)
else
  "$here/fetch-trees.sh" "$version" >/dev/null
  src=$(cd "$cache/trees/$version/src" && pwd)
fi
# MEMDESC_BUILDS: where build dirs go (default $MEMDESC_CACHE/builds).
build="${MEMDESC_BUILDS:-$cache/builds}/$version-$arch-$variant"
stamp="$(cat "$src/.memdesc-tree" 2>/dev/null || echo "$version") src=$src arch=$arch variant=$variant"
if [ -f "$build/.memdesc-prepared" ] && [ "$(cat "$build/.memdesc-prepared")" = "$stamp" ]; then
  echo "$build"
  exit 0
fi

mkdir -p "$build" "$cache/notes"
exec 9>"$cache/.make.lock"
flock 9
kmake() { make -C "$src" O="$build" ARCH="$karch" ${cross:+CROSS_COMPILE=$cross} "$@"; }
log="$build/memdesc-prepare.log"
: > "$log"
t0=$SECONDS
kmake -s "$target" >>"$log" 2>&1 || { tail -30 "$log" >&2; exit 1; }
if [ ${#on[@]} -gt 0 ] || [ ${#off[@]} -gt 0 ] || [ ${#try[@]} -gt 0 ]; then
  args=()
  for s in ${on[@]+"${on[@]}"} ${try[@]+"${try[@]}"}; do args+=(-e "$s"); done
  for s in ${off[@]+"${off[@]}"}; do args+=(-d "$s"); done
  # PREEMPT_RT is a choice member before 6.12: leave the other preemption models.
  [ "$variant" = rt ] && args+=(-d PREEMPT_NONE -d PREEMPT_VOLUNTARY -d PREEMPT)
  "$src/scripts/config" --file "$build/.config" "${args[@]}"
  kmake -s olddefconfig >>"$log" 2>&1 || { tail -30 "$log" >&2; exit 1; }
  for s in ${on[@]+"${on[@]}"}; do
    if ! grep -qx "CONFIG_$s=y" "$build/.config"; then
      echo "variant $variant: CONFIG_$s is not available in $version/$arch (Kconfig dropped it)" >&2
      rm -rf "$build"
      exit 3
    fi
  done
  for s in ${off[@]+"${off[@]}"}; do
    if grep -qx "CONFIG_$s=y" "$build/.config"; then
      echo "variant $variant: CONFIG_$s cannot be turned off in $version/$arch" >&2
      rm -rf "$build"
      exit 3
    fi
  done
fi
printf '%s\n' "$target" > "$build/.memdesc-target"
t1=$SECONDS
# MEMDESC_CONFIG_ONLY=1: the .config is all that is wanted (built-in defaults: make-defaults.mjs).
if [ -n "${MEMDESC_CONFIG_ONLY:-}" ]; then
  echo "$build"
  exit 0
fi
kmake -j"$jobs" prepare >>"$log" 2>&1 || { tail -40 "$log" >&2; exit 1; }
t2=$SECONDS
echo "$version $arch $variant: config $((t1 - t0)) s, prepare $((t2 - t1)) s, build dir $(du -sm "$build" | cut -f1) MB" | tee -a "$cache/notes/timings.txt" >&2
printf '%s\n' "$stamp" > "$build/.memdesc-prepared"
echo "$build"
