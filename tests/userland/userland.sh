#!/bin/sh
# The userland (sh and the coreutils-style programs) built for the host,
# run in a temporary directory: tests/userland/userland.sh BIN_DIR.
#
# Each check runs a command line under our sh with our programs first in
# PATH and compares what a user sees: stdout, stderr and the exit status.
# The expected texts are written here (they agree with /bin/dash and the
# GNU/POSIX tools wherever those define the behaviour). Prints TAP.
set -u
BIN=$(cd "$1" && pwd)
SH="$BIN/sh"
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/userland.XXXXXX")
trap 'rm -rf "$T"' EXIT
# The sanitizers' leak report would change exit statuses of programs that
# leave memory to exit().
export ASAN_OPTIONS=detect_leaks=0
export PATH="$BIN:/usr/bin:/bin"
export LC_ALL=C TZ=UTC
unset ENV PS1 PS2 CDPATH
failed=0
# A hung check fails instead of stopping the suite.
TIMEOUT=
if command -v timeout >/dev/null 2>&1; then TIMEOUT="timeout 20"; fi
nl='
'

# check NAME SCRIPT WANT_STDOUT [WANT_STDERR [WANT_STATUS]]: runs SCRIPT with
# sh -c in the directory $T/w (what earlier checks made there stays until
# the next "fresh"). Trailing newlines of the outputs are not compared.
check() {
    name=$1 script=$2 want_out=$3 want_err=${4:-} want_rc=${5:-0}
    (cd "$T/w" && $TIMEOUT "$SH" -c "$script" >"$T/out" 2>"$T/err" </dev/null)
    rc=$?
    got_out=$(cat "$T/out")
    got_err=$(cat "$T/err")
    if [ "$got_out" = "$want_out" ] && [ "$rc" = "$want_rc" ] && [ "$got_err" = "$want_err" ]; then
        echo "ok - $name"
    else
        echo "not ok - $name"
        failed=1
        printf '%s\n' "# script: $script" "# status: $rc (want $want_rc)"
        printf '%s\n' "$got_out" | sed 's/^/#   out: /'
        printf '%s\n' "$want_out" | sed 's/^/#  want: /'
        printf '%s\n' "$got_err" | sed 's/^/#   err: /'
        printf '%s\n' "$want_err" | sed 's/^/# wanterr: /'
    fi
}

fresh() {
    rm -rf "$T/w"
    mkdir "$T/w"
}

# ---- the shell's language -------------------------------------------------
fresh
check "sh: words and quotes" \
    "echo a   'b  c' \"d  e\" f\\ g 'it'\\''s'" "a b  c d  e f g it's"
check "sh: backslash in double quotes" \
    'echo "a\$b \"q\" \\ \x"' 'a$b "q" \ \x'
check "sh: variables, \${} and defaults" \
    'x=1 y="two words"; echo $x ${x}b "$y" ${unset:-dflt} ${x:+alt} ${unset+no}.' \
    "1 1b two words dflt alt ."
check "sh: \${v:=w} assigns" 'echo ${v:=set} $v' "set set"
check "sh: field splitting of unquoted expansions" \
    'x="a  b   c"; for w in $x; do echo "[$w]"; done; for w in "$x"; do echo "[$w]"; done' \
    "[a]${nl}[b]${nl}[c]${nl}[a  b   c]"
check "sh: empty quotes make a field, an empty variable none" \
    'set -- "" $nothing ""; echo $#' "2"
check "sh: \$? and \$\$" 'false; echo $?; true; echo $?; [ $$ -gt 1 ] && echo pid' "1${nl}0${nl}pid"
check "sh: positional parameters and shift" \
    'set -- a "b c" d; echo $# $1; for p in "$@"; do echo "<$p>"; done; shift 2; echo $*' \
    "3 a${nl}<a>${nl}<b c>${nl}<d>${nl}d"
check "sh: command substitution" 'x=$(echo inner; echo two); echo "[$x]" $(echo a b)' \
    "[inner${nl}two] a b"
check "sh: arithmetic" 'i=3; echo $((i * (2 + 4) % 7)) $((10 / 3)) $((i > 2 && i < 4)) $((-i))' \
    "4 3 1 -3"
check "sh: comments" 'echo a # not this
# nor this
echo b#c' "a${nl}b#c"
check "sh: ; && || and !" \
    'true && echo and; false && echo no; false || echo or; true || echo no; ! false && echo not' \
    "and${nl}or${nl}not"
check "sh: && and || bind left to right" 'false && echo x || echo y' "y"
check "sh: if/elif/else" \
    'for v in 1 2 3; do if [ $v = 1 ]; then echo one; elif [ $v = 2 ]; then echo two; else echo other; fi; done' \
    "one${nl}two${nl}other"
check "sh: while and until" \
    'i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo w$i; done; until [ $i = 0 ]; do i=$((i-1)); done; echo $i' \
    "w1${nl}w2${nl}w3${nl}0"
check "sh: break and continue" \
    'for i in 1 2 3 4 5; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done' "1${nl}3"
check "sh: break 2 leaves both loops" \
    'for a in x y; do for b in 1 2; do echo $a$b; break 2; done; done; echo end' "x1${nl}end"
check "sh: multi-line constructs" 'if true
then
  for i in a b
  do
    echo $i
  done
fi' "a${nl}b"
check "sh: { } groups share redirections" '{ echo a; echo b; } > g; cat g' "a${nl}b"
check "sh: ( ) runs in a child shell" 'x=1; (x=2; echo in $x); echo out $x' "in 2${nl}out 1"
check "sh: globbing" 'touch b.c a.c d.h .e.c; echo *.c; echo ?.h; echo [ab].c; echo "*.c" z*' \
    "a.c b.c${nl}d.h${nl}a.c b.c${nl}*.c z*"
check "sh: read" 'printf "one two three\nx\n" > r; { read a b; read c; } < r; echo "$b|$a|$c"' \
    "two three|one|x"
check "sh: eval and ." 'echo "echo sourced \$1" > s.sh; set -- arg; . ./s.sh; eval "echo e; echo v"' \
    "sourced arg${nl}e${nl}v"

check "sh: test and [ are builtins" \
    'PATH=/nonexistent; [ 1 -lt 2 ] && test -n x && [ ! -d /nonexistent ] && [ a = a -a \( b != c -o 1 -eq 2 \) ] && exit 7' "" "" 7
check "sh: test's file operators" \
    'mkdir d; echo x > f; : > e; [ -d d ] && [ -f f ] && [ -s f ] && [ ! -s e ] && [ -e e ] && [ ! -f d ] && echo yes' "yes"
check "sh: [ without ] is an error, status 2" '[ 1 -eq 1' "" "sh: [: missing ]" 2
check "sh: test wants integers for -eq" 'test x -eq 1' "" "sh: test: x: integer expected" 2
check "sh: backslash-newline joins the lines of a script" \
    'printf "echo a\\\\\nb c\\\\\n  d \"e\\\\\nf\"\n" > s; sh s' "ab c d ef"
check "sh: a file without an execute bit is not run (126)" \
    'echo "echo ran" > x; ./x; echo $?' "126" "sh: ./x: Permission denied"
check "sh: { a; b; } >f keeps both commands' output" \
    '{ echo one; echo two; } > f; for i in 3 4; do echo $i; done > g; cat f g' "one${nl}two${nl}3${nl}4"

check "sh: kill is a builtin that takes a job" \
    'sleep 5 & kill %1; wait %1; echo $?; kill %7; kill -l | grep -c TERM' "143${nl}1" "sh: kill: %7: no such job"

# ---- pipelines and redirections ---------------------------------------------
fresh
check "sh: pipeline" 'printf "b\na\nc\n" | sort | head -n 2' "a${nl}b"
check "sh: pipeline status is the last command's" 'false | true; echo $?; true | false; echo $?' \
    "0${nl}1"
check "sh: builtin inside a pipeline" 'cd /; pwd | cat; echo x | { read v; echo got $v; }' \
    "/${nl}got x"
check "sh: a builtin writing to a pipe whose reader quit does not end the shell" \
    '{ sleep 0.2; pwd; echo more; } | head -n 0; echo alive' "alive"
check "sh: loop feeding a pipeline" 'for i in 3 1 2; do echo $i; done | sort' "1${nl}2${nl}3"
check "sh: > < >>" 'echo one > f; echo two >> f; cat < f; wc -l < f' "one${nl}two${nl}2"
check "sh: 2> and 2>&1" 'ls nosuch 2> e; cat e; ls nosuch > o 2>&1; cat o' \
    "ls: nosuch: No such file or directory${nl}ls: nosuch: No such file or directory"
check "sh: 2>&1 before > keeps stderr on the old stdout" \
    'ls nosuch 2>&1 > o | sed s/^/piped:/; cat o' "piped:ls: nosuch: No such file or directory"
check "sh: n>&m and >&-" 'echo to3 3> t 1>&3; cat t; echo closed >&-; echo $?' \
    "to3${nl}1" "echo: write error: Bad file descriptor"
check "sh: redirection on a builtin is undone" 'pwd > p; echo after; cat p | wc -l' "after${nl}1"
check "sh: redirection of a compound command" \
    'for i in 1 2; do echo $i; done > l; while read x; do echo "<$x>"; done < l' "<1>${nl}<2>"
check "sh: cannot open" 'cat < nosuch; echo $?' "1" "sh: cannot open nosuch: No such file or directory"
check "sh: exec redirects the shell" 'exec > log; echo hidden; exec 1>&2' ""
check "sh: exec's output went to the file" 'cat log' "hidden"

# ---- commands, statuses, errors ---------------------------------------------
fresh
check "sh: command not found is 127" 'nosuch arg; echo $?' "127" "sh: nosuch: command not found"
printf 'echo not executable\n' > "$T/w/noexec"
check "sh: a file that is not executable is 126" './noexec; echo $?' "126" "sh: ./noexec: Permission denied"
check "sh: exit status of a signalled command is 128+n" 'sh -c "kill -TERM \$\$"; echo $?' "143"
check "sh: exit with a status" 'exit 7' "" "" 7
check "sh: exit without one keeps \$?" 'false; exit' "" "" 1
check "sh: syntax error is 2" 'echo a; if then fi' "" "sh: syntax error: unexpected 'then'" 2
check "sh: unterminated quote" "echo 'abc" "" "sh: syntax error: unexpected end of file" 2
check "sh: assignment before a command goes to its environment only" \
    'V=inner env | grep ^V=; echo "[${V:-}]"' "V=inner${nl}[]"
check "sh: assignment before a builtin lasts for it only, before a special one stays" \
    'x=1 true; echo "[${x:-}]"; y=2 :; echo $y' "[]${nl}2"
check "sh: export and unset" 'X=1; export X; env | grep ^X=; unset X; env | grep -c ^X=; echo $?' \
    "X=1${nl}0${nl}1"
check "sh: cd and pwd, cd -" 'mkdir -p a/b; cd a/b; pwd | sed "s|.*/||"; cd -; cd nosuch; echo $?' \
    "b${nl}$(cd "$T/w" && pwd -P)${nl}1" "sh: cd: nosuch: No such file or directory"
cat > "$T/w/script" <<'SCRIPT'
#!/bin/sh
# a script run by path
echo "script $# $1"
exit 3
SCRIPT
chmod +x "$T/w/script"
printf 'echo no hashbang $1\n' > "$T/w/plain"
chmod +x "$T/w/plain"
check "sh: #! script run by path" './script x; echo $?' "script 1 x${nl}3"
check "sh: file without #! runs as a shell script" './plain y' "no hashbang y"
check "sh: sh file args" 'sh script a b; echo $?' "script 2 a${nl}3"
check "sh: sh with a missing file" 'sh nosuch; echo $?' "127" "sh: cannot open nosuch: No such file or directory"
check "sh: commands from a pipe, no prompt" 'printf "echo hi\nx=2\necho \$x\n" | sh' "hi${nl}2"
check "sh: stdin stays for the commands it runs" 'printf "read l\nhello\necho got \$l\n" | sh' "got hello"
check "sh: a PATH without the program finds nothing" '(PATH=/nonexistent; ls); echo $?' "127" \
    "sh: ls: command not found"
check "sh: set -e ends the script at a failure outside conditions" \
    'set -e; false || echo a; if false; then :; fi; ! true; echo b; false; echo no' "a${nl}b" "" 1
check "sh: set -x traces commands" 'set -x; x=1 echo hi; set +x; echo quiet' "hi${nl}quiet" \
    "+ x=1 echo hi${nl}+ set +x"
check "sh: PATH search" 'mkdir -p bin; cp script bin/myprog; PATH=$PWD/bin:$PATH; myprog z' "script 1 z" "" 3

# ---- jobs -------------------------------------------------------------------
fresh
check "sh: & and wait" 'echo bg > o & wait; cat o' "bg"
check "sh: \$! and wait pid status" 'sh -c "exit 5" & p=$!; wait $p; echo $?' "5"
check "sh: jobs lists a running job" 'sleep 1 & jobs; wait; jobs' "[1] Running    sleep 1"
check "sh: fg waits for the job" 'sleep 0.2 & fg %1; echo $?' "sleep 0.2${nl}0"
check "sh: && list in the background" 'true && echo listed > o & wait; cat o' "listed"

# ---- programs -------------------------------------------------------------
fresh
printf 'alpha\nbeta\ngamma\ndelta\n' > "$T/w/f"
check "echo: -n" 'echo -n a b; echo c' "a bc"
check "cat: files and -" 'echo in | cat f - f | wc -l' "9"
check "cat: missing file" 'cat nosuch f | head -n 1; cat nosuch; echo $?' "alpha${nl}1" \
    "cat: nosuch: No such file or directory${nl}cat: nosuch: No such file or directory"
check "cat: unknown option" 'cat -z; echo $?' "2" "cat: unknown option -z${nl}usage: cat [-u] [file...]"
check "wc: counts" 'wc f; wc -l f; wc -w -c < f; printf "a b\nc" | wc' \
    "4 4 23 f${nl}4 f${nl}4 23${nl}1 3 5"
check "wc: total" 'wc -l f f' "4 f${nl}4 f${nl}8 total"
check "head: -n and default" 'head -n 2 f; head -1 f; seq 20 | head | wc -l' "alpha${nl}beta${nl}alpha${nl}10"
check "head: several files" 'head -n 1 f f' "==> f <==${nl}alpha${nl}${nl}==> f <==${nl}alpha"
check "tail: -n and +n" 'tail -n 2 f; tail -n +4 f; printf "x\ny" | tail -n 1' "gamma${nl}delta${nl}delta${nl}y"
check "grep: plain, -n -c -v -i" \
    'grep ta f; grep -n a$ f; grep -c l f; grep -v a f; echo; grep -i ALPHA f' \
    "beta${nl}delta${nl}1:alpha${nl}2:beta${nl}3:gamma${nl}4:delta${nl}2${nl}${nl}alpha"
check "grep: regex ^ . * [ ]" \
    "grep '^[bg]' f; grep 'e.t' f; grep '^d[a-z]*a\$' f; grep 'm*ma' f; grep '[^a-z]' f; echo \$?" \
    "beta${nl}gamma${nl}delta${nl}delta${nl}gamma${nl}1"
check "grep: -F takes the pattern literally" 'printf "a.c\nabc\n" | grep -F a.c' "a.c"
check "grep: -q and statuses" 'grep -q beta f; echo $?; grep -q zzz f; echo $?; grep x nosuch; echo $?' \
    "0${nl}1${nl}2" "grep: nosuch: No such file or directory"
check "grep: several files name the file" 'grep -c a f f' "f:4${nl}f:4"
check "sort: default, -r, -n, -u" \
    'printf "b\na\nc\na\n" | sort; printf "10\n9\n100\n" | sort -n; printf "1\n3\n2\n" | sort -r; printf "b\na\nb\n" | sort -u' \
    "a${nl}a${nl}b${nl}c${nl}9${nl}10${nl}100${nl}3${nl}2${nl}1${nl}a${nl}b"
check "uniq: plain and -c" 'printf "a\na\nb\na\n" | uniq; printf "a\na\nb\n" | uniq -c' \
    "a${nl}b${nl}a${nl}2 a${nl}1 b"
check "cut: -f -d -c" \
    'echo "a:b:c:d" | cut -d: -f2,4; echo "a:b:c:d" | cut -d: -f3-; echo hello | cut -c2-3; echo abcdef | cut -c-2,5-' \
    "b:d${nl}c:d${nl}el${nl}abef"
check "cut: line without the delimiter" 'printf "a\tb\nnone\n" | cut -f2; printf "x\n" | cut -s -d, -f1' \
    "b${nl}none"
check "tee: copies and -a" 'echo one | tee t1 t2; echo two | tee -a t1 > /dev/null; cat t1 t2' \
    "one${nl}one${nl}two${nl}one"
check "mkdir: -p and errors" 'mkdir d; mkdir d; echo $?; mkdir -p d/e/f d; ls d/e; mkdir x/y; echo $?' \
    "1${nl}f${nl}1" "mkdir: d: File exists${nl}mkdir: x/y: No such file or directory"
check "rmdir" 'mkdir -p r/s; rmdir r; echo $?; rmdir r/s r; ls r' "1" \
    "rmdir: r: Directory not empty${nl}ls: r: No such file or directory" 1
check "touch: creates and -c" 'touch new; ls new; touch -c nothere; ls nothere; echo $?' "new${nl}1" \
    "ls: nothere: No such file or directory"
check "ls: names sorted, -a, operands" 'mkdir l; touch l/b l/a l/.h; ls l; ls -a l | head -n 3; ls -1 l/a l' \
    "a${nl}b${nl}.${nl}..${nl}.h${nl}l/a${nl}${nl}l:${nl}a${nl}b"
check "ls: -l" 'mkdir m; printf 12345 > m/five; chmod 640 m/five; ln -s five m/link; ls -l m | sed "s/ [A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* / DATE /" | tr -s " "' \
    "-rw-r----- 1 $(id -u) $(id -g) 5 DATE five${nl}lrwxrwxrwx 1 $(id -u) $(id -g) 4 DATE link -> five"
check "ls: missing operand" 'ls nosuch; echo $?' "1" "ls: nosuch: No such file or directory"
check "cp: file, into a dir, -r" \
    'cp f g; cat g | wc -l; mkdir cd; cp f g cd; ls cd; mkdir -p tree/sub; echo x > tree/sub/y; cp -r tree copy; cat copy/sub/y; cp tree t3; echo $?; cp -r tree t1' \
    "4${nl}f${nl}g${nl}x${nl}1" "cp: tree: is a directory (not copied; use -r)${nl}cp: t1: Not a directory" 1
check "cp: keeps the mode" 'printf "#!/bin/sh\necho run\n" > x; chmod 755 x; cp x y; ./y' "run"
check "cp: missing source" 'cp nosuch z; echo $?' "1" "cp: nosuch: No such file or directory"
check "mv: rename, into a dir, errors" \
    'echo m > m1; mv m1 m2; cat m2; mkdir md; mv m2 md; ls md; mv nosuch x; echo $?' \
    "m${nl}m2${nl}1" "mv: cannot move nosuch to x: No such file or directory"
check "rm: files, -r, -f, errors" \
    'touch r1; mkdir -p rd/x; touch rd/x/y; rm r1; rm rd; echo $?; rm -r rd; ls rd; rm -f nosuch; echo $?; rm nosuch; echo $?' \
    "1${nl}0${nl}1" "rm: rd: is a directory${nl}ls: rd: No such file or directory${nl}rm: nosuch: No such file or directory"
check "ln: hard and -s" 'echo t > tgt; ln tgt hard; ln -s tgt soft; cat hard soft; ln tgt hard; echo $?' \
    "t${nl}t${nl}1" "ln: hard: File exists"
check "stat: fields" 'printf abc > s; chmod 600 s; stat s | sed -n "1,3p" | sed "s/Blocks: [0-9]*/Blocks: B/"' \
    "    File: s${nl}    Type: regular file  Size: 3  Blocks: B  Links: 1${nl}    Mode: 0600 (rw-------)  Uid: $(id -u)  Gid: $(id -g)"
check "stat: missing file" 'stat nosuch; echo $?' "1" "stat: nosuch: No such file or directory"
check "du: -s and directories" 'mkdir -p du/a; du du | wc -l; du -s du | cut -f2' "2${nl}du"
check "df: a file's file system, a missing one, a bad option" \
    'df . | wc -l; df -h . nosuch | tail -n 1 | grep -c "%.* \.$"; df -h . nosuch >/dev/null 2>&1; echo $?; df -x; echo $?' \
    "2${nl}1${nl}1${nl}2" "df: nosuch: No such file or directory${nl}df: unknown option -x${nl}usage: df [-h|-k] [file...]"
check "sleep: waits, rejects junk" 'sleep 0.1; echo $?; sleep x; echo $?' "0${nl}1" "sleep: invalid time interval 'x'"
check "true and false" 'true; echo $?; false; echo $?' "0${nl}1"
check "env: -i, assignments, command status" \
    'env -i A=1 B=2 env; env -i sh -c "exit 4"; echo $?; env nosuch; echo $?' \
    "A=1${nl}B=2${nl}4${nl}127" "env: nosuch: No such file or directory"
check "date: format and -u" 'date -u +%Y | grep -c "^20[0-9][0-9]$"; date | wc -w' "1${nl}6"
check "sh: kill (the builtin): signals by name and number" \
    'sleep 5 & kill $!; wait $!; echo $?; sleep 5 & kill -9 $!; wait $!; echo $?; sleep 5 & kill -s HUP $!; wait $!; echo $?; kill 999999; echo $?' \
    "143${nl}137${nl}129${nl}1" "sh: kill: 999999: No such process"
check "kill: the program, by name and number" \
    'sleep 5 & env kill -s TERM $!; wait $!; echo $?; env kill 999999; echo $?; env kill -l | grep -c "^15 TERM$"' \
    "143${nl}1${nl}1" "kill: 999999: No such process"
check "sync" 'sync; echo $?' "0"

# ---- interactive sh on a terminal --------------------------------------------
fresh
if command -v python3 >/dev/null 2>&1; then
    python3 "$HERE/pty_drive.py" "$SH" "$T/w"
    [ $? -eq 0 ] || failed=1
else
    echo "ok - sh interactive: # SKIP python3 is not installed"
fi
exit $failed
