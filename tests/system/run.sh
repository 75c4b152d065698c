#!/bin/sh
# System tests: boot Chime in QEMU once per case and hart count, and turn
# what the guest prints into TAP lines. See tests/system/README.md.
#
#   sh tests/system/run.sh [CASE...]      (default: every cases/*.case;
#                                          CASES="a b" works too)
#
# Needs build/kernel.elf and build/boot.cpio (make all). make test passes
# the QEMU command line in CHIME_QEMU_CMD (with @SMP@ for the hart count);
# run directly, this script asks make for it. CHIME_CASE_DIR names another
# directory of cases (tests/chimecc boots its own archive that way).
set -u
cd "$(dirname "$0")/../.." || exit 2

kernel=${CHIME_KERNEL_ELF:-build/kernel.elf}
archive=${CHIME_BOOT_ARCHIVE:-build/boot.cpio}
casedir=${CHIME_CASE_DIR:-tests/system/cases}
qemu_cmd=${CHIME_QEMU_CMD:-$(make -s --no-print-directory system-test-qemu-cmd 2>/dev/null)}
logdir=build/test-logs/system
mkdir -p "$logdir"

if [ -z "$qemu_cmd" ]; then
    echo "not ok - system: no QEMU command line (make system-test-qemu-cmd failed)"
    exit 1
fi
for f in "$kernel" "$archive"; do
    if [ ! -f "$f" ]; then
        echo "not ok - system: $f is missing (run make)"
        exit 1
    fi
done

cases=${*:-${CASES:-}}
if [ -z "$cases" ]; then
    cases=$(for f in "$casedir"/*.case; do basename "$f" .case; done)
fi

fail=0
result() { # 0|1 (ok|not ok), description
    if [ "$1" -eq 0 ]; then
        printf 'ok - %s\n' "$2"
    else
        printf 'not ok - %s\n' "$2"
        fail=1
    fi
}

# KILL_AFTER: boot (qemu command, bootargs) with the console in a raw file,
# and SIGKILL QEMU the moment a console line matches $KILL_AFTER (polled
# every 20 ms), as a power cut would. Sets $killed (1 if it did).
kill_after() {
    raw=$log.raw pidfile=$rcfile.pid
    : >"$raw"
    # shellcheck disable=SC2086
    { timeout -k 5 "$TIMEOUT" $1 -kernel "$kernel" -initrd "$archive" -append "$2" \
          </dev/null >"$raw" 2>&1 & echo $! >"$pidfile"; wait $!; echo $? >"$rcfile"; } 2>/dev/null &
    while [ ! -s "$rcfile" ]; do
        if [ -s "$pidfile" ] && tr -d '\r' <"$raw" | grep -Eq -- "$KILL_AFTER"; then
            pkill -KILL -P "$(cat "$pidfile")" # QEMU, the child of that timeout
            killed=1
            break
        fi
        sleep 0.02
    done
    wait
    tr -d '\r' <"$raw" >"$log"
    rm -f "$raw" "$pidfile"
}

# Boot once: tag, smp, bootargs, boot number (1..BOOTS). Writes the console to $log, sets $rc
# (QEMU's exit status, 124 when timeout stopped it).
boot() {
    cmd=$(echo "$qemu_cmd" | sed "s/@SMP@/$2/g")
    rcfile=$(mktemp)
    # shellcheck disable=SC2086
    extra=$QEMU_EXTRA
    if [ -n "$DISK" ] && [ "$4" -gt 1 ]; then
        # a later boot of BOOTS: the disk the boot before left
        extra="$extra -drive file=$img,if=none,format=raw,id=hd0$DISK_OPTS"
        extra="$extra -device virtio-blk-device,drive=hd0"
    elif [ -n "$DISK" ]; then
        # a fresh, zeroed scratch disk for this boot
        rm -f "$img" && truncate -s "$DISK" "$img"
        case "$DISK_FORMAT" in
        ext2) mke2fs -q -t ext2 -b 4096 -m 0 -F "$img" >/dev/null ;;
        rootfs) # the disk make run boots: rootfs/ and every program in /bin
            rm -f "$img"
            sh scripts/mkdisk.sh -s "$DISK" "$img" build/archive/* >/dev/null ;;
        esac
        for pair in $DISK_FILES; do # HOST:GUEST, put on the new disk
            build/host/chime-ext2 "$img" put "${pair%%:*}" "${pair#*:}" >/dev/null
        done
        extra="$extra -drive file=$img,if=none,format=raw,id=hd0$DISK_OPTS"
        extra="$extra -device virtio-blk-device,drive=hd0"
    fi
    if [ -n "$INPUT" ]; then
        # shellcheck disable=SC2086
        { python3 tests/system/feed.py "$TIMEOUT" "$INPUT_AFTER" "$INPUT" -- $cmd $extra \
              -kernel "$kernel" -initrd "$archive" -append "$3" 2>&1; echo $? >"$rcfile"; } |
            tr -d '\r' >"$log"
    elif [ -n "$KILL_AFTER" ]; then
        kill_after "$cmd $extra" "$3"
    else
        # shellcheck disable=SC2086
        { timeout -k 5 "$TIMEOUT" $cmd $extra -kernel "$kernel" -initrd "$archive" \
              -append "$3" </dev/null 2>&1; echo $? >"$rcfile"; } | tr -d '\r' >"$log"
    fi
    rc=$(cat "$rcfile")
    rm -f "$rcfile"
}

for name in $cases; do
    file=$casedir/$name.case
    if [ ! -f "$file" ]; then
        result 1 "$name: no case file $file"
        continue
    fi
    RUN="" SMP="1 4" TIMEOUT=60 STATUS=0 EXPECT="" QEMU_EXTRA="" DISK="" DISK_OPTS="" DISK_FORMAT="" CHECK=""
    INPUT="" INPUT_AFTER="" LOG_CHECK="" LOG_CHECK_WHAT=""
    DISK_FILES="" BOOTS=1 INPUT2="" EXPECT2="" KILL_AFTER=""
    # shellcheck disable=SC1090
    . "./$file"
    INPUT1=$INPUT EXPECT1=$EXPECT
    # each hart count, booted BOOTS times (smp:boot)
    for sb in $(for s in $SMP; do seq -f "$s:%g" 1 "$BOOTS"; done); do
        smp=${sb%%:*} bootn=${sb#*:}
        tag="$name/smp$smp"
        log="$logdir/$name-smp$smp.log"
        img="$logdir/$name-smp$smp.img"
        INPUT=$INPUT1 EXPECT=$EXPECT1
        if [ "$bootn" -gt 1 ]; then
            tag="$tag/boot$bootn" log="$logdir/$name-smp$smp-boot$bootn.log"
            INPUT=$INPUT2 EXPECT=$EXPECT2
        fi
        killed=0
        boot "$tag" "$smp" "poweroff $RUN" "$bootn"
        # the guest's own TAP lines, tagged with case and hart count
        grep -E '^(not )?ok( |$)' "$log" | sed -E "s#^(not ok|ok)( - | |$)#\\1 - $tag: #"
        if grep -Eq '^not ok( |$)' "$log"; then fail=1; fi
        if [ -n "$CHECK" ]; then
            # the host's look at what the boot left (the disk image, say)
            # shellcheck disable=SC2086
            out=$(BOOT=$bootn $CHECK "$img" "$log" 2>&1)
            st=$?
            printf '%s\n' "$out" | grep -E '^(not )?ok( |$)' |
                sed -E "s#^(not ok|ok)( - | |$)#\\1 - $tag: #"
            result $st "$tag: host check $CHECK"
        fi
        if [ -n "$KILL_AFTER" ]; then
            # killed as asked: the status is SIGKILL's, not the program's
            [ "$killed" -eq 1 ]
            result $? "$tag: QEMU killed once a line matched /$KILL_AFTER/ (log: $log)"
        elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
            result 1 "$tag: timed out after ${TIMEOUT}s (log: $log)"
        else
            [ "$rc" -eq "$STATUS" ]
            result $? "$tag: QEMU exit status $rc (expected $STATUS)"
        fi
        # one regex per line; a literal \n also separates (no other escapes
        # are touched, so \1 and \( reach grep as written)
        expects=$(printf '%s\n' "$EXPECT" | sed 's/\\n/\n/g')
        while IFS= read -r re; do
            [ -z "$re" ] && continue
            grep -Eq -- "$re" "$log"
            result $? "$tag: output matches /$re/"
        done <<EOF_EXPECT
$expects
EOF_EXPECT
        # a host-side check of the whole log, with $log set
        if [ -n "$LOG_CHECK" ]; then
            (eval "$LOG_CHECK")
            result $? "$tag: ${LOG_CHECK_WHAT:-check} (log: $log)"
        fi
    done
done
exit $fail
