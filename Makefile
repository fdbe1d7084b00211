# SPDX-License-Identifier: GPL-2.0
#
# make                  fetch the base, apply and build the series, write
#                       the mails to out/ (standalone patches: out/standalone/)
# make check            the proof: every check of tools/checks/, KTAP, then
#                       "N passed, N failed, N skipped" (what each check
#                       proves: tools/check --list)
# make tree             base + series as git commits, for editing
# make export           those commits back to patches/ and series
# make results          accept the tables of the last full make check:
#                       tools/golden/, TESTING and the cover's summary
# make sweep N=1000     a large Kconfig randconfig sweep
# make help             this text
#
# On make's command line:
#   KERNEL=/path/to/linux [BASE=rev]
#                       your git tree instead of the Debian base, only
#                       read: for make, make tree, and make check's
#                       checks that need only a kernel tree
#   APPLY_UPSTREAM=1    with KERNEL=: upstream/series below the series,
#                       for a tree that lacks the upstream commits
#   AUTHOR="Name <addr>" the sender of the mails (default: git's identity)
#   VERSION=n           "[PATCH vn]" mails
#   CHECKS=PATTERN      make check: only the checks whose name matches
#   FORCE=1             make tree: replace a branch with unexported commits
#   (Only there: the same names in the environment are ignored.)
#
# In the environment:
#   P2PDMA_CACHE=dir    the cache (default ~/.cache/p2pdma-series)
#   P2PDMA_JOBS=n       job slots shared by every build and boot of make
#                       check (default: the number of CPUs)
#   P2PDMA_LIMIT_SCALE=p every check's time limit (three times its cold
#                       time in tools/settings, plus ten minutes), scaled
#                       to p percent

# Generic names count only on make's command line: one inherited from the
# environment is dropped, for make and for the tools it runs.
GENERIC := KERNEL BASE APPLY_UPSTREAM AUTHOR VERSION CHECKS FORCE N
$(foreach v,$(GENERIC),$(if $(filter environment,$(origin $(v))),$(eval undefine $(v))))

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
	@tools/report accept

sweep:
	@tools/sweep all $(N)

help:
	@sed -n '3,/^$$/s/^# \{0,1\}//p' Makefile

.PHONY: all check tree export results sweep help
