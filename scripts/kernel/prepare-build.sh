#!/usr/bin/env bash
# Configures and prepares an out-of-tree kernel build (O=) for one version, arch and config variant: enough
# to compile a probe in mm/ (generated headers, bounds.h, asm-offsets.h, objtool on x86), no more.
# Idempotent: a build whose stamp matches is left alone. Kernel makes are serialised with a lock file and
# run with -j${MEMDESC_JOBS:-2}.
#
# usage: scripts/kernel/prepare-build.sh VERSION ARCH [VARIANT]
#   VERSION  a tree fetched by fetch-trees.sh (fetched here if missing): 6.1, 6.12, 7.2, ...
#   ARCH     x86_64 | i386 | arm64
#   VARIANT  defconfig (default) | memcg (CONFIG_MEMCG=y) | lockdep (DEBUG_SPINLOCK, DEBUG_LOCK_ALLOC,
#            PROVE_LOCKING) | rt (PREEMPT_RT, where the arch supports it) | highmem (i386 HIGHMEM4G) |
#            highmem64g (i386 HIGHMEM64G = PAE, gone in 7.x) | nohighmem (i386 NOHIGHMEM)
#            (i386 defconfig is already HIGHMEM4G, so highmem = defconfig there)
# Exit status 3: the variant cannot be had for this version/arch (Kconfig dropped a requested symbol).
# Prints the build directory on stdout: $MEMDESC_CACHE/builds/VERSION-ARCH-VARIANT
set -euo pipefail
export LC_ALL=C

version=${1:?usage: prepare-build.sh VERSION ARCH [VARIANT]}
arch=${2:?usage: prepare-build.sh VERSION ARCH [VARIANT]}
variant=${3:-defconfig}
here=$(cd "$(dirname "$0")" && pwd)
cache=${MEMDESC_CACHE:-$HOME/.cache/memdesc-layout}
jobs=${MEMDESC_JOBS:-2}

case "$arch" in
  x86_64) karch=x86_64; cross= ;;
  i386) karch=i386; cross=i686-linux-gnu- ;;
  arm64) karch=arm64; cross=aarch64-linux-gnu- ;;
  *) echo "unsupported arch $arch (x86_64, i386, arm64)" >&2; exit 2 ;;
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
  *) echo "unknown variant $variant" >&2; exit 2 ;;
esac

"$here/fetch-trees.sh" "$version" >/dev/null
src=$(cd "$cache/trees/$version/src" && pwd)
build="$cache/builds/$version-$arch-$variant"
stamp="$(cat "$src/.memdesc-tree") src=$src arch=$arch variant=$variant"
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
kmake -s defconfig >>"$log" 2>&1 || { tail -30 "$log" >&2; exit 1; }
if [ "$variant" != defconfig ]; then
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
t1=$SECONDS
kmake -j"$jobs" prepare >>"$log" 2>&1 || { tail -40 "$log" >&2; exit 1; }
t2=$SECONDS
echo "$version $arch $variant: config $((t1 - t0)) s, prepare $((t2 - t1)) s, build dir $(du -sm "$build" | cut -f1) MB" | tee -a "$cache/notes/timings.txt" >&2
printf '%s\n' "$stamp" > "$build/.memdesc-prepared"
echo "$build"
