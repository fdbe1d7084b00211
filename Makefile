# SPDX-License-Identifier: GPL-2.0
#
# make			fetch the base, apply and build the series, write the
#			mails to out/ (KERNEL=/path/to/linux [BASE=rev] to use
#			your own git tree, APPLY_UPSTREAM=1 to put
#			upstream/series below the series there; VERSION=n
#			for "PATCH vn";
#			AUTHOR="Name <addr>" for the sender)
# make check		the proof: every check in tools/checks/, TAP output
#			(KERNEL=... [BASE=...]: the checks that need only a
#			kernel tree, on yours)
# make tree		base + series as git commits, for editing
# make export		those commits back to patches/ and series
# make results		put the last measurements into the cover letter,
#			Kconfig.patch-notes and TESTING
# make sweep N=1000	a large Kconfig randconfig sweep
#
# In the environment: P2PDMA_CACHE=dir (default ~/.cache/p2pdma-series),
# P2PDMA_JOBS=n job slots shared by every build and boot of make check
# (default: the number of CPUs), P2PDMA_LIMIT_SCALE=p every check's time
# limit (three times its cold time in tools/settings, plus ten minutes)
# scaled to p percent.

KERNEL ?=
BASE ?=
VERSION ?= 1
N ?= 1000
CHECKS ?=

all:
	@VERSION=$(VERSION) tools/prepare $(KERNEL) $(BASE)

check:
	@tools/check $(CHECKS)

tree:
	@tools/apply $(KERNEL) $(BASE)

export:
	@tools/export

results:
	@tools/results

sweep:
	@tools/sweep all $(N)

.PHONY: all check tree export results sweep
