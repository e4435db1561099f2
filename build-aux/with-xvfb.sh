#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# with-xvfb.sh CMD [ARGS...]: run CMD on a private Xvfb, then stop that
# server and wait for it. Exits with CMD's status; with 77 (meson's "skip")
# when Xvfb is not installed, so GUI tests skip cleanly on a bare machine.
#
#   -noreset    Xvfb otherwise resets whenever its last client leaves, and a
#               client that connects during the reset fails with "cannot open
#               display" (short-lived xdotool calls while the app starts hit
#               this a few times in a hundred runs).
#   -displayfd  Xvfb picks a free display itself and writes its number once it
#               accepts connections: no fixed :99, no sleeps.
#
# Environment: XVFB_SCREEN (default 1280x800x24), XVFB_LOG (default /dev/null).
set -uo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi
if ! command -v Xvfb >/dev/null 2>&1; then
    echo "with-xvfb: Xvfb is not installed; skipping" >&2
    exit 77
fi

workdir=$(mktemp -d "${TMPDIR:-/tmp}/convolve-xvfb.XXXXXX")
Xvfb -displayfd 3 -screen 0 "${XVFB_SCREEN:-1280x800x24}" -nolisten tcp -noreset \
    3>"$workdir/display" >>"${XVFB_LOG:-/dev/null}" 2>&1 &
server=$!

stop_server() {
    kill "$server" 2>/dev/null
    wait "$server" 2>/dev/null
    rm -rf "$workdir"
}
trap stop_server EXIT
trap 'exit 130' INT TERM

# Up to 10 s for the display number.
for _ in $(seq 200); do
    if [ -s "$workdir/display" ]; then
        break
    fi
    if ! kill -0 "$server" 2>/dev/null; then
        echo "with-xvfb: Xvfb exited while starting" >&2
        exit 1
    fi
    sleep 0.05
done
if [ ! -s "$workdir/display" ]; then
    echo "with-xvfb: Xvfb gave no display within 10 s" >&2
    exit 1
fi

export DISPLAY=":$(tr -d '[:space:]' <"$workdir/display")"
"$@"
