#!/usr/bin/env python3
"""Did the console echo what was typed?

    echoed.py LOG DROP TEXT...

Cuts out of LOG every match of the regex DROP (the program's own output
lines, which may land between two typed characters, as on any terminal),
then checks that each TEXT (Python string escapes: \\b, \\n) appears in
what is left. Exits 0 when all do."""
import re
import sys


def main():
    log, drop = sys.argv[1], re.compile(sys.argv[2].encode("latin-1"))
    kept = drop.sub(b"", open(log, "rb").read())
    missing = [t for t in sys.argv[3:]
               if t.encode("latin-1").decode("unicode_escape").encode("latin-1") not in kept]
    for t in missing:
        print("# not echoed: %r" % t)
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
