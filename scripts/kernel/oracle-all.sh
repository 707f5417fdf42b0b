#!/usr/bin/env bash
# Runs the gcc oracle over a matrix of builds, one kernel make at a time, and prints a timing line per build.
# A variant Kconfig cannot give (prepare-build.sh exit 3, e.g. PREEMPT_RT on 6.1 x86) is reported and skipped;
# any other failure fails the run (after the rest of the matrix).
#
# usage: scripts/kernel/oracle-all.sh ["VERSION ARCH [VARIANT]"...]
#   default matrix: the list below (about 8 minutes on 2 cores once the trees are unpacked, 9 from an empty cache)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
matrix=("$@")
if [ ${#matrix[@]} -eq 0 ]; then
  matrix=(
    "6.12 x86_64" "7.2 x86_64" "6.1 x86_64" "6.12 arm64" "6.12 i386" "6.12 x86_64 memcg"
    "7.2 arm64" "7.2 i386" "7.2 x86_64 memcg" "7.2 x86_64 lockdep"
    "7.2 x86_64 rt" "7.2 i386 memcg" "7.2 i386 nohighmem" "7.2 arm64 memcg"
    "6.12 x86_64 lockdep" "6.12 x86_64 rt" "6.12 i386 highmem64g" "6.12 i386 nohighmem" "6.12 arm64 lockdep"
    "6.1 arm64" "6.1 i386" "6.1 x86_64 memcg" "6.1 x86_64 lockdep" "6.1 x86_64 rt" "6.1 i386 highmem64g"
    "7.3 x86_64" "7.3 arm64" "7.3 i386" "7.3 x86_64 memcg" "7.3 x86_64 lockdep"
  )
fi
failed=0
for spec in "${matrix[@]}"; do
  read -r version arch variant <<<"$spec"
  variant=${variant:-defconfig}
  t0=$SECONDS
  set +e
  build=$("$here/prepare-build.sh" "$version" "$arch" "$variant" 2>/tmp/memdesc-prepare.$$)
  rc=$?
  set -e
  t1=$SECONDS
  if [ $rc = 3 ]; then
    echo "$version $arch $variant: unavailable ($(tail -1 /tmp/memdesc-prepare.$$))"
    continue
  elif [ $rc != 0 ]; then
    echo "$version $arch $variant: prepare FAILED"; cat /tmp/memdesc-prepare.$$ >&2; failed=1; continue
  fi
  if out=$(node "$here/gcc-oracle.mjs" "$build" 2>&1); then
    echo "$version $arch $variant: prepare $((t1 - t0)) s, oracle $((SECONDS - t1)) s: ${out#*: }"
  else
    echo "$version $arch $variant: oracle FAILED"; echo "$out" >&2; failed=1
  fi
done
rm -f /tmp/memdesc-prepare.$$
exit $failed
