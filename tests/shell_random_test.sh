#!/usr/bin/env bash
# Random sequences of dot-commands and statements through the real binary: .open of good,
# foreign and missing paths, .read of scripts (one reads itself), data files and missing
# files, every .mode and setting, statements good and bad, transactions left open. The
# shell may report errors; it must never crash (a signal, or a sanitizer's report).
#   shell_random_test.sh QUARRY SEQUENCES [SEED]
set -euo pipefail
quarry=$1
sequences=$2
RANDOM=${3:-14}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export HOME=$work

echo "not a database" > text.txt
mkdir folder
printf '<http://x/s> <http://x/p> "o" .\n<http://x/s> <http://x/q> <http://x/o> <http://x/g> .\n' > data.nt
printf '<http://x/s> <http://x/p> "o .\n' > bad.nt
printf 'Source,Relation,Target\nKhaji,met,Lavrov\n' > data.csv
printf 'add (Khaji, met, Lavrov);\nmatch (?s, ?p, ?o) return count(*);\n' > inc.qry
printf '.read loop.qry\n' > loop.qry

lines=(
    ".open good.qdb" ".open other.qdb" ".open text.txt" ".open missing/folder/x.qdb" ".open folder"
    ".open" ".open good.qdb extra" ".read inc.qry" ".read missing.qry" ".read data.nt" ".read bad.nt"
    ".read data.csv" ".read loop.qry" ".read folder" ".mode table" ".mode csv" ".mode tsv" ".mode json"
    ".mode jsonl" ".mode line" ".mode markdown" ".mode html" ".headers on" ".headers off" ".headers maybe"
    ".nullvalue -" ".maxrows 1" ".maxrows 0" ".maxrows x" ".once once.txt" ".once missing/o.txt"
    ".output out.txt" ".output" ".timer on" ".timer off" ".explain on" ".explain off" ".prefixes"
    ".prefixes off" ".prefixes on" ".stats" ".schema" ".contexts" ".predicates" ".busy_timeout 50"
    ".busy_timeout x" ".bogus" "." ".help"
    "add (Khaji, met, Lavrov), (Lavrov, age, 74), (Khaji, said, \"Türkiye 北京\"@en, Astana);"
    "add (?x, met, y);" "remove (Khaji, met, Lavrov);" "remove (?s, age, ?o) match (?s, age, ?o) where ?o > 10;"
    "match (?s, ?p, ?o) return ?s, ?p, ?o;" "match (?s, met, ?o), optional (?o, age, ?a) return ?s, ?a;"
    "match (?s, ?p, ?o) return count(*);" "match (?s, ?p, ?o) where ?o > 3 return ?s order by ?s limit 2;"
    "prefix ex: <http://example.org/e/>;" "add (ex:Khaji, met, ex:Lavrov);" "begin;" "commit;" "rollback;"
    "load \"data.nt\";" "load \"missing.nt\";" "load \"bad.nt\";" "load \"inc.qry\";"
    "export \"export.nq\";" "insert (a, b, c);" "SELECT ?s WHERE { ?s ?p ?o };" "MATCH (a)-[:met]->(b) RETURN a;"
    "match (?s" "match (?s, ?p, ?o) return ?q;" "add (\"unterminated, b, c);" "add (a, b);" ";" "match"
    "match (?s, ?p, ?o) return ?s" ")" "remove (?s, ?p, ?o);" "explain match (?s, met, ?o);"
)

# Sequences run in batches of 50 per process; each sequence is 1 to 12 random lines.
status=0
done_count=0
batch=0
while [ "$done_count" -lt "$sequences" ]; do
    script="batch$batch.qry"
    : > "$script"
    for _ in $(seq 1 50); do
        [ "$done_count" -lt "$sequences" ] || break
        for _ in $(seq 1 $((RANDOM % 12 + 1))); do
            echo "${lines[RANDOM % ${#lines[@]}]}" >> "$script"
        done
        echo ";" >> "$script" # ends a statement left open, so sequences stay apart
        done_count=$((done_count + 1))
    done
    set +e
    "$quarry" good.qdb "$script" > "batch$batch.out" 2> "batch$batch.err"
    code=$?
    set -e
    if [ "$code" -ge 128 ] || grep -q "Sanitizer\|runtime error:" "batch$batch.err"; then
        echo "FAIL: batch $batch exited with $code:"
        grep -m 20 "Sanitizer\|runtime error:\|#[0-9]" "batch$batch.err" || tail -20 "batch$batch.err"
        echo "--- the script:"; cat "$script"
        status=1
        break
    fi
    batch=$((batch + 1))
done
[ "$status" -eq 0 ] && echo "random: $done_count sequences in $batch processes, no crash"
exit "$status"
