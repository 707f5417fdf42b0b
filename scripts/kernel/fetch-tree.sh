#!/usr/bin/env bash
# Downloads a Debian linux-source package, unpacks the tree into a cache, and prepares an O= build for one
# ABI with its defconfig (what a gcc probe needs). Idempotent: a finished step is not repeated.
#
# usage: scripts/kernel/fetch-tree.sh VERSION ABI      e.g. 6.12 x86_64
# prints the source dir and the build dir on the last two lines of stdout.
# cache: ${MEMDESC_CACHE:-$HOME/.cache/memdesc-layout}/trees/VERSION (about 1.4 GB per tree)
set -euo pipefail
version=${1:?version, e.g. 6.12}
abi=${2:-x86_64}
cache=${MEMDESC_CACHE:-$HOME/.cache/memdesc-layout}
dir="$cache/trees/$version"
src="$dir/linux-source-$version"
mkdir -p "$dir"
case "$abi" in
  x86_64) karch=x86_64; cross= ;;
  i386) karch=i386; cross=i686-linux-gnu- ;;
  arm64) karch=arm64; cross=aarch64-linux-gnu- ;;
  *) echo "unsupported ABI $abi" >&2; exit 2 ;;
esac
build="$dir/build-$abi"

if [ ! -f "$src/.memdesc-unpacked" ]; then
  # Work in a private scratch dir: the cache folder may hold other tools' files.
  scratch=$(mktemp -d "$dir/.fetch-XXXXXX")
  trap 'rm -rf "$scratch"' EXIT
  (
    cd "$scratch"
    apt-get download "linux-source-$version" >&2
    deb=$(ls linux-source-"$version"_*.deb | head -1)
    dpkg-deb --fsys-tarfile "$deb" | tar -x --wildcards './usr/src/*.tar.xz'
    tar -xJf "usr/src/linux-source-$version.tar.xz"
  )
  rm -rf "$src"
  mv "$scratch/linux-source-$version" "$src"
  rm -rf "$scratch"
  trap - EXIT
  touch "$src/.memdesc-unpacked"
fi

if [ ! -f "$build/.memdesc-prepared" ]; then
  make -s -C "$src" O="$build" ARCH="$karch" ${cross:+CROSS_COMPILE=$cross} defconfig >&2
  make -s -C "$src" O="$build" ARCH="$karch" ${cross:+CROSS_COMPILE=$cross} -j"$(nproc)" prepare >&2
  touch "$build/.memdesc-prepared"
fi
echo "$src"
echo "$build"
