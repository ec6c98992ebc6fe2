#!/usr/bin/env bash
# The interactive shell through a pseudo-terminal (tmux): prompts, completion of a stored
# multi-word name, Ctrl-C cancelling a long query while the shell stays up, Ctrl-D, and
# history kept across runs.
#   interactive_test.sh QUARRY
set -euo pipefail
quarry=$1
work=$(mktemp -d)
session="quarry-test-$$"
cleanup() { tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# Facts: a multi-word name to complete, and enough facts for a huge cross product.
{
    echo "add (Khaji, met, Syrian delegation, Astana);"
    echo "add (Türkiye, guarantor_of, Astana talks), (Zoë, met, Khaji), (北京, capital_of, China);"
    echo "add (Ali Asghar Khaji, met, Lavrov);"
    echo "add (w, said, \"$(printf 'word %.0s' $(seq 1 40))\");"
    for i in $(seq 1 300); do echo "add (s$i, p, $i);"; done
} > "$work/setup.qry"
"$quarry" "$work/test.qdb" "$work/setup.qry" > /dev/null

screen() { tmux capture-pane -p -t "$session"; }
type() { tmux send-keys -t "$session" -l "${1//;/\\;}"; } # literal text; tmux reads a bare ; as a separator
key() { tmux send-keys -t "$session" "$@"; }
wait_for() { # TEXT [SECONDS]
    for _ in $(seq 1 $((${2:-10} * 20))); do
        if screen | grep -qF -- "$1"; then return 0; fi
        sleep 0.05
    done
    echo "FAIL: did not see '$1' on the screen:"; screen; exit 1
}
start() {
    # No locale in the environment: the shell still passes UTF-8 through (C.UTF-8).
    tmux new-session -d -s "$session" -x 160 -y 50 "env -u LANG -u LC_ALL -u LC_CTYPE HOME=$work TERM=xterm $quarry $work/test.qdb"
    wait_for "quarry>"
}

start
# Completion of a stored name that holds a space.
type "match (?who, met, Syr"; key Tab
wait_for "match (?who, met, Syrian delegation"
# A statement over two lines: the continuation prompt, then the result.
type ")"; key Enter
wait_for "   ...>"
type "return ?who;"; key Enter
wait_for "│ Khaji │"
wait_for "1 row"
# The history is saved after each statement, not only at exit.
grep -qF "return" "$work/.quarry_history" 2>/dev/null || { echo "FAIL: the statement is not in the history yet"; exit 1; }
# Ctrl-C cancels a long query; the shell stays up and answers the next one.
type "match (?a, p, ?b), (?c, p, ?d), (?e, p, ?f), (?g, p, ?h) return count(*);"; key Enter
sleep 1
key C-c
wait_for "Cancelled."
type "match (?x, p, 7) return ?x;"; key Enter
wait_for "│ s7 │"
# Names complete from the start of the term being typed, spaces and all; keywords only
# where no name fits.
type "match (Syrian d"; key Tab
wait_for "match (Syrian delegation"
key C-u
type "match (Astana t"; key Tab
wait_for "match (Astana talks"
key C-u
type "match (Ali Asghar"; key Tab
wait_for "match (Ali Asghar Khaji"
type ", ?p, ?o) ret"; key Tab
wait_for "match (Ali Asghar Khaji, ?p, ?o) return"
type " ?o;"; key Enter
wait_for "│ Lavrov │"
# Non-ASCII typed in reaches the statement intact.
type "match (Türkiye, ?p, ?o) return ?o;"; key Enter
wait_for "│ Astana talks │"
# A stored non-ASCII name completes.
type "match (Zo"; key Tab
wait_for "match (Zoë"
type ", met, ?o) return ?o;"; key Enter
wait_for "│ Khaji │"
# Wide characters take two columns: the border lines up with the row.
type "match (?c, capital_of, China) return ?c;"; key Enter
wait_for "│ 北京 │"
wait_for "├──────┤"
# A narrower window cuts long values to its new width.
tmux resize-window -t "$session" -x 60
sleep 0.3
type "match (w, said, ?t) return ?t;"; key Enter
wait_for "…"
while IFS= read -r line; do
    if [ "$(printf '%s' "$line" | LC_ALL=C.UTF-8 wc -m)" -gt 60 ]; then echo "FAIL: wider than 60: $line"; exit 1; fi
done < <(screen)
wait_for "└──────────────────────────────────────────────────────────┘" # 60 wide
tmux resize-window -t "$session" -x 160
key C-l
# A load through a slow pipe shows its progress line; Ctrl-C stops it and nothing of it is
# stored (the pipe's end, once the writer is gone, is not taken for the end of the data).
mkfifo "$work/slow.nt"
( for i in $(seq 1 40000); do echo "<http://x/s$i> <http://x/p> \"$i\" ."; done; sleep 60 ) > "$work/slow.nt" &
feeder=$!
type "load \"$work/slow.nt\";"; key Enter
wait_for "quads/s"
key C-c
sleep 0.3
pkill -P "$feeder" sleep 2>/dev/null || true # the feeder's sleep: the pipe ends
wait "$feeder" 2>/dev/null || true
wait_for "Cancelled: nothing of the load was stored."
type "match (?s, <http://x/p>, ?o) return count(*);"; key Enter
wait_for "│ 0        │"
# Ctrl-C stops the printing of a long table.
type "match (?a, p, ?b), (?c, p, ?d), (?e, p, ?f) return ?a, ?c, ?e limit 500000;"; key Enter
sleep 0.5
key C-c
wait_for "Cancelled." 20
type "match (?x, p, 8) return ?x;"; key Enter
wait_for "│ s8 │"
if screen | grep -qF "500000 rows"; then echo "FAIL: the table printed to its end"; exit 1; fi
key C-l
# Ctrl-D quits and writes the history.
key C-d
for _ in $(seq 1 100); do tmux has-session -t "$session" 2>/dev/null || break; sleep 0.05; done
if tmux has-session -t "$session" 2>/dev/null; then echo "FAIL: Ctrl-D did not quit"; exit 1; fi
[ -s "$work/.quarry_history" ] || { echo "FAIL: no history file"; exit 1; } # libedit encodes its lines
# After a restart, the history is there: Up brings back the last statement.
start
key Up
wait_for "quarry> match (?x, p, 8) return ?x;"
for _ in 1 2 3 4; do key Up; done # the table, the count, the load
wait_for "quarry> match (w, said, ?t) return ?t;"
# Non-ASCII statements are kept in the history as typed.
key Up
wait_for "quarry> match (?c, capital_of, China) return ?c;"
key Up
wait_for "quarry> match (Zoë, met, ?o) return ?o;"
key Up
wait_for "quarry> match (Türkiye, ?p, ?o) return ?o;"
key Up
wait_for "quarry> match (Ali Asghar Khaji, ?p, ?o) return ?o;"
key Up
wait_for "quarry> match (?x, p, 7) return ?x;"
key C-u C-d
echo "interactive: ok"
