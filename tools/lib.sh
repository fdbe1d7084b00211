# SPDX-License-Identifier: GPL-2.0
# Helpers shared by every script of the harness.  Source it, do not run it.

set -eu
# No pipefail: "cmd | head" would fail on SIGPIPE.  inherit_errexit: a
# failing command inside $(...) ends the substitution with its status,
# which stops the script where the substitution is assigned (x=$(...)),
# not where it is only an argument.
shopt -s inherit_errexit

# Debian's tools (python3-ply, python3-git for checkpatch) over any other.
export PATH=/usr/bin:/bin:/usr/sbin:/sbin:$PATH

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${P2PDMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/p2pdma-series}
BASE_REPO=$CACHE/linux/.git	# repository holding the imported base; no checkout
TREES=$CACHE/trees		# git worktrees: series, base, bisect
BUILDS=$CACHE/build		# O= build directories, one per kernel
RESULTS=$CACHE/results		# what the last run measured
BASE_REF=refs/tags/p2pdma-base	# Debian's 7.3.4 + upstream/series
DEBIAN_REF=refs/heads/debian	# Debian's 7.3.4 as imported
P2PDMA_SERIES_BRANCH=${P2PDMA_SERIES_BRANCH:-p2pdma-core}

export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-20G}
# Worktree checkouts give headers fresh timestamps; without this ccache
# would fall back from direct mode to running the preprocessor.
export CCACHE_SLOPPINESS=include_file_mtime,include_file_ctime,time_macros
# A header no checkout touched is hashed once, not for every object.
export CCACHE_INODECACHE=1
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
export KBUILD_BUILD_USER=p2pdma KBUILD_BUILD_HOST=series
export LC_ALL=C

# Commits the harness makes (git am) have a fixed committer, so that
# nothing depends on the git identity of the machine; authors come from
# the patches.  The harness is also the author of what it adds to
# Debian's tree itself: the import, and upstream/.
HARNESS_NAME="p2pdma harness" HARNESS_EMAIL=harness@p2pdma.invalid
export GIT_COMMITTER_NAME=$HARNESS_NAME GIT_COMMITTER_EMAIL=$HARNESS_EMAIL

die()  { echo "error: $*" >&2; exit 1; }
info() { echo "==> $*" >&2; }

# Patches in order, as listed in the series file, and the harness's
# commits that bring the Debian tree to upstream's text, as listed in
# upstream/series.
list_patches() { grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/$1" | sed "s|^|$TOP/|"; }
series_patches() { list_patches series; }
upstream_patches() { list_patches upstream/series; }
# Patches that go to their maintainers on their own, each on the base.
standalone_patches() { ls "$TOP"/standalone/*.patch 2>/dev/null || true; }
upstream_hash() { cat "$TOP/upstream/series" $(upstream_patches) | sha256sum | cut -c1-16; }

# format_patch TREE ARGS...: git format-patch, whatever the user's git
# configuration says about prefixes, sign-offs, signatures or recipients.
format_patch()
{
	local tree=$1
	shift
	git -C "$tree" -c core.abbrev=12 -c diff.noprefix=false -c diff.mnemonicPrefix=false \
		-c format.signOff=false -c format.numbered=auto -c format.coverLetter=false \
		format-patch --no-signature "$@"
}

# git_am TREE ARGS...: git am in TREE, without the user's hooks or commit
# signing.
git_am() { local tree=$1; shift; git -C "$tree" -c core.hooksPath=/dev/null -c commit.gpgSign=false am "$@"; }

# selftests_only PATCH: does PATCH touch nothing but the kernel's
# selftests (tools/testing/selftests/)?
selftests_only() { ! patch_paths "$1" | grep -qv '^tools/testing/selftests/'; }

# kernel_repo KERNEL: the git directory in the cache where the harness
# works on the user's tree KERNEL.  It borrows KERNEL's objects
# (objects/info/alternates) and is made on first use; nothing is written
# to KERNEL.
kernel_repo()
{
	local objs dir
	objs=$(cd "$1" && cd "$(git rev-parse --git-common-dir)" && pwd)/objects
	dir=$CACHE/users/$(echo "$objs" | sha1sum | cut -c1-8)
	if [ ! -d "$dir/.git" ]; then
		git init -q "$dir" &&
			git -C "$dir" symbolic-ref HEAD refs/heads/unused &&
			git -C "$dir" config gc.auto 0
	fi
	echo "$objs" >"$dir/.git/objects/info/alternates"
	echo "$dir/.git"
}

# section_maintainers MAINTAINERS NAME: the M: entries of that section.
section_maintainers()
{
	awk -v s="$2" '$0 == s { on = 1; next } on && /^$/ { exit } on && /^M:\t/ { sub(/^M:\t/, ""); print }' "$1"
}

# route KEY: the MAINTAINERS section that merges the mail KEY ("series"
# or "standalone/NAME.patch"), from tools/route.
route()
{
	local r
	r=$(awk -F'\t+' -v k="$1" '$1 == k { print $2 }' "$TOP/tools/route")
	[ -n "$r" ] || die "tools/route names no MAINTAINERS section for $1"
	echo "$r"
}

# whole_checkout DIR: check all of DIR out when it is a sparse checkout.
whole_checkout()
{
	[ "$(git -C "$1" config --bool core.sparseCheckout)" != true ] ||
		git -C "$1" sparse-checkout disable >&2
}

# sparse_worktree GITDIR DIR REV PATH...: a worktree of the repository
# GITDIR at DIR, detached at REV, with only PATH... checked out.
sparse_worktree()
{
	local gitdir=$1 dir=$2 rev=$3
	shift 3
	git --git-dir="$gitdir" worktree add -q --no-checkout --detach "$dir" "$rev" 2>/dev/null &&
		git -C "$dir" sparse-checkout set --no-cone "$@" 2>/dev/null &&
		git -C "$dir" checkout -q --detach "$rev"
}

# patch_paths PATCH...: the files the patches touch.
patch_paths() { sed -n 's|^diff --git a/\(.*\) b/.*|\1|p' "$@" | sort -u; }

# The subject of a patch mail, unfolded, without the [PATCH] prefix.
patch_subject() { git mailinfo /dev/null /dev/null <"$1" | sed -n 's/^Subject: //p'; }

# splice_cover OLD NEW: give the cover letter NEW, fresh from git
# format-patch --cover-letter, the subject and text of the cover letter OLD;
# the shortlog and diffstat stay NEW's.  Its Date becomes the newest
# patch's, so that the result depends on the commits only.
splice_cover()
{
	local old=$1 new=$2 date
	date=$(sed -n 's/^Date: //p' "$(ls "$(dirname "$new")"/*.patch | tail -n 1)" | head -n 1)
	awk -v old="$old" -v date="$date" '
		function slurp(   line, inbody) {
			if ((getline line < old) <= 0) return 0
			do {
				if (!inbody && line ~ /^Subject: /) { subj = substr(line, 10); continue }
				if (!inbody && line ~ /^ / && subj != "") { subj = subj "\n" line; continue }
				if (!inbody && line == "") { inbody = 1; continue }
				if (inbody && line ~ /^[^ ].* \([0-9]+\):$/) break
				if (inbody) body = body line "\n"
			} while ((getline line < old) > 0)
			return 1
		}
		BEGIN { have = slurp() }
		/^Date: / { print "Date: " date; next }
		have && /^Subject: / {
			s = subj; sub(/^\[[^]]*\] */, "", s)
			sub(/\*\*\* SUBJECT HERE \*\*\*/, s); print; skipsubj = 1; next
		}
		skipsubj && /^ / { next }
		{ skipsubj = 0 }
		have && /^\*\*\* BLURB HERE \*\*\*$/ { printf "%s", body; skipblank = 1; next }
		skipblank && /^$/ { skipblank = 0; next }
		{ skipblank = 0; print }
	' "$new" >"$new.spliced"
	mv "$new.spliced" "$new"
}

# need_groups GROUP...: need_pkgs for those groups of tools/packages.
need_groups()
{
	local p
	p=$(pkgs "$@")
	need_pkgs $p
}

# need_pkgs PKG...: install missing Debian packages when root, else stop
# with the one command that would.
need_pkgs()
{
	local missing=()
	read -r -a missing <<<"$(missing_pkgs "$@")"
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" != 0 ]; then
		die "missing packages; run: sudo apt-get install ${missing[*]}"
	fi
	# Checks run side by side (tools/check); one apt-get at a time.
	with_lock apt _install_pkgs "${missing[@]}" || exit 1
}
_install_pkgs()
{
	info "installing $*"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends "$@" >"$CACHE/apt.log" 2>&1; then
		apt-get update -q >>"$CACHE/apt.log" 2>&1 || true
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends "$@" >>"$CACHE/apt.log" 2>&1 ||
			die "apt-get install $* failed, see $CACHE/apt.log"
	fi
}

# apt_private NAME LINE...: an apt configuration of the harness's own in
# $CACHE/apt-NAME with the given sources.list lines, its package lists
# fetched.  Sets APT_OPTS.  The system's apt configuration is not touched;
# signatures are checked against the system's Debian archive keyring.
apt_private()
{
	local dir=$CACHE/apt-$1
	shift
	mkdir -p "$dir/lists/partial" "$dir/archives/partial" "$dir/prefs.d" "$dir/parts.d"
	printf '%s\n' "$@" >"$dir/sources.list"
	APT_OPTS=(-o "Dir::Etc::SourceList=$dir/sources.list"
		  -o "Dir::Etc::SourceParts=$dir/parts.d"
		  -o "Dir::Etc::Preferences=$dir/prefs"
		  -o "Dir::Etc::PreferencesParts=$dir/prefs.d"
		  -o "Dir::State::Lists=$dir/lists"
		  -o "Dir::State::status=/var/lib/dpkg/status"
		  -o "Dir::Cache::Archives=$dir/archives"
		  -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
		  -o "APT::Sandbox::User=$(id -un)"
		  -o "Acquire::Retries=2" -o "Acquire::http::Timeout=30")
	apt-get "${APT_OPTS[@]}" -q update >"$dir/update.log" 2>&1 &&
		! grep -q -e '^Err:' -e '^W: Failed' "$dir/update.log"
}

# sparse_bin: a sparse that can check this kernel.  Debian bookworm's
# 0.6.4 lacks __typeof_unqual__, which scripts/checker-valid.sh requires,
# so sparse is built from Debian's newest source package (sid), fetched
# with apt.  Prints the path, or nothing when none can be had.
sparse_bin()
{
	local dir=$CACHE/tools/sparse tree=$1
	if [ ! -x "$dir/sparse" ]; then
		command -v dpkg-source >/dev/null || need_pkgs dpkg-dev
		apt_private sparse "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main" ||
			return 0
		rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
		(cd "$dir.tmp" && apt-get "${APT_OPTS[@]}" -q source sparse &&
		 cd sparse-*/ && make -s CC=gcc HAVE_LLVM=no HAVE_LIBXML=no HAVE_GTK=no sparse &&
		 cp sparse "$dir.tmp/sparse.bin") >"$CACHE/tools-sparse.log" 2>&1 || { rm -rf "$dir.tmp"; return 0; }
		rm -rf "$dir"; mkdir -p "$dir"
		mv "$dir.tmp/sparse.bin" "$dir/sparse"
		cp "$dir.tmp"/*.dsc "$dir/" 2>/dev/null || true
		rm -rf "$dir.tmp"
	fi
	[ "$(sh "$tree/scripts/checker-valid.sh" "$dir/sparse" -m64 2>/dev/null)" = 1 ] && echo "$dir/sparse"
	return 0
}

# pkgs GROUP...: the Debian packages of those groups of tools/packages.
pkgs()
{
	local g all=
	for g in "$@"; do
		all="$all $(awk -v g="$g" '$1 == g { for (i = 2; i <= NF; i++) print $i; f = 1 }
			END { exit !f }' "$TOP/tools/packages")" || die "no package group '$g' in tools/packages"
	done
	echo $all | tr ' ' '\n' | sort -u | paste -sd' ' -
}
# missing_pkgs PKG...: those of them that are not installed.
missing_pkgs()
{
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || echo "$p"
	done | paste -sd' ' -
}
# Packages every kernel build here needs.
BUILD_PKGS=$(pkgs build)

# TAP output for checks.  A check prints "ok DESCRIPTION" or
# "not ok DESCRIPTION # REASON" lines; tools/check numbers them, times each
# check and prints the totals.  Anything else a check prints should start
# with "# ".
ok()   { echo "ok $1"; }
fail() { echo "not ok $1${2:+ # $2}"; FAILED=1; NFAILED=$((NFAILED + 1)); }
skip() { echo "ok $1 # SKIP $2"; }
note() { sed 's/^/# /'; }
FAILED=0 NFAILED=0

# Trees.  base_tree and series_tree print the path of a worktree holding the
# base and the base with the series applied (the patches as in patches/, not
# the editing tree of 'make tree').  Both are reused while they are current,
# so that build directories stay incremental.
series_hash() { { upstream_hash; cat "$TOP/series" $(series_patches); } | sha256sum | cut -c1-16; }

# with_lock NAME COMMAND...: one harness process at a time changes a tree.
with_lock()
{
	local name=$1; shift
	mkdir -p "$CACHE/locks"
	( flock 9; "$@" ) 9>"$CACHE/locks/$name"
}

base_tree() { with_lock trees _base_tree; }
_base_tree()
{
	local wt=$TREES/base
	"$TOP/tools/base" >/dev/null || die "no base"
	if [ "$(git -C "$wt" rev-parse HEAD 2>/dev/null)" != \
	     "$(git --git-dir="$BASE_REPO" rev-parse "$BASE_REF^{commit}")" ]; then
		git --git-dir="$BASE_REPO" worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
		git --git-dir="$BASE_REPO" worktree prune
		git --git-dir="$BASE_REPO" worktree add -q --detach "$wt" "$BASE_REF" >&2
	fi
	echo "$wt"
}

series_tree() { with_lock trees _series_tree; }
_series_tree()
{
	local wt=$TREES/check h
	h=$(series_hash)
	if [ "$(git --git-dir="$BASE_REPO" config branch.p2pdma-check.p2pdma-hash 2>/dev/null)" != "$h" ] ||
	   [ "$(git -C "$wt" symbolic-ref --short HEAD 2>/dev/null)" != p2pdma-check ] ||
	   [ -n "$(git -C "$wt" status --porcelain --untracked-files=no)" ]; then
		# The hash is recorded only once the series applied.
		git --git-dir="$BASE_REPO" config --unset branch.p2pdma-check.p2pdma-hash 2>/dev/null || true
		P2PDMA_WORKTREE=$wt P2PDMA_SERIES_BRANCH=p2pdma-check FORCE=1 "$TOP/tools/apply" >/dev/null ||
			die "the series does not apply; see above"
		git --git-dir="$BASE_REPO" config branch.p2pdma-check.p2pdma-hash "$h"
	fi
	echo "$wt"
}

# config_val OUT SYM [UNSET]: the value of CONFIG_SYM in OUT/.config, or
# UNSET (default "n") when it is not set.
config_val()
{
	local v
	v=$(sed -n "s/^CONFIG_$2=//p" "$1/.config" 2>/dev/null || true)
	echo "${v:-${3:-n}}"
}

# in_obj OUT OBJ COMPOSITE: is OBJ (relative to OUT) part of what was
# linked, built in (the directory's built-in.a) or into module COMPOSITE?
in_obj()
{
	local out=$1 obj=$2 mod=$3 dir
	dir=$(dirname "$obj")
	{ ar t "$out/$dir/built-in.a" 2>/dev/null || true
	  [ -z "$mod" ] || cat "$out/$dir/$mod.mod" 2>/dev/null || true
	} | grep -q "\(^\|/\)$(basename "$obj")$"
}

# unmet_syms LOG: the symbols kconfig warns about in LOG.
unmet_syms()
{
	sed -n 's/.*unmet direct dependencies detected for \([A-Za-z0-9_]*\).*/\1/p' "$1" | sort -u
}

# count_lines TEXT: how many non-empty lines TEXT has.
count_lines() { printf '%s' "$1" | grep -c . || true; }

# cross_compile ARCH: its CROSS_COMPILE prefix ("" for x86_64 and i386).
cross_compile()
{
	case $1 in
	arm)	echo arm-linux-gnueabihf- ;;
	arm64)	echo aarch64-linux-gnu- ;;
	s390)	echo s390x-linux-gnu- ;;
	esac
}
# kconfig_key TREE ARCH [FILE...]: what a configuration of TREE for ARCH
# depends on, hashed: the tree's commit and changes, the tools Kconfig
# asks (compiler, assembler, linker, pahole, Rust), the calling script,
# this file and FILE...; tools/sweep and 50-kconfig keep what they got
# under it.  Fails when TREE is not the top of a git tree with a commit.
kconfig_key()
{
	local tree=$1 arch=$2 cross head top t
	shift 2
	cross=$(cross_compile "$arch")
	top=$(git -C "$tree" rev-parse --show-toplevel 2>/dev/null) && [ "$top" -ef "$tree" ] &&
		head=$(git -C "$tree" rev-parse HEAD 2>/dev/null) || return
	{
		echo "$arch $head"
		git -C "$tree" diff HEAD
		cat "$0" "$TOP/tools/lib.sh" "$@"
		for t in "${cross}gcc" "${cross}as" "${cross}ld" gcc pahole rustc bindgen; do
			{ command -v "$t" >/dev/null && "$t" --version | head -n 1; } || echo "no $t"
		done
	} | sha256sum | cut -c1-32
}

# kbuild TREE OUT ARCH [make arguments...]: make with the harness's
# compilers (ccache, cross compilers for arm, arm64 and s390) and an O=
# directory.
kbuild()
{
	local tree=$1 out=$2 arch=$3 cross
	shift 3
	cross=$(cross_compile "$arch")
	mkdir -p "$out"
	(
		# P2PDMA_CCACHE_DEPEND=1: ccache's depend mode, for builds kept
		# up to date in a directory of their own (QEMU kernels, cross
		# and randconfig builds): a miss costs the compile alone, with
		# no preprocessor run for the hash (a third of a cold build's
		# CPU time).  30-build picks the mode per step.
		[ "${P2PDMA_CCACHE_DEPEND:-}" != 1 ] || export CCACHE_DEPEND=1
		export CCACHE_BASEDIR=$CACHE
		# Only configuration targets (allmodconfig, randconfig, ...):
		# kconfig is one process, in the configuration slot (conf_make).
		local a run=pmake
		for a in "$@"; do
			case $a in -*|*=*) ;; *config) run=conf_make ;; *) run=pmake; break ;; esac
		done
		$run -C "$tree" O="$out" ARCH="$arch" \
			${cross:+CROSS_COMPILE=$cross} CC="ccache ${cross}gcc" \
			HOSTCC="ccache gcc" "$@"
	)
}

# The allmodconfig build that 30-build walks through the series and that
# 'make' builds at its tip.  ALLMOD_DIRS: every directory with a user of
# the provider API.
ALLMOD_DIRS="drivers/pci/ drivers/vfio/ drivers/dma-buf/ drivers/infiniband/hw/mlx5/"
# includers_table: "file symbol" lines of tools/includers, the other
# includers of linux/pci-p2pdma.h; includers: their files.  allmod_objs
# TREE OUT: the objects of those that TREE has and OUT's .config builds.
includers_table() { awk '!/^#/ && NF == 2' "$TOP/tools/includers"; }
includers() { includers_table | awk '{ print $1 }'; }
allmod_objs()
{
	local f sym
	[ -f "$2/.config" ] || { echo "allmod_objs: no $2/.config" >&2; return 1; }
	includers_table | while read -r f sym; do
		[ -f "$1/$f" ] && grep -q "^CONFIG_$sym=[ym]\$" "$2/.config" && echo "${f%.c}.o"
	done
	return 0
}
# WALK_TREE: the worktree the walk steps through the series in, and where
# 'make' builds the tip, so that 30-build finds 'make''s objects in
# allmod_out ARCH and ccache under the same paths (flock of
# $CACHE/locks/walk while either uses them).
WALK_TREE=$TREES/walk
allmod_out() { echo "$BUILDS/allmod-$1"; }
# allmod_build TREE OUT ARCH [keep-config]: allmodconfig without
# CONFIG_WERROR, then W=1 of ALLMOD_DIRS and allmod_objs.  keep-config:
# OUT's .config is already what allmodconfig gives for TREE (no Kconfig
# file differs from the tree it was made for).
allmod_build()
{
	local tree=$1 out=$2 arch=$3
	if [ "${4:-}" != keep-config ]; then
		kbuild "$tree" "$out" "$arch" -s allmodconfig &&
			"$tree/scripts/config" --file "$out/.config" -d WERROR &&
			kbuild "$tree" "$out" "$arch" -s olddefconfig || return
	fi
	local objs
	objs=$(allmod_objs "$tree" "$out") || return
	kbuild "$tree" "$out" "$arch" W=1 $ALLMOD_DIRS $objs
}

# Job slots.  tools/check opens one GNU make jobserver for the run: a
# pipe of one token per CPU (P2PDMA_JOBS, default nproc; P2PDMA_JOBS_FD,
# P2PDMA_JOBS_FIFO).  Every build and QEMU boot holds a slot, and make
# takes its further jobs' slots from the same pipe: checks side by side
# never run more compilers than there are CPUs.  Configuring for a build
# (one process, seconds) takes the one configuration slot instead
# (P2PDMA_CONF_FIFO, conf_make), not to wait behind a build for minutes.
# Outside tools/check, make runs with -j$(nproc); tools/sweep opens a
# jobserver of its own.
jobs_open()
{
	local n=${P2PDMA_JOBS:-$(nproc)}
	case $n in ''|*[!0-9]*|0) die "P2PDMA_JOBS must be a positive number, not '$n'" ;; esac
	# A run inside a run (17-bad-input's stand-in) shares the outer slots.
	! jobs_ok || return 0
	P2PDMA_JOBS_FIFO=$(mktemp -u "$CACHE/locks/jobs.XXXXXX")
	P2PDMA_CONF_FIFO=$P2PDMA_JOBS_FIFO.conf
	mkfifo "$P2PDMA_JOBS_FIFO" "$P2PDMA_CONF_FIFO"
	exec {P2PDMA_JOBS_FD}<>"$P2PDMA_JOBS_FIFO" {P2PDMA_CONF_FD}<>"$P2PDMA_CONF_FIFO"
	export P2PDMA_JOBS_FD P2PDMA_JOBS_FIFO P2PDMA_CONF_FD P2PDMA_CONF_FIFO \
		P2PDMA_JOBS=$n P2PDMA_JOBS_OWNER=$BASHPID
	jobs_refill
}
# jobs_close: remove the pipes' names (the owner, at the end of the run).
jobs_close()
{
	[ "${P2PDMA_JOBS_OWNER:-}" != "$BASHPID" ] || rm -f "$P2PDMA_JOBS_FIFO" "$P2PDMA_CONF_FIFO"
}
# jobs_refill: put every token back, for when nothing runs.
jobs_refill()
{
	local t
	[ "${P2PDMA_JOBS_OWNER:-}" = "$BASHPID" ] || return 0
	while read -r -t 0.1 -n 1 -u "$P2PDMA_JOBS_FD" t; do :; done
	while read -r -t 0.1 -n 1 -u "$P2PDMA_CONF_FD" t; do :; done
	printf "%${P2PDMA_JOBS}s" "" | tr ' ' + >&"$P2PDMA_JOBS_FD"
	printf + >&"$P2PDMA_CONF_FD"
}
# jobs_topup: a check was killed and may have taken slots along: give back
# as many as there are, rather than let the rest of the run wait for them
# (at worst it runs more jobs than CPUs until jobs_refill).
jobs_topup()
{
	[ "${P2PDMA_JOBS_OWNER:-}" = "$BASHPID" ] || return 0
	printf "%${P2PDMA_JOBS}s" "" | tr ' ' + >&"$P2PDMA_JOBS_FD"
	printf + >&"$P2PDMA_CONF_FD"
}
jobs_ok() { [ -n "${P2PDMA_JOBS_FD:-}" ] && [ -p "${P2PDMA_JOBS_FIFO:-}" ] && [ -p "${P2PDMA_CONF_FIFO:-}" ] && { true >&"$P2PDMA_JOBS_FD"; } 2>/dev/null; }
# with_slot COMMAND...: run COMMAND in one job slot, once one is free.  The
# token is read through a descriptor of its own, which blocks as make's
# own reads do (make makes the shared one non-blocking): waiting in line
# with make's jobs rather than polling behind them.
with_slot() { _slot "${P2PDMA_JOBS_FIFO:-}" "${P2PDMA_JOBS_FD:-}" "$@"; }
# with_conf_slot COMMAND...: the same with the configuration slot.
with_conf_slot() { _slot "${P2PDMA_CONF_FIFO:-}" "${P2PDMA_CONF_FD:-}" "$@"; }
_slot()
{
	local _slot_fifo=$1 _slot_fd=$2 _slot_t= _slot_rc=0
	shift 2
	jobs_ok || { "$@"; return; }
	until [ -n "$_slot_t" ]; do
		# (The run ended under us: no slots to wait for.)
		[ -p "$_slot_fifo" ] || { "$@"; return; }
		read -r -n 1 _slot_t <"$_slot_fifo" || sleep 0.1
	done
	"$@" || _slot_rc=$?
	printf %s "$_slot_t" >&"$_slot_fd"
	return $_slot_rc
}
# conf_make ARGS...: make of configuration targets, in the configuration
# slot of the run.  With CONF_IN_JOB_SLOT=1, in a job slot: the sweep and
# 50-kconfig configure for minutes in a row, and in the configuration
# slot they would run a third process beside two builds and keep the
# builds' own configurations waiting.
conf_make()
{
	if [ "${CONF_IN_JOB_SLOT:-}" = 1 ]; then
		MAKEFLAGS= with_slot make "$@"
	else
		MAKEFLAGS= with_conf_slot make "$@"
	fi
}
# pmake ARGS...: make in the run's slots, or with -j$(nproc) outside a run.
pmake()
{
	if jobs_ok; then
		MAKEFLAGS=" -j$P2PDMA_JOBS --jobserver-auth=$P2PDMA_JOBS_FD,$P2PDMA_JOBS_FD" \
			with_slot make "$@"
	else
		make -j"$(nproc)" "$@"
	fi
}

# Where checks leave their logs.
result_file() { mkdir -p "$RESULTS"; echo "$RESULTS/$1"; }
# Records, the tables a check measured (tools/report says what becomes of
# them): "record NAME COLUMN..." starts $RESULTS/records/NAME.tsv with its
# column names, "row NAME VALUE..." adds a row, fields joined by tabs.  A
# column named @... holds a figure of this run only (a time, a seed).
# NAME.run says which run of tools/check wrote it (P2PDMA_RUN, "-" when
# the check ran alone).
declare -A RECORD_COLS=()
record()
{
	mkdir -p "$RESULTS/records"
	(IFS=$'\t'; printf '%s\n' "${*:2}") >"$RESULTS/records/$1.tsv"
	printf '%s\n' "${P2PDMA_RUN:--}" >"$RESULTS/records/$1.run"
	RECORD_COLS[$1]=$(($# - 1))
}
row()
{
	local name=$1 v cols
	shift
	for v in "$@"; do
		case $v in *$'\t'*|*$'\n'*) die "row $name: a tab or newline in '$v'" ;; esac
	done
	cols=${RECORD_COLS[$name]:-}
	[ -n "$cols" ] || die "row $name: no 'record $name' before it"
	[ "$#" = "$cols" ] || die "row $name: $# values for $cols columns: $*"
	(IFS=$'\t'; printf '%s\n' "$*") >>"$RESULTS/records/$name.tsv"
}
# show NAME: the record as a table, in the log.
show()
{
	local t
	t=$(python3 "$TOP/tools/report" show "$RESULTS/records/$1.tsv")
	printf '%s\n' "$t" | note
}
# report_results PREFIX COMMAND: the results tools/report COMMAND prints
# ("ok ...", "not ok ... # why", a diff indented), each named PREFIX:
# ...; another line, or an exit status without a failed result, fails.
report_results()
{
	local out rc=0 line before=$NFAILED
	out=$(python3 "$TOP/tools/report" "$2" 2>&1) || rc=$?
	while IFS= read -r line; do
		case $line in
		"")		;;
		"ok "*)		ok "$1: ${line#ok }" ;;
		"not ok "*)	line=${line#not ok }; fail "$1: ${line%% # *}" "${line#* # }" ;;
		" "*)		echo "#$line" ;;
		*)		fail "$1: tools/report $2" "$line" ;;
		esac
	done <<<"$out"
	[ "$rc" = 0 ] || [ "$NFAILED" != "$before" ] || fail "$1: tools/report $2" "exit status $rc"
}

mkdir -p "$CACHE" "$TREES" "$BUILDS"
