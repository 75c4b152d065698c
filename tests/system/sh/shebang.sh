#!/bin/sh
# run by path from sh/syntax.sh: the shell sees #! and runs it with /bin/sh
echo shebang: $# "$1"
exit 6
