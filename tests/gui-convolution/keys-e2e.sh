#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Real key presses (xdotool, through the X server) drive the Convolution
# page in conv-demo: → → ← End Home, then Space plays and Space pauses.
# Run under build-aux/with-xvfb.sh. Usage: keys-e2e.sh CONV-DEMO OUTDIR
set -u
demo=$1
out=$2
command -v xdotool >/dev/null 2>&1 || { echo "no xdotool: skip"; exit 77; }
mkdir -p "$out"

"$demo" --trace --position 0 --size 1000x700 >"$out/trace.txt" 2>"$out/demo.log" &
pid=$!
wid=""
for _ in $(seq 1 100); do
  wid=$(xdotool search --onlyvisible --name '^Convolution demo$' 2>/dev/null | head -n 1)
  [ -n "$wid" ] && break
  sleep 0.05
done
if [ -z "$wid" ]; then
  echo "FAIL: the window did not appear"; kill "$pid"; wait "$pid"; exit 1
fi
sleep 0.3
xdotool windowfocus --sync "$wid"
start=$(wc -l <"$out/trace.txt")

for key in Right Right Left End Home; do
  xdotool key "$key"
  sleep 0.15
done
xdotool key space
sleep 1.2
xdotool key space
sleep 0.2
import -window "$wid" "$out/keys-e2e.png" 2>/dev/null || true
kill "$pid"
wait "$pid" 2>/dev/null

tail -n +"$((start + 1))" "$out/trace.txt" >"$out/after-keys.txt"
expected="position 1
position 2
position 1
position 44
position 0
playing 1"
got=$(head -n 6 "$out/after-keys.txt")
if [ "$got" != "$expected" ]; then
  echo "FAIL: expected"; echo "$expected"; echo "got"; cat "$out/after-keys.txt"; exit 1
fi
# Playing moved the position on, and the second Space paused it.
if ! grep -q '^position 1$' "$out/after-keys.txt" || [ "$(tail -n 1 "$out/after-keys.txt")" != "playing 0" ]; then
  echo "FAIL: play/pause"; cat "$out/after-keys.txt"; exit 1
fi
echo "PASS: keys drive the page"; cat "$out/after-keys.txt" | tr '\n' ' '; echo
exit 0
