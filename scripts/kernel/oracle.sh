#!/usr/bin/env bash
# gcc layout oracle for one build: prepares it if needed, then runs gcc-oracle.mjs on it.
#
# usage: scripts/kernel/oracle.sh BUILD_DIR [gcc-oracle.mjs options]
#    or: scripts/kernel/oracle.sh VERSION ARCH [VARIANT] [-- gcc-oracle.mjs options]
# writes $MEMDESC_CACHE/oracle/VERSION-ARCH-VARIANT.json (see README.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ge 1 ] && [ -d "$1" ]; then
  exec node "$here/gcc-oracle.mjs" "$@"
fi
[ $# -ge 2 ] || { sed -n '2,6p' "$0" >&2; exit 2; }
version=$1 arch=$2 variant=defconfig
shift 2
if [ $# -gt 0 ] && [ "$1" != -- ]; then variant=$1; shift; fi
[ "${1:-}" = -- ] && shift
build=$("$here/prepare-build.sh" "$version" "$arch" "$variant")
exec node "$here/gcc-oracle.mjs" "$build" "$@"
