// SPDX-License-Identifier: GPL-2.0
/*
 * Linked into the VFIO selftests by tools/qemu/initramfs, with
 * -Wl,--wrap=poll.  The kselftest harness waits for each test case with
 * poll(2) on the case's pidfd, as long as the case's timeout: 30 s, or
 * what the test sets with TEST_F_TIMEOUT().  Those limits are made for
 * hardware.  Under TCG on a slow or busy machine, a case that maps and
 * pins 1 GiB (vfio_pci_driver_test) can need more, and then the harness
 * kills it and the cases after it find the device still bound.  This
 * poll() waits TIMEOUT_FACTOR times as long.  A hang still ends in the
 * harness's "Test terminated by timeout", and the boot's own limit
 * (P2PDMA_QEMU_TIMEOUT, tools/qemu/run) stays.
 */
#include <limits.h>
#include <poll.h>

#define TIMEOUT_FACTOR 5

int __real_poll(struct pollfd *fds, nfds_t nfds, int timeout);
int __wrap_poll(struct pollfd *fds, nfds_t nfds, int timeout);

int __wrap_poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	if (timeout > 0)
		timeout = timeout > INT_MAX / TIMEOUT_FACTOR ?
			  INT_MAX : timeout * TIMEOUT_FACTOR;
	return __real_poll(fds, nfds, timeout);
}
