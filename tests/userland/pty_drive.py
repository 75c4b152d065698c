"""Drives the shell on a pseudo-terminal, as a user at a keyboard would, and
prints TAP lines: the prompt, line editing, history, ^C and ^D.

    python3 pty_drive.py SH DIR      (the shell runs in DIR)

Exit status 1 if any check failed."""
import os
import pty
import select
import sys
import time

SH, DIR = os.path.abspath(sys.argv[1]), sys.argv[2]
LEFT, RIGHT, UP, DOWN = "\x1b[D", "\x1b[C", "\x1b[A", "\x1b[B"
HOME, END = "\x1b[H", "\x1b[F"
failed = False


def start():
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(DIR)
        env = dict(os.environ)
        env.pop("PS1", None)
        os.execve(SH, [SH], env)
    return pid, fd


def read_until(fd, want, timeout=5.0):
    """Reads the terminal until want appears; returns everything read."""
    data = b""
    end = time.time() + timeout
    while want.encode() not in data and time.time() < end:
        r, _, _ = select.select([fd], [], [], max(0.0, end - time.time()))
        if not r:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace")


def report(ok, name, detail=""):
    global failed
    print(("ok - " if ok else "not ok - ") + "sh interactive: " + name)
    if not ok:
        failed = True
        print("# got: " + repr(detail[-400:]))


pid, fd = start()
prompt = os.path.realpath(DIR) + "$ "
out = read_until(fd, prompt)
report(out.endswith(prompt), "the prompt shows the working directory", out)


def run(keys, want, name):
    """Types keys, then checks that want shows before the next prompt."""
    os.write(fd, keys.encode())
    out = read_until(fd, want + "\r\n")
    out += read_until(fd, prompt)
    report(want + "\r\n" in out and out.endswith(prompt), name, out)
    return out


run("echo hi\r", "\r\nhi", "a command runs and prints")
run("echo ac" + LEFT + "b\r", "\r\nabc", "left arrow moves the cursor back for an insert")
run("cho x\x01e\x05y\r", "\r\nxy", "^A and ^E go to the start and the end")
run("echo abx\x7fc\r", "\r\nabc", "backspace deletes left of the cursor")
run("cho 12" + HOME + "e" + END + "3" + LEFT + LEFT + RIGHT + "_\r", "\r\n12_3",
    "Home, End and right arrow")
run("echo one\r", "\r\none", "a first history line")
run("echo two\r", "\r\ntwo", "a second history line")
run(UP + UP + "\r", "\r\none", "up arrow twice recalls the line before last")
run(UP + UP + DOWN + "\r", "\r\none", "down arrow walks the history forward again")
run("echo dropped\x03echo kept\r", "\r\nkept", "^C at the prompt drops the line")

os.write(fd, b"sleep 10\r")
time.sleep(0.5)
started = time.time()
# ^C until the prompt is back: on a loaded machine the first one may come
# before the job has started (then it is lost, as at a real keyboard).
out = ""
while "\n" + prompt not in out and time.time() - started < 4:
    os.write(fd, b"\x03")
    out += read_until(fd, "\n" + prompt, timeout=0.5)
report(time.time() - started < 4 and out.endswith("\n" + prompt), "^C ends the foreground job",
       out)
run("echo status $?\r", "\r\nstatus 130", "the shell survives ^C; the job's status is 130")

os.write(fd, b"cat\r")
time.sleep(0.3)
os.write(fd, b"typed\r")
out = read_until(fd, "typed\r\ntyped\r\n")
os.write(fd, b"\x04")
out += read_until(fd, "\n" + prompt)
report("typed\r\ntyped\r\n" in out, "a command gets the terminal back in cooked mode", out)

os.write(fd, b"sh -c 'exit 3'\r")
read_until(fd, "\n" + prompt)
os.write(fd, b"\x04")
read_until(fd, "never", timeout=2)
_, raw = os.waitpid(pid, 0)
report(os.WIFEXITED(raw) and os.WEXITSTATUS(raw) == 3,
       "^D on an empty line exits with the last status", str(raw))
sys.exit(1 if failed else 0)
