# chime-cc's test (chimecc-test.sh): a Unix program built with make
# CC=chime-cc, checked on the host and then run in the guest
# (tests/chimecc/cases, booted by tests/system/run.sh).

CHIMECC_TEST_DIR := tests/chimecc/wordfreq
TEST_SUITES += 'sh tests/chimecc/chimecc-test.sh'
