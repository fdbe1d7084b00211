# SPDX-License-Identifier: GPL-2.0
# Shared by tools/qemu/* and tools/checks/9*: the kernels they build and
# boot, and what each must look like.  Source it after tools/lib.sh.

QEMU_DIR=$TOP/tools/qemu
QEMU_TREE=$TREES/qemu		# one worktree for base and series builds
QEMU_LOCK=$TREES/qemu.lock

# The kernels, their use, fragments, /init arguments, titles and
# expectations: tools/qemu/kernels, one line each.
# kernel_field KERNEL FIELD: that field of KERNEL's line, "" when it has
# none (no such kernel, or an empty field); KERNEL "*": "K VALUE" for each
# kernel, in the file's order.
kernel_field()
{
	awk -F'|' -v k="$1" -v f="$2" '
		function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
		/^#/ || NF < 2 { next }
		!head { for (i = 1; i <= NF; i++) col[trim($i)] = i; head = 1; next }
		!(f in col) { exit }
		k == "*" { print trim($1), trim($col[f]); next }
		trim($1) == k { print trim($col[f]); exit }' "$QEMU_DIR/kernels"
}
# kernels_for USE...: the kernels of those uses, in the file's order.
kernels_for()
{
	kernel_field '*' use | awk -v uses=" $* " 'index(uses, " " $2 " ") { printf "%s%s", sep, $1; sep = " " }
		END { print "" }'
}
QEMU_KERNELS=$(kernels_for boot boot-series size)
QEMU_CONFIG_KERNELS=$(kernels_for config)
QEMU_BOOT_KERNELS=${P2PDMA_QEMU_KERNELS:-$(kernels_for boot boot-series)}
QEMU_BASE_ON_DEMAND=$(kernels_for boot-series)
base_on_demand() { case " $QEMU_BASE_ON_DEMAND " in *" $1 "*) return 0 ;; esac; return 1; }
kernel_arch() { kernel_field "$1" arch; }
kernel_title() { kernel_field "$1" title; }
kernel_init_args() { kernel_field "$1" init; }
kernel_fragments()
{
	local f
	f=$(kernel_field "$1" fragments)
	[ -n "$f" ] || die "no kernel '$1' in tools/qemu/kernels"
	echo "$f"
}
# kernel_expect KERNEL SIDE: the expect field; the base has no
# PCI_P2PDMA_CORE.
kernel_expect()
{
	local all
	all=$(kernel_field "$1" expect)
	if [ "$2" = base ]; then echo $all '!PCI_P2PDMA_CORE'; else echo $all; fi
}

# Build directory.  Series kernels built with P2PDMA_QEMU_SERIES_PATCH (see
# tools/qemu/kernel) get their own, so that the real ones stay incremental.
side_tag()
{
	if [ "$1" = series ] && [ -n "${P2PDMA_QEMU_SERIES_PATCH:-}" ]; then
		echo series-patched
	else
		echo "$1"
	fi
}
kernel_out() { echo "$BUILDS/qemu-$1-$(side_tag "$2")"; }

# The console log of a boot, in $RESULTS/logs/qemu.  Boots with
# P2PDMA_QEMU_EXTRA (QEMU arguments added on purpose, e.g. by
# 96-qemu-faults) get their own.
console_log() { echo "$RESULTS/logs/qemu/$1-$(side_tag "$2")${P2PDMA_QEMU_EXTRA:+-extra}.log"; }

# kernel_seed KERNEL SIDE: the build directory a new one starts as a copy
# of.  Kbuild then rebuilds only what the difference -- the series, or a
# few Kconfig symbols -- touches: every object records the CONFIG_ symbols
# and headers it depends on.  Without a seed, every file would at least be
# preprocessed again for ccache, as a different autoconf.h defeats its
# direct mode.
kernel_seed()
{
	if [ "$(side_tag "$2")" = series-patched ]; then
		P2PDMA_QEMU_SERIES_PATCH= kernel_out "$1" series
	elif [ "$1" = n ]; then
		# (a) of the same side: what (n) drops touches few objects,
		# while the series touches every includer of pci.h.
		kernel_out a "$2"
	elif [ "$2" = series ]; then
		kernel_out "$1" base
	elif base_on_demand "$1"; then
		# Built after its series side, when that failed.
		kernel_out "$1" series
	fi
}

side_rev()
{
	local st
	case $1 in
	base)	git --git-dir="$BASE_REPO" rev-parse "$BASE_REF^{commit}" ;;
	# (An assignment, not an argument: a failing series_tree stops here.)
	series)	st=$(series_tree); git -C "$st" rev-parse HEAD ;;
	*)	die "side must be base or series, not '$1'" ;;
	esac
}

# Which accelerator QEMU gets: TCG unless P2PDMA_QEMU_ACCEL=kvm and
# /dev/kvm is usable.  Not KVM by default: on the machines this runs on
# /dev/kvm exists (nested), but with QEMU 7.2 "-cpu host" aborts at once
# (failed to set MSR 0x10a, ARCH_CAPABILITIES), and "-cpu host" or "max"
# without arch-capabilities, or the default qemu64, print nothing in 15 s
# (2026-11-27), while TCG boots these tiny kernels in seconds.
qemu_accel()
{
	if [ "${P2PDMA_QEMU_ACCEL:-tcg}" = kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		echo kvm
	else
		echo tcg
	fi
}

# tools/packages; rsync: make headers_install needs it.
QEMU_PKGS=$(pkgs qemu)

# qemu_setup: set QEMU, the command that boots the guests, and QEMU_IGB, 1
# when that QEMU has the igb device that vfio_pci_driver_test drives (QEMU
# 8.0 added it), else the reason it has not.  The system's QEMU when it has
# igb; else, on Debian, qemu-system-x86 of the release's backports suite,
# fetched with apt (signatures checked against the system's keyring) and
# unpacked into $CACHE/tools/qemu, not installed: with its firmware
# directories first on the search path (-L); else the system's without igb.
# P2PDMA_MIRROR, as for tools/base, names another Debian mirror.
qemu_setup()
{
	local dir=$CACHE/tools/qemu bin err
	bin=$(command -v qemu-system-x86_64) || die "no qemu-system-x86_64"
	QEMU=("$bin") QEMU_IGB=1
	_qemu_has_igb && return 0
	QEMU_IGB="$("$bin" --version | sed -n '1s/ (.*//p') has no igb device (QEMU 8.0 added it)"
	if ! with_lock qemu _qemu_fetch; then
		QEMU_IGB="$QEMU_IGB, and none could be fetched from the backports (see $CACHE/apt-qemu; tried again an hour after the last try)"
		return 0
	fi
	QEMU=("$dir/usr/bin/qemu-system-x86_64" -L "$dir/usr/share/seabios" -L "$dir/usr/share/qemu")
	if _qemu_has_igb; then
		QEMU_IGB=1
		return 0
	fi
	err=$("${QEMU[@]}" -machine none -device igb,help 2>&1 >/dev/null | head -n 1)
	QEMU=("$bin")
	QEMU_IGB="$QEMU_IGB, and the one fetched into $dir does not run it${err:+: $err}"
}
# (It exits 0 whether the device exists or not.)
_qemu_has_igb() { "${QEMU[@]}" -machine none -device igb,help 2>/dev/null | grep -q '^igb options'; }
_qemu_fetch()
{
	local dir=$CACHE/tools/qemu suite pkgs="qemu-system-x86 qemu-system-data seabios" p
	[ ! -x "$dir/usr/bin/qemu-system-x86_64" ] || return 0
	# A failed fetch is not tried again by every boot of this run.
	[ -z "$(find "$dir.failed" -mmin -60 2>/dev/null)" ] || return 1
	suite=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
	if [ -z "$suite" ] || ! command -v apt-get >/dev/null; then
		: >"$dir.failed"
		return 1
	fi
	info "fetching $pkgs from $suite-backports (the system's QEMU has no igb)"
	rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
	if ! apt_private qemu "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${P2PDMA_MIRROR:-http://deb.debian.org/debian} $suite-backports main" ||
	   ! (cd "$dir.tmp" && apt-get "${APT_OPTS[@]}" -q -t "$suite-backports" download $pkgs) >"$CACHE/apt-qemu/download.log" 2>&1; then
		rm -rf "$dir.tmp"
		: >"$dir.failed"
		return 1
	fi
	for p in "$dir.tmp"/*.deb; do
		dpkg-deb -x "$p" "$dir.tmp/root" || { rm -rf "$dir.tmp"; : >"$dir.failed"; return 1; }
	done
	ls "$dir.tmp"/*.deb | sed 's|.*/||' >"$dir.tmp/root/debs"
	{ rm -rf "$dir" && mv "$dir.tmp/root" "$dir" && rm -rf "$dir.tmp" "$dir.failed"; } ||
		{ rm -rf "$dir" "$dir.tmp"; return 1; }
}
