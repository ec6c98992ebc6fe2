#!/usr/bin/env bash
# The quarry program through its command line, one case per run:
#   shell_cli_test.sh QUARRY CASE
# Each case sets up what it needs in a fresh folder and fails with a message saying what
# it saw.
set -euo pipefail
quarry=$1
case=$2
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

fail() { echo "FAIL ($case): $*"; exit 1; }
# run ARGS…: runs quarry, keeping its stdout, stderr and exit status in $out $err $status.
run() {
    set +e
    "$quarry" "$@" > "$work/.out" 2> "$work/.err"
    status=$?
    set -e
    out=$(cat "$work/.out")
    err=$(cat "$work/.err")
}
expect_status() { [ "$status" -eq "$1" ] || fail "exit status $status, expected $1; stdout: $out; stderr: $err"; }
expect_out() { grep -qF -- "$1" <<< "$out" || fail "stdout lacks '$1': $out (stderr: $err)"; }
expect_err() { grep -qF -- "$1" <<< "$err" || fail "stderr lacks '$1': $err (stdout: $out)"; }
expect_no_out() { ! grep -qF -- "$1" <<< "$out" || fail "stdout has '$1': $out"; }
expect_no_err() { ! grep -qF -- "$1" <<< "$err" || fail "stderr has '$1': $err"; }
# wait_for_file FILE TEXT: until FILE holds TEXT (10 s at most).
wait_for_file() {
    for _ in $(seq 1 200); do
        if [ -f "$1" ] && grep -qF -- "$2" "$1"; then return 0; fi
        sleep 0.05
    done
    fail "$1 never held '$2'"
}

case $case in
failed-open)
    # A failed .open reports the error and keeps the database that was open.
    "$quarry" x.qdb -c 'add (Khaji, met, Lavrov);' > /dev/null
    echo "just some text, not a database" > text.txt
    run x.qdb -c '.open text.txt' -c '.stats' -c 'match (?s, met, ?o) return ?o;'
    expect_status 1
    expect_err "text.txt\" is not a Quarry database"
    expect_out "facts: 1"
    expect_out "Lavrov"
    run x.qdb -c '.open missing/folder/y.qdb' -c '.stats'
    expect_status 1
    expect_err "missing/folder/y.qdb"
    expect_out "facts: 1"
    # From a temporary database too; and a good .open afterwards still works.
    run -c '.open text.txt' -c 'add (a, b, c);' -c '.open x.qdb' -c '.stats'
    expect_status 1
    expect_out "1 fact added"
    expect_out "facts: 1"
    ;;
busy)
    # Process A holds a write transaction open (it waits reading a fifo); B reads at once,
    # C's write gives up after its busy timeout naming A's pid, and A commits afterwards.
    "$quarry" same.qdb -c 'add (Khaji, met, Lavrov);' > /dev/null
    mkfifo gate
    printf 'begin;\nadd (A, b, c);\n.read gate\n' > writer.qry
    "$quarry" same.qdb writer.qry > writer.out 2> writer.err &
    writer=$!
    pids+=("$writer")
    wait_for_file writer.out "1 fact added"
    run same.qdb -c 'match (?s, ?p, ?o) return count(*);'
    expect_status 0
    expect_out "│ 1 "
    run --busy-timeout 300 same.qdb -c 'add (C, d, e);'
    expect_status 1
    expect_err "database is busy: another process is writing (pid $writer)"
    run same.qdb -c '.busy_timeout 100' -c 'begin;'
    expect_status 1
    expect_err "database is busy: another process is writing (pid $writer)"
    # A load waits as a statement does.
    printf '<http://x/s> <http://x/p> <http://x/o> .\n' > one.nt
    run load --busy-timeout 100 same.qdb one.nt
    expect_status 1
    expect_err "database is busy"
    echo 'commit;' > gate
    wait "$writer" || fail "the writer failed: $(cat writer.err)"
    run same.qdb -c 'match (?s, ?p, ?o) return count(*);'
    expect_out "│ 2 "
    ;;
*)
    fail "no such case"
    ;;
esac
echo "$case: ok"
