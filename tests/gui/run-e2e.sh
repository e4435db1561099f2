#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# run-e2e.sh APP [OUT_DIR] [--german]: the end-to-end window test on its own Xvfb and a
# private session bus (so the AT-SPI bus and GApplication uniqueness are
# private too). Exit 77 (skip) when a tool it needs is not installed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
app=${1:?usage: run-e2e.sh APP [OUT_DIR]}
out=${2:-}
shift $(( $# < 2 ? $# : 2 ))

for tool in Xvfb xdotool dbus-run-session import; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "run-e2e: $tool is not installed; skipping" >&2
        exit 77
    fi
done
if ! /usr/bin/python3 -c 'import pyatspi' 2>/dev/null; then
    echo "run-e2e: /usr/bin/python3 has no pyatspi; skipping" >&2
    exit 77
fi

XDG_RUNTIME_DIR=$(mktemp -d "${TMPDIR:-/tmp}/convolve-e2e.XXXXXX")
chmod 700 "$XDG_RUNTIME_DIR"
export XDG_RUNTIME_DIR
trap 'rm -rf "$XDG_RUNTIME_DIR"' EXIT

"$root/build-aux/with-xvfb.sh" dbus-run-session -- \
    /usr/bin/python3 "$here/e2e-window.py" --app "$app" ${out:+--out "$out"} "$@"
