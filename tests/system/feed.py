#!/usr/bin/env python3
"""Run QEMU with its serial on our stdin/stdout and type into it.

    feed.py TIMEOUT AFTER INPUT -- qemu-system-riscv64 ARGS...

Copies everything QEMU prints to stdout. Once a line matching the extended
regex AFTER has appeared (the guest program says it is ready: the UART
FIFO is 16 bytes, and what is typed before the console server and the
program read is not theirs), waits 100 ms and types INPUT one byte
every 20 ms. INPUT takes
the escapes of a Python string: \\r (Enter), \\003 (^C), \\004 (^D),
\\025 (^U), \\b or \\010 (^H), \\177 (DEL); \\xff is not typed but waits one
second (so that a command has started before a ^C). Exits with QEMU's status, or
124 when TIMEOUT seconds pass first (QEMU is killed then)."""
import os
import re
import subprocess
import sys
import threading
import time


def main():
    timeout, after, text = float(sys.argv[1]), sys.argv[2], sys.argv[3]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    data = text.encode("latin-1").decode("unicode_escape").encode("latin-1")
    qemu = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    ready = threading.Event()
    pattern = re.compile(after)

    def typist():
        ready.wait()
        time.sleep(0.1)
        try:
            for b in data:
                if b == 0xff:
                    time.sleep(1)
                    continue
                qemu.stdin.write(bytes([b]))
                qemu.stdin.flush()
                time.sleep(0.02)
        except (BrokenPipeError, ValueError):
            pass

    threading.Thread(target=typist, daemon=True).start()
    timer = threading.Timer(timeout, qemu.kill)
    timer.start()
    line = b""
    out = sys.stdout.buffer
    while True:
        chunk = os.read(qemu.stdout.fileno(), 4096)
        if not chunk:
            break
        out.write(chunk)
        out.flush()
        line += chunk
        *done, line = line.split(b"\n")
        for l in done:
            if pattern.search(l.decode("latin-1").rstrip("\r")):
                ready.set()
    rc = qemu.wait()
    timed_out = not timer.is_alive()
    timer.cancel()
    sys.exit(124 if timed_out and rc < 0 else rc)


if __name__ == "__main__":
    main()
