# POSIX headers: a host-side compile check of a POSIX.1-2008 program for the
# guest (tests/posix/headers.sh), part of make test.

posix-header-cmd:
	@echo "$(CC_T) $(USER_CFLAGS)"

TEST_SUITES += "sh tests/posix/headers.sh"
.PHONY: posix-header-cmd

