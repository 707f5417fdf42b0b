#!/usr/bin/env bash
# Downloads Debian's linux-source-<version> packages into a cache and unpacks the part of each kernel tree
# that a header analysis and `make defconfig prepare` (plus compiling a probe in mm/) need.
# Idempotent: a cached .deb is reused, an unpacked tree with a matching stamp is left alone.
#
# usage: scripts/kernel/fetch-trees.sh [--full] [--refresh] [VERSION...]     (default: 6.1 6.12 7.2)
#   VERSION   a Debian linux-source-VERSION package: 6.1, 6.12 (bookworm), 7.2 (unstable), 7.3 (experimental)
#   --full    unpack the whole tree (about 1.5 GB each) instead of the subset (about 150 MB)
#   --refresh fetch the newest package even if one is cached (and re-unpack when it changed)
# env: MEMDESC_CACHE   cache root (default $HOME/.cache/memdesc-layout)
#      MEMDESC_ARCHES  arch/ directories unpacked whole (default "x86 arm64"); every arch/*/include is always unpacked
# layout: $MEMDESC_CACHE/debs/*.deb, $MEMDESC_CACHE/apt/ (private apt state), $MEMDESC_CACHE/trees/VERSION/src/
#         (src/, not VERSION/ itself: fetch-tree.sh keeps its full tree beside it, in VERSION/linux-source-VERSION)
# Prints one line per version: VERSION PACKAGE-VERSION TREE-DIR.
#
# apt is run with a private configuration (its own sources, lists and cache under $MEMDESC_CACHE/apt): the
# machine's apt sources and lists are neither read nor changed, so unstable/experimental need no system change.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

full=0
refresh=0
versions=()
for a in "$@"; do
  case "$a" in
    --full) full=1 ;;
    --refresh) refresh=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "unknown option $a" >&2; exit 2 ;;
    *) versions+=("$a") ;;
  esac
done
[ ${#versions[@]} -gt 0 ] || versions=(6.1 6.12 7.2)

cache=${MEMDESC_CACHE:-$HOME/.cache/memdesc-layout}
arches=${MEMDESC_ARCHES:-x86 arm64}
debs="$cache/debs"
aptdir="$cache/apt"
mkdir -p "$debs" "$cache/trees" "$aptdir/lists/partial" "$aptdir/archives/partial" "$aptdir/sources.list.d"

cat > "$aptdir/sources.list.d/memdesc.sources" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm unstable experimental
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
apt_opts=(
  -o "Dir::Etc::SourceList=/dev/null"
  -o "Dir::Etc::SourceParts=$aptdir/sources.list.d"
  -o "Dir::Etc::Preferences=/dev/null"
  -o "Dir::Etc::PreferencesParts=$aptdir/none"
  -o "Dir::State::Lists=$aptdir/lists"
  -o "Dir::Cache=$aptdir"
  -o "Dir::Cache::pkgcache="
  -o "Dir::Cache::srcpkgcache="
  -o "APT::Sandbox::User=root"
  -o "Acquire::Languages=none"
)
lists_fresh=0
update_lists() {
  [ "$lists_fresh" = 1 ] && return 0
  apt-get -qq "${apt_opts[@]}" update >&2
  lists_fresh=1
}

# The subset: what `make ARCH=<arch> defconfig prepare` reads (Kconfig files of every directory, because
# Kconfig sources them; scripts/ and tools/ pieces built by prepare; kernel/bounds.c and the asm-offsets
# includes), the headers, and the directories whose private headers the memdescs live in; for the Kconfig
# oracle, every arch's configs/ and what its Makefile includes when making a config target.
patterns() {
  local top=$1 a
  local p=(Makefile Kbuild Kconfig '*/Kconfig*' include scripts kernel mm init lib security certs usr block
    drivers/iommu 'arch/*/include' 'arch/*/Makefile' 'arch/*/Kbuild'
    'arch/*/configs' 'arch/*/Kbuild.platforms' 'arch/*/*/Platform' 'arch/*/Makefile.*' 'arch/*/tools'
    tools/Makefile tools/arch tools/build tools/include tools/lib tools/objtool tools/scripts)
  for a in $arches; do p+=("arch/$a"); done
  for a in "${p[@]}"; do printf '%s/%s\n' "$top" "$a"; done
}

# A few files every later step reads: a tree missing one is unpacked again.
intact() {
  local f
  for f in Makefile Kconfig usr/Kconfig include/linux/mm_types.h mm/Makefile kernel/bounds.c scripts/Makefile.build arch/x86/configs/x86_64_defconfig; do
    [ -f "$1/$f" ] || { echo "$1: $f is missing, unpacking again" >&2; return 1; }
  done
}

for v in "${versions[@]}"; do
  pkg="linux-source-$v"
  deb=$(ls -1 "$debs/${pkg}_"*_all.deb 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$deb" ] || [ "$refresh" = 1 ]; then
    update_lists
    cand=$(apt-cache "${apt_opts[@]}" policy "$pkg" | awk '/Candidate:/ {print $2}')
    if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then
      echo "$pkg: no such package in bookworm, bookworm-security, unstable or experimental" >&2
      exit 1
    fi
    want="$debs/${pkg}_${cand//:/%3a}_all.deb"
    if [ ! -f "$want" ]; then
      t0=$SECONDS
      (cd "$debs" && apt-get -q "${apt_opts[@]}" download "$pkg=$cand" >&2)
      echo "$pkg $cand downloaded in $((SECONDS - t0)) s" >&2
    fi
    deb=$want
  fi
  pkgver=$(dpkg-deb -f "$deb" Version)
  tree="$cache/trees/$v/src"
  stamp="$v $pkgver full=$full arches=$arches"
  # A full tree of the same package serves any subset request (it is a superset): never re-unpack it under
  # whoever is reading it.
  have=$(cat "$tree/.memdesc-tree" 2>/dev/null || true)
  if [ -n "$have" ] && { [ "$have" = "$stamp" ] || { [ "$refresh" = 0 ] && [ "${have#"$v $pkgver full=1 "}" != "$have" ]; }; } && intact "$tree"; then
    echo "$v $pkgver $tree"
    continue
  fi
  t0=$SECONDS
  tmp="$cache/trees/$v/.src.partial"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  top="linux-source-$v"
  if [ "$full" = 1 ]; then
    dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$top.tar.xz" | xz -dc -T2 | tar -x -C "$tmp" --strip-components=1
  else
    mapfile -t pats < <(patterns "$top")
    dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$top.tar.xz" | xz -dc -T2 |
      tar -x -C "$tmp" --strip-components=1 --wildcards --wildcards-match-slash "${pats[@]}"
  fi
  [ -f "$tmp/Makefile" ] && [ -f "$tmp/include/linux/mm_types.h" ] || { echo "$pkg: unexpected tarball layout" >&2; exit 1; }
  rm -rf "$tree"
  mv "$tmp" "$tree"
  printf '%s\n' "$stamp" > "$tree/.memdesc-tree"
  echo "$pkg $pkgver unpacked ($([ $full = 1 ] && echo full || echo subset)) in $((SECONDS - t0)) s, $(du -sm "$tree" | cut -f1) MB" >&2
  echo "$v $pkgver $tree"
done
