// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the initramfs that tools/qemu/run boots.  It drives QEMU's "edu"
 * PCI device (1234:11e8) through vfio-pci and tells the host what it found
 * through QEMU's isa-debug-exit device: QEMU exits with (v << 1) | 1, where
 * v is made of the bits below.  Built against the kernel tree's nolibc and
 * UAPI headers: no libc, the same source for i386 and x86_64.
 *
 * Errors (must be 0):
 *   E_BAR      binding, opening the device or its BAR0 registers were wrong
 *   E_REBIND   an unbind/bind cycle or an open in between failed, or the
 *              pci_p2pdma_release devres action was not added and released
 *              exactly once per bind (when it appears at all)
 *   E_SELFTEST a VFIO selftest failed
 *   E_SPLAT    the kernel log had a warning, BUG, KASAN, lockdep or RCU
 *              report, or kmemleak found unreferenced objects
 * Facts (the host knows what each kernel should have):
 *   F_DMABUF   VFIO_DEVICE_FEATURE_DMA_BUF is supported (PROBE|GET)
 *   F_EXPORT   BAR0 was exported as a DMABUF (an fd) and, with iommufd,
 *              mapped into an IOAS from that fd (IOMMU_IOAS_MAP_FILE); the
 *              data path through it is vfio_pci_dmabuf_test's (p2p=1)
 *   F_P2PCORE  every bind added pci_p2pdma_release, every unbind ran it:
 *              pcim_p2pdma_init() is real code, not the stub
 *
 * Arguments (kernel command line after "--"): cycles=N (rebind cycles,
 * default 50), open_every=N (open the device, check BAR0 and, where
 * supported, export a DMABUF every N cycles, default 5), selftests=0 (do
 * not run the selftests), selftests=NAME (run only the selftest NAME),
 * igb=VARIANT (run vfio_pci_driver_test on the igb NIC, 8086:10c9, in
 * that IOMMU mode only: libvfio has a driver for igb, none for edu),
 * p2p=1 (run vfio_pci_dmabuf_test on ivshmem-plain, 1af4:1110, whose BAR2
 * is RAM, with igb's address as the second one: igb copies to and from
 * that BAR through the DMABUF).  Executables in /selftests are run with
 * edu's address otherwise, in the order of /selftests/list.
 * The modules in /modules (vfio-pci, see tools/qemu/vfio.config) are
 * loaded first; one that does not load counts as E_BAR.
 */
#include <linux/vfio.h>
#include <linux/iommufd.h>

#define E_BAR		(1 << 0)
#define E_REBIND	(1 << 1)
#define E_SELFTEST	(1 << 2)
#define E_SPLAT		(1 << 3)
#define F_DMABUF	(1 << 4)
#define F_EXPORT	(1 << 5)
#define F_P2PCORE	(1 << 6)

#define EDU_ID		0x010000edu	/* BAR0 0x00: version 1.0 */

static unsigned int verdict;
static char bdf[32];
static char igb_bdf[32];
static const char *igb_variant;
static char ivshmem_bdf[32];
static int p2p;
static char devdir[96];
static int kmsg = -1, kmsg_w = -1;
static int devres_add, devres_rel, splats;

/*
 * Our lines go into the kernel log, so that the console never has them
 * cut by a kernel message: "[   1.234567] p2ptest: ...".
 */
static __attribute__((format(printf, 1, 2))) void say(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "%sp2ptest: ", kmsg_w >= 0 ? "<5>" : "");
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* One write, one record. */
	write(kmsg_w >= 0 ? kmsg_w : 1, line, n);
}

static void report(unsigned int v)
{
	say("verdict 0x%x", v);
	/*
	 * The serial console prints from a kernel thread: give it time to
	 * catch up before QEMU goes, or the end of the log is lost.
	 */
	sleep(2);
	/* isa-debug-exit at 0xf4: QEMU exits with status (v << 1) | 1 */
	if (syscall(__NR_ioperm, 0xf4, 4, 1) == 0)
		__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"((unsigned short)0xf4));
	say("isa-debug-exit did not stop QEMU; powering off");
	reboot(LINUX_REBOOT_CMD_POWER_OFF);
	for (;;)
		sleep(1000);
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	int ret;

	if (fd < 0)
		return -1;
	ret = write(fd, s, strlen(s));
	close(fd);
	return ret == (int)strlen(s) ? 0 : -1;
}

static int read_file(const char *path, char *buf, int size)
{
	int fd = open(path, O_RDONLY);
	int n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return n;
}

/* Where the time goes, on slow (TCG, KASAN) runs. */
static void step(const char *what)
{
	char up[64], *sp;

	if (read_file("/proc/uptime", up, sizeof(up)) <= 0)
		return;
	sp = strchr(up, ' ');
	if (sp)
		*sp = 0;
	say("time %s s: %s", up, what);
}

static unsigned long read_hex(const char *path)
{
	char buf[32];

	if (read_file(path, buf, sizeof(buf)) < 0)
		return ~0UL;
	return strtoul(buf, NULL, 16);
}

/*
 * The kernel log, read from /dev/kmsg as it grows: count the devres
 * records of pcim_p2pdma_init()'s release action and look for splats.
 */
static const char *const splat_words[] = {
	"WARNING:", "BUG:", "KASAN:", "UBSAN:", "Oops", "general protection",
	"possible circular locking", "possible recursive locking",
	"inconsistent lock state", "suspicious RCU usage",
	"unreferenced object", "Call Trace:", "kmemleak: Cannot", NULL,
};

static void drain_kmsg(void)
{
	static char rec[2048];
	const char *msg;
	int n, i;

	if (kmsg < 0)
		return;
	for (;;) {
		n = read(kmsg, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE) {
			say("kernel log overran while being read");
			verdict |= E_REBIND;
			continue;
		}
		if (n <= 0)
			return;
		rec[n] = 0;
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		if (strstr(msg, "pci_p2pdma_release")) {
			if (strstr(msg, "DEVRES ADD"))
				devres_add++;
			else if (strstr(msg, "DEVRES REL"))
				devres_rel++;
		}
		for (i = 0; splat_words[i]; i++) {
			if (strstr(msg, splat_words[i])) {
				splats++;
				break;
			}
		}
	}
}

/* nolibc has readdir_r() only. */
static struct dirent *next_entry(DIR *d)
{
	static struct dirent ent;
	struct dirent *res;

	if (readdir_r(d, &ent, &res) || !res)
		return NULL;
	return res;
}

/*
 * Load every module in /modules, in passes until a pass loads none: a
 * module whose dependencies are not in yet fails and is tried again in
 * the next pass, so that no order needs to be known.
 */
static void load_modules(void)
{
	static char names[16][64];
	int n = 0, loaded, i, fd, err = 0;
	struct dirent *e;
	char path[96];
	DIR *d;

	d = opendir("/modules");
	if (!d)
		return;
	while ((e = next_entry(d)) && n < 16)
		if (strlen(e->d_name) > 3 && strlen(e->d_name) < sizeof(names[0]) &&
		    !strcmp(e->d_name + strlen(e->d_name) - 3, ".ko"))
			strcpy(names[n++], e->d_name);
	closedir(d);
	do {
		loaded = 0;
		for (i = 0; i < n; i++) {
			if (!names[i][0])
				continue;
			snprintf(path, sizeof(path), "/modules/%s", names[i]);
			fd = open(path, O_RDONLY);
			if (fd >= 0 && !syscall(__NR_finit_module, fd, "", 0)) {
				names[i][0] = 0;
				loaded++;
			} else {
				err = errno;
			}
			if (fd >= 0)
				close(fd);
		}
	} while (loaded);
	for (i = 0, loaded = 0; i < n; i++) {
		if (names[i][0]) {
			say("module %s: cannot load it (errno %d)", names[i], err);
			verdict |= E_BAR;
		} else {
			loaded++;
		}
	}
	say("modules: %d of %d loaded", loaded, n);
}

/* The address of the first PCI device VENDOR:DEVICE into OUT. */
static int find_pci(unsigned int vendor, unsigned int device, char *out, size_t size)
{
	struct dirent *de;
	char path[128];
	DIR *d = opendir("/sys/bus/pci/devices");

	if (!d)
		return -1;
	while ((de = next_entry(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", de->d_name);
		if (read_hex(path) != vendor)
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device", de->d_name);
		if (read_hex(path) != device)
			continue;
		snprintf(out, size, "%s", de->d_name);
		closedir(d);
		return 0;
	}
	closedir(d);
	return -1;
}

static int find_edu(void)
{
	if (find_pci(0x1234, 0x11e8, bdf, sizeof(bdf)))
		return -1;
	snprintf(devdir, sizeof(devdir), "/sys/bus/pci/devices/%s", bdf);
	return 0;
}

/*
 * Bind the first VENDOR:DEVICE, NAME, to vfio-pci (the guest has no driver
 * for it), its address into OUT; OUT is empty if there is none or binding
 * failed, the latter an E_SELFTEST.
 */
static void bind_other(const char *name, unsigned int vendor, unsigned int device,
		       char *out, size_t size)
{
	char path[128], link[128];

	if (find_pci(vendor, device, out, size)) {
		say("no %s device (%04x:%04x)", name, vendor, device);
		out[0] = 0;
		return;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", out);
	write_file(path, "vfio-pci");
	write_file("/sys/bus/pci/drivers_probe", out);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", out);
	memset(link, 0, sizeof(link));
	if (readlink(path, link, sizeof(link) - 1) < 0 || !strstr(link, "/vfio-pci")) {
		say("%s at %s: binding to vfio-pci failed", name, out);
		verdict |= E_SELFTEST;
		out[0] = 0;
		return;
	}
	/* What VFIO_DEVICE_RESET would do: "bus" is a secondary bus reset. */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/reset_method", out);
	memset(link, 0, sizeof(link));
	if (read_file(path, link, sizeof(link)) <= 0)
		strcpy(link, "none");
	say("%s at %s, bound to vfio-pci, reset_method %s", name, out, link);
}

static int driver_is(const char *name)
{
	char path[128], link[128];
	const char *base;
	int n;

	snprintf(path, sizeof(path), "%s/driver", devdir);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return name == NULL;
	link[n] = 0;
	base = strrchr(link, '/');
	base = base ? base + 1 : link;
	return name && !strcmp(base, name);
}

static int bind_vfio(int use_probe)
{
	char path[128];

	if (use_probe)
		write_file("/sys/bus/pci/drivers_probe", bdf);
	else
		write_file("/sys/bus/pci/drivers/vfio-pci/bind", bdf);
	(void)path;
	return driver_is("vfio-pci") ? 0 : -1;
}

static int unbind(void)
{
	write_file("/sys/bus/pci/drivers/vfio-pci/unbind", bdf);
	return driver_is(NULL) ? 0 : -1;
}

/* An open VFIO device and what holds it open. */
struct vdev {
	int fd, group, container, iommufd;
	unsigned int ioas;
	const char *how;
};

static void vdev_close(struct vdev *v)
{
	if (v->fd >= 0)
		close(v->fd);
	if (v->group >= 0)
		close(v->group);
	if (v->container >= 0)
		close(v->container);
	if (v->iommufd >= 0)
		close(v->iommufd);
	v->fd = v->group = v->container = v->iommufd = -1;
}

/* /dev/vfio/devices/vfioN bound to a fresh iommufd IOAS. */
static int open_cdev(struct vdev *v)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	char path[128];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/vfio-dev", devdir);
	d = opendir(path);
	if (!d)
		return -1;
	path[0] = 0;
	while ((de = next_entry(d)))
		if (!strncmp(de->d_name, "vfio", 4))
			snprintf(path, sizeof(path), "/dev/vfio/devices/%s", de->d_name);
	closedir(d);
	if (!path[0])
		return -1;

	v->how = "cdev+iommufd";
	v->iommufd = open("/dev/iommu", O_RDWR);
	v->fd = open(path, O_RDWR);
	if (v->iommufd < 0 || v->fd < 0) {
		say("open %s or /dev/iommu: errno %d", path, errno);
		return -1;
	}
	bind.iommufd = v->iommufd;
	if (ioctl(v->fd, VFIO_DEVICE_BIND_IOMMUFD, &bind)) {
		say("VFIO_DEVICE_BIND_IOMMUFD: errno %d", errno);
		return -1;
	}
	if (ioctl(v->iommufd, IOMMU_IOAS_ALLOC, &alloc)) {
		say("IOMMU_IOAS_ALLOC: errno %d", errno);
		return -1;
	}
	v->ioas = alloc.out_ioas_id;
	attach.pt_id = v->ioas;
	if (ioctl(v->fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach)) {
		say("VFIO_DEVICE_ATTACH_IOMMUFD_PT: errno %d", errno);
		return -1;
	}
	return 0;
}

/* /dev/vfio/N (type1) or /dev/vfio/noiommu-N through /dev/vfio/vfio. */
static int open_group(struct vdev *v)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[128], link[128], node[64];
	const char *grp;
	int n, type;

	snprintf(path, sizeof(path), "%s/iommu_group", devdir);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		say("%s: no iommu_group", bdf);
		return -1;
	}
	link[n] = 0;
	grp = strrchr(link, '/') + 1;
	snprintf(node, sizeof(node), "/dev/vfio/%s", grp);
	type = VFIO_TYPE1v2_IOMMU;
	v->how = "group+type1";
	v->group = open(node, O_RDWR);
	if (v->group < 0) {
		snprintf(node, sizeof(node), "/dev/vfio/noiommu-%s", grp);
		type = VFIO_NOIOMMU_IOMMU;
		v->how = "group+noiommu";
		v->group = open(node, O_RDWR);
	}
	v->container = open("/dev/vfio/vfio", O_RDWR);
	if (v->group < 0 || v->container < 0) {
		say("open %s or /dev/vfio/vfio: errno %d", node, errno);
		return -1;
	}
	if (ioctl(v->group, VFIO_GROUP_GET_STATUS, &status) ||
	    !(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		say("%s: group not viable", node);
		return -1;
	}
	if (ioctl(v->group, VFIO_GROUP_SET_CONTAINER, &v->container) ||
	    ioctl(v->container, VFIO_SET_IOMMU, type)) {
		say("%s: setting up the container: errno %d", node, errno);
		return -1;
	}
	v->fd = ioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (v->fd < 0) {
		say("VFIO_GROUP_GET_DEVICE_FD: errno %d", errno);
		return -1;
	}
	return 0;
}

/* Open the device (alternating cdev and group where both exist), check
 * BAR0 through an mmap of it. */
static int open_and_check(struct vdev *v, int nth)
{
	struct vfio_region_info reg = { .argsz = sizeof(reg) };
	volatile unsigned int *bar;
	unsigned int id, inv;
	int ret;

	v->fd = v->group = v->container = v->iommufd = -1;
	v->how = "?";
	if (access("/dev/iommu", F_OK) == 0 && nth % 2 == 0)
		ret = open_cdev(v);
	else
		ret = open_group(v);
	if (ret)
		goto fail;

	reg.index = VFIO_PCI_BAR0_REGION_INDEX;
	if (ioctl(v->fd, VFIO_DEVICE_GET_REGION_INFO, &reg)) {
		say("VFIO_DEVICE_GET_REGION_INFO: errno %d", errno);
		goto fail;
	}
	if (!(reg.flags & VFIO_REGION_INFO_FLAG_MMAP) || reg.size < 4096) {
		say("BAR0: flags 0x%x size 0x%llx, not mmappable", reg.flags,
		    (unsigned long long)reg.size);
		goto fail;
	}
	bar = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, reg.offset);
	if (bar == MAP_FAILED) {
		say("mmap BAR0: errno %d", errno);
		goto fail;
	}
	id = bar[0];
	bar[1] = 0x12345678 + nth;
	inv = bar[1];
	munmap((void *)bar, 4096);
	if (id != EDU_ID || inv != ~(0x12345678u + nth)) {
		say("BAR0 via %s: id 0x%x (want 0x%x), liveness 0x%x (want 0x%x)",
		    v->how, id, EDU_ID, inv, ~(0x12345678u + nth));
		goto fail;
	}
	if (nth == 0)
		say("BAR0 via %s: size 0x%llx, id 0x%x, liveness ok", v->how,
		    (unsigned long long)reg.size, id);
	return 0;
fail:
	vdev_close(v);
	return -1;
}

/* Where the DMABUF of BAR0 is mapped into the IOAS. */
#define P2P_IOVA	0x100000u

/*
 * VFIO_DEVICE_FEATURE_DMA_BUF: probe it; where it is supported, export the
 * first page of BAR0 and, with iommufd, map the DMABUF into the IOAS.
 * Returns -1 when the feature is supported but using it failed, else 0.
 */
static int dmabuf(struct vdev *v, int verbose)
{
	struct {
		struct vfio_device_feature f;
		struct vfio_device_feature_dma_buf d;
		struct vfio_region_dma_range r;
	} __attribute__((packed)) req;
	struct iommu_ioas_map_file map = { .size = sizeof(map) };
	struct iommu_ioas_unmap unmap = { .size = sizeof(unmap) };
	int fd, ret;

	memset(&req, 0, sizeof(req));
	req.f.argsz = sizeof(req);
	req.f.flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
		      VFIO_DEVICE_FEATURE_DMA_BUF;
	ret = ioctl(v->fd, VFIO_DEVICE_FEATURE, &req);
	if (ret) {
		if (verbose)
			say("DMA_BUF feature: unsupported (errno %d)", errno);
		return 0;
	}
	if (verbose)
		verdict |= F_DMABUF;

	req.f.flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_BUF;
	req.d.region_index = VFIO_PCI_BAR0_REGION_INDEX;
	req.d.open_flags = O_RDWR | O_CLOEXEC;
	req.d.nr_ranges = 1;
	req.r.offset = 0;
	req.r.length = 4096;
	fd = ioctl(v->fd, VFIO_DEVICE_FEATURE, &req);
	if (fd < 0) {
		say("DMA_BUF feature: supported, export of BAR0 failed (errno %d)", errno);
		return -1;
	}
	if (v->iommufd < 0) {
		if (verbose) {
			say("DMA_BUF feature: supported, BAR0 exported as fd %d", fd);
			verdict |= F_EXPORT;
		}
		close(fd);
		return 0;
	}
	map.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
		    IOMMU_IOAS_MAP_WRITEABLE;
	map.ioas_id = v->ioas;
	map.fd = fd;
	map.start = 0;
	map.length = 4096;
	map.iova = P2P_IOVA;
	if (ioctl(v->iommufd, IOMMU_IOAS_MAP_FILE, &map)) {
		say("DMA_BUF feature: BAR0 exported as fd %d, IOMMU_IOAS_MAP_FILE of it failed (errno %d)",
		    fd, errno);
		close(fd);
		return -1;
	}
	ret = 0;
	unmap.ioas_id = v->ioas;
	unmap.iova = P2P_IOVA;
	unmap.length = 4096;
	if (ioctl(v->iommufd, IOMMU_IOAS_UNMAP, &unmap)) {
		say("IOMMU_IOAS_UNMAP of the DMABUF: errno %d", errno);
		ret = -1;
	}
	close(fd);
	if (ret)
		return -1;
	if (verbose) {
		say("DMA_BUF feature: supported, BAR0 exported as fd %d, mapped into IOAS %u at iova 0x%x and unmapped",
		    fd, v->ioas, P2P_IOVA);
		verdict |= F_EXPORT;
	}
	return 0;
}

static void rebind_cycles(int cycles, int open_every)
{
	int i, opens = 0, bad = 0, logging;
	struct vdev v;

	drain_kmsg();
	logging = write_file("/sys/module/devres/parameters/log", "1") == 0;
	devres_add = devres_rel = 0;
	for (i = 1; i <= cycles; i++) {
		if (unbind()) {
			say("cycle %d: unbind failed", i);
			bad++;
		}
		if (bind_vfio(i % 2)) {
			say("cycle %d: bind to vfio-pci failed", i);
			bad++;
			break;
		}
		if (open_every && i % open_every == 0) {
			if (open_and_check(&v, i)) {
				say("cycle %d: open or BAR0 check failed", i);
				bad++;
			} else {
				opens++;
				if (dmabuf(&v, 0)) {
					say("cycle %d: DMA_BUF export failed", i);
					bad++;
				}
				vdev_close(&v);
			}
		}
		drain_kmsg();
	}
	if (logging)
		write_file("/sys/module/devres/parameters/log", "0");
	drain_kmsg();
	say("rebind: %d cycles, %d failures, device opened and BAR0 checked %d times",
	    i - 1, bad, opens);
	if (bad || i - 1 != cycles)
		verdict |= E_REBIND;
	if (!logging) {
		say("devres log not available: cannot count pci_p2pdma_release");
		verdict |= E_REBIND;
		return;
	}
	say("devres: pci_p2pdma_release added %d times, released %d times, in %d binds",
	    devres_add, devres_rel, cycles);
	if (devres_add == cycles && devres_rel == cycles)
		verdict |= F_P2PCORE;
	else if (devres_add || devres_rel)
		verdict |= E_REBIND;
}

static void run_selftests(const char *only)
{
	char list[1024], *name, *next, path[128], bdfarg[64], env[64];
	int pass = 0, skip = 0, fail = 0, status;
	const char *dev;
	pid_t pid;

	if (read_file("/selftests/list", list, sizeof(list)) <= 0)
		return;
	for (name = list; name && *name; name = next) {
		next = strchr(name, '\n');
		if (next)
			*next++ = 0;
		if (!*name || (only && strcmp(name, only)))
			continue;
		dev = bdf;
		if (igb_variant && igb_bdf[0] && !strcmp(name, "vfio_pci_driver_test"))
			dev = igb_bdf;
		if (p2p && ivshmem_bdf[0] && !strcmp(name, "vfio_pci_dmabuf_test"))
			dev = ivshmem_bdf;
		snprintf(env, sizeof(env), "VFIO_SELFTESTS_BDF=%s", dev);
		snprintf(bdfarg, sizeof(bdfarg), "%s", dev);
		snprintf(path, sizeof(path), "/selftests/%s", name);
		if (dev == bdf)
			say("selftest %s: start on %s (edu)", name, dev);
		else if (dev == igb_bdf)
			say("selftest %s: start on %s (igb), -v %s", name, dev, igb_variant);
		else
			say("selftest %s: start on %s (ivshmem), copying with %s (igb)",
			    name, dev, igb_bdf[0] ? igb_bdf : "none");
		step(name);
		pid = fork();
		if (pid == 0) {
			char *argv[] = { path, bdfarg, NULL, NULL, NULL };
			char *envp[] = { env, "PATH=/", NULL };

			if (dev == igb_bdf) {
				argv[1] = "-v";
				argv[2] = (char *)igb_variant;
				argv[3] = bdfarg;
			} else if (dev == ivshmem_bdf && igb_bdf[0]) {
				argv[2] = igb_bdf;
			}

			execve(path, argv, envp);
			say("selftest %s: execve: errno %d", name, errno);
			exit(127);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid) {
			say("selftest %s: fork/wait failed", name);
			fail++;
			continue;
		}
		/*
		 * A case that the kselftest harness killed at its timeout may
		 * still be releasing the device: it is ours now (we are PID
		 * 1), and the next program starts when it is gone.
		 */
		while (waitpid(-1, NULL, 0) > 0)
			;
		drain_kmsg();
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			pass++;
			say("selftest %s: exit 0", name);
		} else if (WIFEXITED(status) && WEXITSTATUS(status) == 4) {
			skip++;
			say("selftest %s: exit 4 (skip)", name);
		} else {
			fail++;
			say("selftest %s: status 0x%x", name, status);
		}
	}
	say("selftests: %d passed, %d skipped, %d failed", pass, skip, fail);
	if (fail)
		verdict |= E_SELFTEST;
}

static void kmemleak(void)
{
	static char buf[4096];
	int fd, n, leaks = 0;
	char *p;

	if (access("/sys/kernel/debug/kmemleak", F_OK))
		return;
	/*
	 * Objects younger than 5 s are not reported, and neither are those
	 * that changed since the previous scan: the first scan only records
	 * checksums, so scan twice.
	 */
	sleep(6);
	if (write_file("/sys/kernel/debug/kmemleak", "scan") ||
	    write_file("/sys/kernel/debug/kmemleak", "scan")) {
		say("kmemleak: scan failed: errno %d", errno);
		verdict |= E_SPLAT;
		return;
	}
	fd = open("/sys/kernel/debug/kmemleak", O_RDONLY);
	if (fd < 0) {
		verdict |= E_SPLAT;
		return;
	}
	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = 0;
		write(1, buf, n);
		for (p = buf; (p = strstr(p, "unreferenced object")); p++)
			leaks++;
	}
	close(fd);
	say("kmemleak: two scans done, %d leak reports", leaks);
	if (leaks)
		verdict |= E_SPLAT;
}

int main(int argc, char **argv)
{
	int cycles = 50, open_every = 5, selftests = 1, i;
	const char *only = NULL;
	struct vdev v;

	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "cycles=", 7))
			cycles = atoi(argv[i] + 7);
		else if (!strncmp(argv[i], "open_every=", 11))
			open_every = atoi(argv[i] + 11);
		else if (!strncmp(argv[i], "selftests=", 10) &&
			 (argv[i][10] < '0' || argv[i][10] > '9'))
			only = argv[i] + 10;
		else if (!strncmp(argv[i], "selftests=", 10))
			selftests = atoi(argv[i] + 10);
		else if (!strncmp(argv[i], "igb=", 4))
			igb_variant = argv[i] + 4;
		else if (!strncmp(argv[i], "p2p=", 4))
			p2p = atoi(argv[i] + 4);
	}

	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	kmsg_w = open("/dev/kmsg", O_WRONLY);
	load_modules();

	if (find_edu()) {
		say("no edu device (1234:11e8) found");
		report(E_BAR);
	}
	say("edu at %s", bdf);

	if (!driver_is(NULL) && !driver_is("vfio-pci")) {
		char path[160];

		snprintf(path, sizeof(path), "%s/driver/unbind", devdir);
		write_file(path, bdf);
	}
	snprintf(devdir + strlen(devdir), sizeof(devdir) - strlen(devdir), "/driver_override");
	i = write_file(devdir, "vfio-pci");
	devdir[strlen(devdir) - strlen("/driver_override")] = 0;
	if (i || (!driver_is("vfio-pci") && bind_vfio(1))) {
		say("binding %s to vfio-pci failed", bdf);
		report(E_BAR);
	}

	step("first open");
	if (open_and_check(&v, 0)) {
		verdict |= E_BAR;
	} else {
		dmabuf(&v, 1);
		vdev_close(&v);
	}

	step("rebind cycles");
	rebind_cycles(cycles, open_every);
	if (selftests) {
		step("selftests");
		/* Each device only for a selftest that runs and uses it. */
		if (only && strcmp(only, "vfio_pci_driver_test"))
			igb_variant = NULL;
		if (only && strcmp(only, "vfio_pci_dmabuf_test"))
			p2p = 0;
		if (igb_variant || p2p)
			bind_other("igb", 0x8086, 0x10c9, igb_bdf, sizeof(igb_bdf));
		if (p2p)
			bind_other("ivshmem", 0x1af4, 0x1110, ivshmem_bdf, sizeof(ivshmem_bdf));
		run_selftests(only);
	}
	drain_kmsg();
	step("kmemleak");
	kmemleak();
	drain_kmsg();
	step("done");
	if (splats) {
		say("kernel log: %d lines looked like a splat", splats);
		verdict |= E_SPLAT;
	}
	report(verdict);
	return 0;
}
