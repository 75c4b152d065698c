/* A process that faults is ended by the kernel (CHIME_STATUS_FAULT, one
 * report line on the console) and nothing else is disturbed: the next test
 * runs, and the child's frames come back. The report lines themselves are
 * checked by the case file's EXPECT. */
#include "systest.h"

#include <stdio.h>

#include <libos/libos.h>

static void fault_case(const char *kind, const char *what)
{
    char *args[] = {"fault", (char *)kind, NULL};
    long st = child_run(args, 0);

    check(st == CHIME_STATUS_FAULT, "faults: %s ends the process with CHIME_STATUS_FAULT (got %ld)",
          what, st);
}

void test_faults(void)
{
    char *warm_args[] = {"exit", "0", NULL};
    long before;

    /* The first spawn maps the boot archive and grows our heap: let those
     * frames go before counting. */
    check(child_run(warm_args, 0) == 0, "faults: a first child runs and exits 0");
    before = free_frames();

    fault_case("load0", "load from 0");
    fault_case("kstore", "store to kernel memory");
    fault_case("illegal", "illegal instruction");
    fault_case("misaligned", "misaligned load (lr.w)");
    fault_case("exec", "jump to a non-executable page");
    fault_case("rostore", "store to read-only text");
    fault_case("thread", "fault in a second thread");
    check(free_frames() == before,
          "faults: free frames back to %ld after 7 faulting children "
          "(now %ld)",
          before, free_frames());
}
