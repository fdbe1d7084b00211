# SPDX-License-Identifier: GPL-2.0
# Helpers shared by every script of the harness.  Source it, do not run it.

set -eu
set -o pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${P2PDMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/p2pdma-series}
BASE_REPO=$CACHE/linux.git	# bare repository holding the imported base
TREES=$CACHE/trees		# git worktrees: series, base, bisect
BUILDS=$CACHE/build		# O= build directories, one per kernel
RESULTS=$CACHE/results		# what the last run measured
BASE_REF=refs/tags/p2pdma-base
SERIES_BRANCH=${SERIES_BRANCH:-p2pdma-core}

export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
export KBUILD_BUILD_USER=p2pdma KBUILD_BUILD_HOST=series
export LC_ALL=C

# The identity every patch carries: the repository's own git configuration.
git_ident()
{
	printf '%s <%s>\n' "$(git -C "$TOP" config user.name)" \
		"$(git -C "$TOP" config user.email)"
}

die()  { echo "error: $*" >&2; exit 1; }
info() { echo "==> $*" >&2; }

# Patches in order, as listed in the series file.
series_patches()
{
	grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/series" | sed "s|^|$TOP/|"
}

# need_pkgs PKG...: install missing Debian packages when root, else stop
# with the one command that would.
need_pkgs()
{
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" != 0 ]; then
		die "missing packages; run: sudo apt-get install ${missing[*]}"
	fi
	info "installing ${missing[*]}"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends "${missing[@]}" >"$CACHE/apt.log" 2>&1; then
		apt-get update -q >>"$CACHE/apt.log" 2>&1 || true
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends "${missing[@]}" >>"$CACHE/apt.log" 2>&1 ||
			die "apt-get install ${missing[*]} failed, see $CACHE/apt.log"
	fi
}

# Packages every kernel build here needs.
BUILD_PKGS="gcc make bc flex bison libelf-dev libssl-dev ccache git perl python3 cpio kmod xz-utils"

# TAP output for checks: tap_ok/tap_fail DESCRIPTION [REASON]
TAP_N=0
tap_ok()   { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N $1"; }
tap_fail() { TAP_N=$((TAP_N + 1)); echo "not ok $TAP_N $1${2:+ # $2}"; }
tap_skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N $1 # SKIP $2"; }
tap_check() # tap_check DESCRIPTION COMMAND...: ok if the command succeeds
{
	local d=$1; shift
	if "$@"; then tap_ok "$d"; else tap_fail "$d"; fi
}

mkdir -p "$CACHE"
