#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Real input through the X server (xdotool) drives the Convolution page in
# conv-demo (ReLU on: 36 + 36 + 9 positions): the keys → → ← End Home,
# Space to play and pause; a click on
# an output cell jumps there; a drag over the input paints it; a click on
# the kernel's centre weight opens its editor, where typing 2 and Enter
# sets it; → steps on afterwards. Run under build-aux/with-xvfb.sh.
# Usage: keys-e2e.sh CONV-DEMO OUTDIR
set -u
demo=$1
out=$2
command -v xdotool >/dev/null 2>&1 || { echo "no xdotool: skip"; exit 77; }
mkdir -p "$out"
trace="$out/trace.txt"

"$demo" --trace --position 0 --size 1000x700 >"$trace" 2>"$out/demo.log" &
pid=$!
fail () {
  echo "FAIL: $1"; echo "--- trace"; cat "$trace"; kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; exit 1
}

wid=""
for _ in $(seq 1 300); do
  wid=$(xdotool search --onlyvisible --name '^Convolution demo$' 2>/dev/null | head -n 1)
  [ -n "$wid" ] && grep -q '^geometry input' "$trace" && break
  sleep 0.05
done
[ -n "$wid" ] || fail "the window did not appear"
grep -q '^geometry input' "$trace" || fail "no geometry"
xdotool windowfocus --sync "$wid"
set -- $(grep '^geometry output-2-3' "$trace"); ox=$3; oy=$4
set -- $(grep '^geometry kernel-4' "$trace"); kx=$3; ky=$4
set -- $(grep '^geometry input-0-0' "$trace"); ix=$3; iy=$4; cell=$5
eval "$(xdotool getwindowgeometry --shell "$wid")"   # X, Y of the window
start=$(wc -l <"$trace")
since () { tail -n +"$((start + 1))" "$trace" | grep -v '^geometry'; }

# Keys.
for key in Right Right Left End Home; do
  xdotool key "$key"
  sleep 0.15
done
xdotool key space
sleep 1.2
xdotool key space
sleep 0.2
expected="position 1
position 2
position 1
position 80
position 0
playing 1"
[ "$(since | head -n 6)" = "$expected" ] || fail "keys"
since | grep -q '^position 1$' || fail "play did not move"
[ "$(since | tail -n 1)" = "playing 0" ] || fail "Space did not pause"

# A click on output cell (2, 3) jumps to position 2·6 + 3.
start=$(wc -l <"$trace")
xdotool mousemove --sync $((X + ox)) $((Y + oy)) click 1
sleep 0.3
since | grep -q '^position 15$' || fail "click on an output cell"

# A drag over input row 0, three cells: paints them.
start=$(wc -l <"$trace")
xdotool mousemove --sync $((X + ix)) $((Y + iy)) mousedown 1 sleep 0.05 \
        mousemove --sync $((X + ix + cell)) $((Y + iy)) sleep 0.05 \
        mousemove --sync $((X + ix + 2 * cell)) $((Y + iy)) sleep 0.05 mouseup 1
sleep 0.3
first=$(since | grep '^edited' | head -n 1 | cut -d' ' -f3)
last=$(since | grep '^edited' | tail -n 1 | cut -d' ' -f3)
[ -n "$first" ] || fail "drag did not paint"
awk -v a="$first" -v b="$last" 'BEGIN { exit !(b - a > 1.99 && b - a < 2.01) }' || fail "drag painted $first → $last"

# The kernel's centre weight: click, type 2, Enter.
start=$(wc -l <"$trace")
xdotool mousemove --sync $((X + kx)) $((Y + ky)) click 1
sleep 0.4
import -window root "$out/weight-editor.png" 2>/dev/null || true
xdotool key ctrl+a
xdotool type 2
xdotool key Return
sleep 0.3
since | grep -q 'kernel-centre 2.00$' || fail "typing a weight"
xdotool key Right
sleep 0.3
since | grep -q '^position 16$' || fail "→ after editing a weight"
import -window "$wid" "$out/after-input.png" 2>/dev/null || true

kill "$pid"
wait "$pid" 2>/dev/null
echo "PASS: keys, click, drag and weight editing drive the page"
exit 0
