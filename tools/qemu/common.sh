# SPDX-License-Identifier: GPL-2.0
# Shared by tools/qemu/* and tools/checks/9*: the kernels they build and
# boot, and what each must look like.  Source it after tools/lib.sh.

QEMU_DIR=$TOP/tools/qemu
QEMU_TREE=$TREES/qemu		# one worktree for base and series builds
QEMU_LOCK=$TREES/qemu.lock

# The kernels.  Each one is built from the base and from the series with
# the same fragments: the kernel's own tiny configs, then these files of
# tools/qemu/ in this order, resolved with allnoconfig.
#
#   a  i386, no ZONE_DEVICE, vfio-pci (modules, as everywhere), no-IOMMU mode
#   b  x86_64, ZONE_DEVICE + PCI_P2PDMA, vfio-pci, intel-iommu, iommufd
#   c  x86_64 without ZONE_DEVICE, vfio-pci, intel-iommu, iommufd
#   d  (b) with KASAN, PROVE_LOCKING, PROVE_RCU and kmemleak
#   e  (b) without DMABUF_HEAPS: vfio-pci and PCI_P2PDMA with no other
#      DMA_SHARED_BUFFER user, so no DMABUF export on either side -- the
#      configuration the standalone patch in standalone/ fixes; only
#      configured, not built (building it would cost two more kernels)
#   n  x86_64 with neither vfio nor PCI_P2PDMA, (c) otherwise; size only
QEMU_KERNELS="a b c d n"
QEMU_CONFIG_KERNELS="e"
QEMU_BOOT_KERNELS=${P2PDMA_QEMU_KERNELS:-a b c d}
# Kernels whose base side is built and booted only when their series side
# fails in 91-qemu-run, to tell whether the base fails the same way: (d),
# which is there for its sanitizers on the series' code.  The base rows of
# the others are part of what the tables compare (the stub against the
# real provider set-up, the selftests of both sides, the sizes).
QEMU_BASE_ON_DEMAND="d"
base_on_demand() { case " $QEMU_BASE_ON_DEMAND " in *" $1 "*) return 0 ;; esac; return 1; }

kernel_arch()
{
	case $1 in
	a) echo i386 ;;
	*) echo x86_64 ;;
	esac
}

kernel_fragments()
{
	case $1 in
	a) echo common vfio i386 ;;
	b) echo common x86_64 vfio vfio-iommu p2pdma ;;
	c) echo common x86_64 vfio vfio-iommu ;;
	d) echo common x86_64 vfio vfio-iommu p2pdma debug ;;
	e) echo common x86_64 vfio vfio-iommu p2pdma no-dmabuf-heaps ;;
	n) echo common x86_64 ;;
	*) die "no kernel '$1'" ;;
	esac
}

kernel_title()
{
	case $1 in
	a) echo "(a) i386 vfio, no ZONE_DEVICE" ;;
	b) echo "(b) x86_64 PCI_P2PDMA vfio" ;;
	c) echo "(c) x86_64 vfio, no ZONE_DEVICE" ;;
	d) echo "(d) (b)+KASAN,lockdep,kmemleak" ;;
	e) echo "(e) (b) w/o other dma-buf user" ;;
	n) echo "(n) x86_64 without vfio, P2PDMA" ;;
	esac
}

# kernel_expect KERNEL SIDE: symbols the resolved .config must have (SYM=y)
# or lack (!SYM), on top of every line of the fragments.  The base has no
# PCI_P2PDMA_CORE; with the series, tools/qemu/kernel also holds the
# .config against tools/rules, which sets it wherever VFIO_PCI_CORE is.
kernel_expect()
{
	local all=
	case $1 in
	a) all="VFIO_PCI=m VFIO_PCI_CORE=m VFIO_NOIOMMU=y !64BIT !ZONE_DEVICE !PCI_P2PDMA !VFIO_PCI_DMABUF" ;;
	b|d) all="VFIO_PCI=m VFIO_PCI_CORE=m ZONE_DEVICE=y PCI_P2PDMA=y INTEL_IOMMU=y IOMMUFD=y VFIO_DEVICE_CDEV=y DMA_SHARED_BUFFER=y VFIO_PCI_DMABUF=y"
	   [ "$1" = d ] && all="$all KASAN=y PROVE_LOCKING=y PROVE_RCU=y DEBUG_KMEMLEAK=y" ;;
	c) all="VFIO_PCI=m VFIO_PCI_CORE=m INTEL_IOMMU=y IOMMUFD=y VFIO_DEVICE_CDEV=y !ZONE_DEVICE !PCI_P2PDMA !VFIO_PCI_DMABUF" ;;
	e) all="VFIO_PCI=m VFIO_PCI_CORE=m ZONE_DEVICE=y PCI_P2PDMA=y !DMABUF_HEAPS !DMA_SHARED_BUFFER !VFIO_PCI_DMABUF" ;;
	n) all="!VFIO !VFIO_PCI !PCI_P2PDMA !PCI_P2PDMA_CORE !ZONE_DEVICE !DMA_SHARED_BUFFER" ;;
	esac
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
		# (c) of the same side: what (n) drops touches few objects,
		# while the series touches every includer of pci.h.
		kernel_out c "$2"
	elif [ "$2" = series ]; then
		kernel_out "$1" base
	elif base_on_demand "$1"; then
		# Built after its series side, when that failed.
		kernel_out "$1" series
	fi
}

# Arguments for /init (tools/qemu/init.c).  The VFIO selftests take more
# than three minutes per boot on the KASAN/lockdep kernel under TCG, and
# the series changes nothing most of them exercise (they never rebind the
# device): they run on (b) and (c); (d) runs only the DMA_BUF test.
# vfio_pci_driver_test on igb (igb=VARIANT, see tools/qemu/run) runs on
# (b) only and in one IOMMU mode: each of its cases maps and pins 1 GiB,
# about 6 s under TCG, so that all five modes take 260 s per boot; what it
# exercises besides binding the device, the series does not change.
#
# p2p=1: vfio_pci_dmabuf_test exports ivshmem's RAM BAR and igb copies
# through the DMABUF, on the kernels with the export on both sides.
kernel_init_args()
{
	case $1 in
	b) echo igb=iommufd p2p=1 ;;
	d) echo selftests=vfio_pci_dmabuf_test p2p=1 ;;
	esac
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
