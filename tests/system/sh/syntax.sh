# The shell's language, run by Chime's sh in the guest (sh_syntax.case) and
# by the host's POSIX sh; the two outputs must be the same. Only echo, cat,
# true, false, rm and mkdir are used, so the programs' own differences do
# not show. Each line of output starts with the group it tests.
d=${SHT_DIR:-/tmp/sht}
sbdir=${SHT_SHEBANG_DIR:-/tmp}
rm -rf $d
mkdir -p $d
cd $d || exit 1

# words, quotes, backslash
echo words:   a    b	c
echo squote: 'a  $HOME  "b"  \ \\'
echo dquote: "a  'b'  \$x \" \\ end"
x=val
echo dquote-var: "[$x]" "[${x}]" "${x}s" "$xs."
echo backslash: a\ b \$x \\ \' \"
echo backslash-newline: one\
two
echo empty: "" '' x"" y''z
echo join: a'b'"c"d
# comment at the start of a line
echo comment: a # not printed
echo comment: a#b "#c"

# parameters
unset u
echo param: "[$u]" "[${u}]" "[${u:-def}]" "[${u-def}]"
e=
echo param-empty: "[${e:-def}]" "[${e-def}]" "[${e:+alt}]" "[${x:+alt}]"
echo param-assign: "[${u:=set}]" "[$u]"
set -- one "two words" three
echo positional: $# "$1" "$2" "$3"
for a in "$@"; do echo at: "[$a]"; done
for a in $*; do echo star: "[$a]"; done
shift
echo shift: $# "$1"
[ "$$" -gt 0 ] && echo pid: positive
sh -c 'echo pid: child differs' && [ "$(sh -c 'echo $$')" != "$$" ] && echo pid: child pid not ours

# exit statuses
true; echo status-true: $?
false; echo status-false: $?
! true; echo status-not: $?
! false; echo status-not: $?
nosuch_cmd_x 2>/dev/null; echo status-notfound: $?
echo 'echo hi' > $d/noexec
$d/noexec 2>/dev/null; echo status-noexec: $?
sh -c 'exit 3'; echo status-exit: $?
sh -c 'exit 300'; echo status-exit-mod: $?
(exit 4); echo status-subshell: $?
sh -c 'if then' 2>/dev/null; echo status-syntax: $?
sh $d/missing-script; echo status-nofile: $?
cat $d/missing; echo status-cat-missing: $?

# pipelines
echo a b c | cat | cat; echo pipe-status: $?
true | false; echo pipe-last-false: $?
false | true; echo pipe-last-true: $?
echo x | nosuch_cmd_y 2>/dev/null; echo pipe-notfound: $?

# redirections
echo one > $d/f
echo two >> $d/f
cat < $d/f
cat $d/f $d/nofile > $d/out 2> $d/err; echo redir-status: $?
cat $d/out
[ -s $d/err ] && echo redir: stderr went to the file
cat $d/nofile > $d/both 2>&1; [ -s $d/both ] && echo redir: 2\>\&1 into the file
echo three 1>&2 2>/dev/null | cat
{ echo grouped; echo lines; } > $d/g; cat $d/g
echo start > $d/h; exec 3>> $d/h; echo via-fd3 >&3; exec 3>&-; cat $d/h
cat < $d/nofile 2>/dev/null; echo redir-missing: $?
echo x > $d/nodir/f 2>/dev/null; echo redir-nodir: $?

# lists
true && echo and: ran
false && echo and: not printed
false || echo or: ran
true || echo or: not printed
false && echo no || echo and-or: ran
true; false; echo semi: $?

# compound commands
if true; then echo if: then; else echo if: else; fi
if false; then echo no; elif true; then echo if: elif; fi
if false; then echo no; else echo if: else; fi
i=0
while [ $i -lt 3 ]; do echo while: $i; i=$((i + 1)); done
until [ $i -eq 0 ]; do i=$((i - 1)); done; echo until: $i
for w in a b c; do echo for: $w; done
for w in 1 2 3 4; do [ $w = 2 ] && continue; [ $w = 4 ] && break; echo loop: $w; done
echo arith: $((1 + 2 * 3)) $((10 / 3)) $((10 % 3)) $(( (1 + 2) * 3 ))
echo cmdsub: "$(echo inner)" "$(echo a; echo b)"
y=$(echo nested $(echo deep)); echo cmdsub: $y

# builtins
cd /tmp; pwd
cd $d; echo cd: "$PWD"
cd /nonexistent-dir; echo cd-missing: $?
pwd
export EXPORTED=yes
sh -c 'echo export: "[$EXPORTED]"'
notexported=no
sh -c 'echo export-not: "[$notexported]"'
unset EXPORTED
sh -c 'echo unset: "[$EXPORTED]"'
ONE=only sh -c 'echo prefix: "[$ONE]"'; echo prefix-after: "[$ONE]"
set -- p q; echo set: "$1$2"
(set -e; false; echo set-e: not printed); echo set-e: $?
exec_out=$(exec echo exec: replaced); echo "$exec_out"
sh -c 'exec false; echo not printed'; echo exec-status: $?
sh -c 'exit'; echo exit-default: $?
sh -c 'false; exit'; echo exit-last: $?

# scripts: sh file, #!/bin/sh by path, arguments
echo 'echo script: $# "$1" "$2"; [ "$0" = "'$d/s.sh'" ] && echo script: dollar0; exit 5' > $d/s.sh
sh $d/s.sh a 'b c'; echo script-status: $?
$sbdir/shebang.sh one two; echo shebang-status: $?
cd $sbdir && ./shebang.sh; echo shebang-relative: $?
cd $d
echo end
