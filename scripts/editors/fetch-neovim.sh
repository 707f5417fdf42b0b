#!/usr/bin/env bash
# Fetches Neovim from a newer Debian suite than the machine's (trixie: 0.10, unstable: 0.11+) with the shared
# libraries it needs (its C library included), unpacked into a private prefix with a `nvim` wrapper that
# starts it through that prefix's own dynamic loader. Nothing is installed on the system: the machine's apt
# sources, lists and dpkg database are neither read nor changed. Used by test/protocol/neovim.test.ts to run
# the README's Neovim setup on the versions Debian stable does not have.
# Idempotent: a suite already unpacked is left alone (--refresh fetches its newest Neovim again).
#
# usage: scripts/editors/fetch-neovim.sh [--refresh] SUITE...      (e.g. trixie unstable)
# env:   MEMDESC_CACHE   cache root (default $HOME/.cache/memdesc-layout)
# layout: $MEMDESC_CACHE/neovim/SUITE/{apt,debs,root}/ and $MEMDESC_CACHE/neovim/SUITE/nvim (the wrapper)
# Prints one line per suite: SUITE NEOVIM-PACKAGE-VERSION WRAPPER.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

refresh=0
suites=()
for a in "$@"; do
  case "$a" in
    --refresh) refresh=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) echo "unknown option $a" >&2; exit 2 ;;
    *) suites+=("$a") ;;
  esac
done
[ ${#suites[@]} -gt 0 ] || { echo "usage: $0 [--refresh] SUITE..." >&2; exit 2; }

cache=${MEMDESC_CACHE:-$HOME/.cache/memdesc-layout}
multiarch=$(gcc -print-multiarch 2>/dev/null || dpkg-architecture -qDEB_HOST_MULTIARCH)

for suite in "${suites[@]}"; do
  base="$cache/neovim/$suite"
  if [ "$refresh" = 0 ] && [ -x "$base/nvim" ] && [ -f "$base/version" ]; then
    echo "$suite $(cat "$base/version") $base/nvim"
    continue
  fi
  apt="$base/apt"
  mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/sources.list.d"
  cat > "$apt/sources.list.d/neovim.sources" <<SOURCES
Types: deb
URIs: http://deb.debian.org/debian
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  opts=(
    -o "Dir::Etc::SourceList=/dev/null"
    -o "Dir::Etc::SourceParts=$apt/sources.list.d"
    -o "Dir::Etc::Preferences=/dev/null"
    -o "Dir::Etc::PreferencesParts=$apt/preferences.d"
    -o "Dir::State::Lists=$apt/lists"
    -o "Dir::State::status=/dev/null"
    -o "Dir::Cache=$apt"
    -o "Dir::Cache::pkgcache="
    -o "Dir::Cache::srcpkgcache="
    -o "APT::Sandbox::User=root"
    -o "Acquire::Languages=none"
  )
  mkdir -p "$apt/preferences.d"
  apt-get -qq "${opts[@]}" update >&2
  # Neovim and everything it depends on, in that suite (with an empty dpkg status nothing counts as installed).
  mapfile -t pkgs < <(apt-cache "${opts[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances neovim | grep -v '^ ' | grep -v '^<' | sort -u)
  rm -rf "$base/debs" "$base/root.new"
  mkdir -p "$base/debs" "$base/root.new"
  (cd "$base/debs" && apt-get -qq "${opts[@]}" download "${pkgs[@]}" >&2)
  for deb in "$base/debs"/*.deb; do dpkg-deb -x "$deb" "$base/root.new"; done
  rm -rf "$base/root"
  mv "$base/root.new" "$base/root"
  version=$(dpkg-deb -f "$(ls "$base/debs"/neovim_*.deb)" Version)
  loader=$(cd "$base/root" && ls usr/lib/"$multiarch"/ld-linux*.so.* | head -n1)
  [ -n "$loader" ] || { echo "no dynamic loader in $suite's libc6 for $multiarch" >&2; exit 1; }
  # The suite's own loader and libraries for Neovim alone: passed as arguments, not LD_LIBRARY_PATH, so that
  # the programs Neovim starts (the language server, node) run with the machine's own C library.
  cat > "$base/nvim" <<WRAPPER
#!/bin/sh
# Neovim $version from Debian $suite, run with its own C library (scripts/editors/fetch-neovim.sh).
root="\$(dirname "\$0")/root"
export VIMRUNTIME="\${VIMRUNTIME:-\$root/usr/share/nvim/runtime}"
exec "\$root/$loader" --library-path "\$root/usr/lib/$multiarch:\$root/lib/$multiarch" "\$root/usr/bin/nvim" "\$@"
WRAPPER
  chmod +x "$base/nvim"
  echo "$version" > "$base/version"
  echo "$suite $version $base/nvim"
done
