#!/usr/bin/env bash
# The quarry program through its command line, one case per run:
#   shell_cli_test.sh QUARRY CASE
# Each case sets up what it needs in a fresh folder and fails with a message saying what
# it saw.
set -euo pipefail
quarry=$1
case=$2
docs=${3:-} # docs/shell.md, for the case that checks it against --help
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
export HOME=$work # no ~/.quarryrc but the one a case writes

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
    printf 'begin;\nadd (A, b, c);\nmatch (A, b, ?o) return ?o;\n.read gate\n' > writer.qry
    "$quarry" same.qdb writer.qry > writer.out 2> writer.err &
    writer=$!
    pids+=("$writer")
    wait_for_file writer.out "1 row"
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
    grep -qF "1 fact added" writer.out || fail "the writer's commit did not report: $(cat writer.out)"
    run same.qdb -c 'match (?s, ?p, ?o) return count(*);'
    expect_out "│ 2 "
    ;;
mistyped-command)
    # A word near a command's name is an error with a suggestion, and no file appears.
    printf '<http://x/s> <http://x/p> <http://x/o> .\n' > y.nt
    run lod x.qdb y.nt
    expect_status 2
    expect_err "no command 'lod'; did you mean 'quarry load'?"
    run exprot x.qdb
    expect_status 2
    expect_err "did you mean 'quarry export'?"
    [ ! -e lod ] && [ ! -e exprot ] && [ ! -e x.qdb ] || fail "a file was created: $(ls)"
    ;;
memory)
    # :memory: is a temporary database, as in sqlite3: no file of that name appears.
    run :memory: -c 'add (a, b, c);' -c '.stats'
    expect_status 0
    expect_out "facts: 1"
    run x.qdb -c 'add (a, b, c);' -c '.open :memory:' -c '.stats' -c '.open x.qdb' -c '.stats'
    expect_status 0
    expect_out "facts: 0"
    expect_out "facts: 1"
    printf '<http://x/s> <http://x/p> <http://x/o> .\n' > y.nt
    run load :memory: y.nt
    expect_status 2
    expect_err ":memory: is a temporary database"
    run restore :memory: y.qdump
    expect_status 2
    expect_err ":memory: is a temporary database"
    [ ! -e :memory: ] && [ ! -e :memory:-lock ] || fail "a file was created: $(ls)"
    ;;
sqlite-flags)
    # sqlite3's single-dash spellings mean what they mean there.
    run -csv -cmd 'add (a, b, c);' -c 'match (?s, ?p, ?o) return ?s, ?o;'
    expect_status 0
    expect_out "s,o"
    expect_out "a,c"
    run -json -c 'add (a, b, c);' -c 'match (?s, ?p, ?o) return ?s;'
    expect_out '{"s": "a"}'
    run -csv -noheader -c 'add (a, b, c);' -c 'match (?s, ?p, ?o) return ?s, ?o;'
    expect_no_out "s,o"
    run -csv -header -bail -c 'add (a, b, c);' -c 'match (?s, ?p, ?o) return ?s, ?o;'
    expect_out "s,o"
    "$quarry" ro.qdb -c 'add (a, b, c);' > /dev/null
    run -readonly ro.qdb -c 'add (d, e, f);'
    expect_status 1
    expect_err "read-only"
    printf '.mode csv\n' > init.qry
    run -init init.qry -c 'add (a, b, c);' -c 'match (?s, ?p, ?o) return ?s;'
    expect_out "s"$'\r'
    # Other single-dash words are refused, not read as -c and a statement.
    run -frob
    expect_status 2
    expect_err "unknown option '-frob'"
    ;;
foreign-flags)
    # Each command takes only its own options, and lists only those under --help.
    run load --mode csv x.qdb
    expect_status 2
    expect_err "unrecognised option '--mode', an option of the shell"
    run --format nt x.qdb
    expect_status 2
    expect_err "unrecognised option '--format', an option of quarry load and quarry export"
    run export --skip-bad x.qdb
    expect_status 2
    run dump --context a x.qdb f.qdump
    expect_status 2
    [ ! -e x.qdb ] || fail "a database was created"
    run load --help
    expect_status 0
    expect_out "Usage: quarry load DB FILE"
    expect_out "--skip-bad"
    expect_no_out "--mode"
    run export --help
    expect_out "Usage: quarry export DB [FILE|-]"
    expect_no_out "--skip-bad"
    expect_no_out "--mode"
    run stats --help
    expect_out "Usage: quarry stats DB"
    expect_no_out "--format"
    run --help
    expect_out "--mode"
    expect_no_out "--skip-bad"
    ;;
export-stdout)
    "$quarry" x.qdb -c 'add (a, b, c); add (d, e, f, ctx);' > /dev/null
    run export x.qdb -
    expect_status 0
    expect_out "<urn:quarry:name:a> <urn:quarry:name:b> <urn:quarry:name:c> ."
    [ ! -e ./- ] || fail "export wrote a file named -"
    # --context default is the default context, not a name 'default'.
    run export x.qdb - --context default --format qry
    expect_out "add (a, b, c);"
    expect_no_out "add (d"
    printf 'a,b,c\n' > t.csv
    run load x.qdb t.csv --context default --no-header
    expect_out "added 0, already present 1"
    ;;
script-order)
    # A database named after a script is not run as one; nor is a data file.
    "$quarry" x.qdb -c 'add (a, b, c);' > /dev/null
    echo 'add (q, r, s);' > x.qry
    run x.qry x.qdb
    expect_status 2
    expect_err "x.qdb is a database, not a script; the database comes first: quarry x.qdb x.qry"
    cp x.qdb renamed
    run x.qry renamed
    expect_status 2
    expect_err "renamed is a database, not a script"
    printf '<http://x/s> <http://x/p> <http://x/o> .\n' > y.nt
    run x.qdb y.nt
    expect_status 2
    expect_err "y.nt is a data file, not a script"
    run x.qdb -c 'match (?s, ?p, ?o) return count(*);'
    expect_out "│ 1 "
    ;;
startup-file)
    # ~/.quarryrc runs first; --init FILE instead of it; -q runs neither.
    printf '.mode csv\n.headers off\n' > .quarryrc
    printf '.mode json\n' > other.qry
    run -c 'add (a, b, c);' -c 'match (?s, ?p, ?o) return ?s;'
    expect_out "a"$'\r'
    expect_no_out "s"$'\r'
    expect_no_out "│"
    run --init other.qry -c 'add (a, b, c);' -c 'match (?s, ?p, ?o) return ?s;'
    expect_out '{"s": "a"}'
    run -q -c 'add (a, b, c);' -c 'match (?s, ?p, ?o) return ?s;'
    expect_out "│ a │"
    run --init missing.qry -c 'add (a, b, c);'
    expect_status 1
    expect_err "cannot read missing.qry"
    ;;
timer)
    # .timer times a statement through its last row: a count over a 2.25M-row cross product
    # (well over 10 ms on any machine) is not reported as 0.000 s, in table or csv mode.
    { printf 'add (s0, p, 0)'; for i in $(seq 1 1499); do printf ', (s%d, p, %d)' "$i" "$i"; done; echo ';'; } > facts.qry
    "$quarry" t.qdb facts.qry > /dev/null
    query='match (?a, p, ?b), (?c, p, ?d) return count(*);'
    run t.qdb -c '.timer on' -c "$query"
    expect_out "2250000"
    seconds=$(sed -n 's/^1 row (\([0-9.]*\) s)$/\1/p' <<< "$out")
    [ -n "$seconds" ] || fail "no time after the row count: $out"
    awk -v s="$seconds" 'BEGIN { exit !(s >= 0.01) }' || fail "reported $seconds s for the whole query"
    run t.qdb -c '.timer on' -c '.mode csv' -c "$query"
    seconds=$(sed -n 's/^Run time: \([0-9.]*\) s$/\1/p' <<< "$err")
    awk -v s="$seconds" 'BEGIN { exit !(s >= 0.01) }' || fail "csv: reported '$seconds' s for the whole query"
    ;;
round-trips)
    "$quarry" a.qdb -c 'add (a, b, c), (d, e, f, ctx), (g, h, "i"@en, ctx2), (a, b, c, ctx);' > /dev/null
    # export --format qry: one begin … commit; replayed, one summary.
    run export a.qdb a.qry
    expect_status 0
    [ "$(head -1 a.qry)" = "begin;" ] && [ "$(tail -1 a.qry)" = "commit;" ] || fail "not one transaction: $(cat a.qry)"
    [ "$(grep -c '^begin;' a.qry)" = 1 ] || fail "more than one begin"
    run b.qdb a.qry
    expect_status 0
    [ "$out" = "4 facts added" ] || fail "replay printed: $out"
    # quarry load DB x.qry runs the script.
    run load c.qdb a.qry
    expect_status 0
    [ "$out" = "4 facts added" ] || fail "load of a script printed: $out"
    run export c.qdb -
    [ "$out" = "$("$quarry" export a.qdb -)" ] || fail "the loaded script differs: $out"
    # A script that fails, or leaves its transaction open, stores nothing.
    printf 'begin;\nadd (x, y, z);\nadd (?v, y, z);\ncommit;\n' > bad.qry
    run load d.qdb bad.qry
    expect_status 1
    printf 'begin;\nadd (x, y, z);\n' > open.qry
    run load d.qdb open.qry
    expect_status 1
    expect_err "left a transaction open"
    run d.qdb -c 'match (?s, ?p, ?o) return count(*);'
    expect_out "│ 0 "
    # N-Triples cannot hold contexts: refused, or with --drop-contexts, counted.
    run export a.qdb --format ntriples
    expect_status 1
    expect_err "3 facts are in named contexts"
    [ -z "$out" ] || fail "wrote triples anyway: $out"
    run export a.qdb --format ntriples --drop-contexts
    expect_status 0
    expect_err "3 facts lost their context"
    expect_out '<urn:quarry:name:g> <urn:quarry:name:h> "i"@en .'
    run export a.qdb --format ntriples --context default
    expect_status 0
    expect_no_err "lost"
    ;;
table-headers)
    # A header row is detected by its column names, or forced either way.
    printf 'Source,Relation,Target\nKhaji,met,Lavrov\n' > named.csv
    run load a.qdb named.csv
    expect_out "read 1, added 1"
    printf 's\tp\to\tgraph\nKhaji\tmet\tLavrov\tAstana\n' > short.tsv
    run load a.qdb short.tsv
    expect_out "read 1, added 1"
    printf 'subject,predicate,object\nKhaji,met,Lavrov\n' > data.csv
    run load b.qdb data.csv --no-header
    expect_out "read 2, added 2"
    printf 'Khaji,met,Lavrov\nKhaji,met,Putin\n' > plain.csv
    run load c.qdb plain.csv
    expect_out "read 2, added 2"
    run load d.qdb plain.csv --header
    expect_out "read 1, added 1"
    run load e.qdb plain.csv --header --no-header
    expect_status 2
    ;;
settings)
    # sqlite3's everyday settings: .headers .nullvalue .maxrows .once, and prefixes.
    cat > s.qry <<'END'
prefix ex: <http://example.org/e/>;
add (<http://example.org/e/Khaji>, met, x), (y, met, <http://other/z>), (q, r, s);
match (?s, met, ?o), optional (?s, role, ?r) return ?s, ?o, ?r order by ?o;
.prefixes off
.nullvalue NULL
.maxrows 1
match (?s, met, ?o), optional (?s, role, ?r) return ?s, ?o, ?r order by ?o;
.maxrows 0
.once once.txt
match (?s, r, ?o) return ?s;
match (?s, r, ?o) return ?o;
.mode csv
.headers off
match (?s, met, ?o), optional (?s, role, ?r) return ?s, ?r order by ?o;
END
    run s.qdb s.qry
    expect_status 0
    expect_out "│ ex:Khaji │ x                │   │"
    expect_out "│ <http://example.org/e/Khaji> │ x │ NULL │"
    expect_out "2 rows, 1 shown (.maxrows)"
    expect_no_out "│ q │"
    expect_out "│ o │"
    grep -qF "│ q │" once.txt || fail ".once did not write once.txt: $(cat once.txt)"
    ! grep -qF "│ o │" once.txt || fail ".once outlived its statement"
    expect_out "http://example.org/e/Khaji,NULL"
    expect_no_out "s,r"
    # A begin left open at exit is reported.
    run s.qdb -c 'begin;' -c 'add (n, e, w);'
    expect_err "a transaction (begin) was left open at exit"
    run s.qdb -c 'match (n, e, ?o) return count(*);'
    expect_out "│ 0 "
    ;;
help-matches-docs)
    # Every option each command's --help lists, and every dot-command .help lists, is in
    # docs/shell.md.
    for command in "" load export dump restore stats; do
        run $command --help
        expect_status 0
        for option in $(grep -o -- '--[a-z][a-z-]*' <<< "$out" | sort -u); do
            grep -qF -- "$option" "$docs" || fail "'quarry $command --help' lists $option, docs/shell.md does not"
        done
    done
    run -q -c '.help'
    for command in $(awk '{ print $1 }' <<< "$out"); do
        grep -qF -- "\`$command" "$docs" || fail ".help lists $command, docs/shell.md does not"
    done
    ;;
load-interrupt)
    # SIGINT (Ctrl-C) stops quarry load reading a slow pipe: it says so and stores nothing,
    # even though the pipe then ends as if the data were complete.
    mkfifo slow.nt
    ( for i in $(seq 1 2000); do echo "<http://x/s$i> <http://x/p> \"$i\" ."; done; sleep 30 ) > slow.nt &
    feeder=$!
    pids+=("$feeder")
    "$quarry" load x.qdb slow.nt > load.out 2> load.err &
    loader=$!
    pids+=("$loader")
    sleep 0.5
    kill -INT "$loader"
    sleep 0.2
    pkill -P "$feeder" sleep || true
    set +e
    wait "$loader"
    code=$?
    set -e
    [ "$code" -eq 130 ] || fail "exit status $code; stderr: $(cat load.err)"
    grep -qF "stopped: nothing of slow.nt was stored" load.err || fail "stderr: $(cat load.err)"
    run x.qdb -c 'match (?s, ?p, ?o) return count(*);'
    expect_out "│ 0 "
    ;;
*)
    fail "no such case"
    ;;
esac
echo "$case: ok"
