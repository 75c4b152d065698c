# The console server and the libos terminal side: host unit tests of the
# pure parts (line discipline, output line assembly).

UNIT_TESTS += test_console_ldisc test_console_outq

test_console_ldisc_SRCS := tests/unit/test_console_ldisc.c servers/console/ldisc.c
test_console_outq_SRCS := tests/unit/test_console_outq.c servers/console/outq.c

$(BUILD)/host/unit/tests/unit/test_console_%.o $(BUILD)/host/unit/servers/console/%.o: \
    H_CFLAGS += -Iservers/console

CONSOLE_C := $(wildcard servers/console/*.c) tests/unit/test_console_ldisc.c \
             tests/unit/test_console_outq.c libos/fd.c libos/console.c libos/devfile.c \
             libos/signal.c libos/termios.c libos/memcpy.c $(wildcard tests/guest/ttytest/*.c)
CONSOLE_H := $(wildcard servers/console/*.h) include/chime/proto/console.h libos/fd.h libos/sig.h \
             libos/include/sys/termios.h libos/include/sys/ioctl.h

