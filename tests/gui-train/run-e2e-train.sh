#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# run-e2e-train.sh DEMO: the Train page through AT-SPI, on its own Xvfb and
# a private session bus. Exit 77 (skip) when a tool it needs is missing.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
demo=${1:?usage: run-e2e-train.sh DEMO}

for tool in Xvfb dbus-run-session; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "run-e2e-train: $tool is not installed; skipping" >&2
        exit 77
    fi
done
if ! /usr/bin/python3 -c 'import pyatspi' 2>/dev/null; then
    echo "run-e2e-train: /usr/bin/python3 has no pyatspi; skipping" >&2
    exit 77
fi

XDG_RUNTIME_DIR=$(mktemp -d "${TMPDIR:-/tmp}/convolve-e2e-train.XXXXXX")
chmod 700 "$XDG_RUNTIME_DIR"
export XDG_RUNTIME_DIR
trap 'rm -rf "$XDG_RUNTIME_DIR"' EXIT
unset GTK_A11Y

"$root/build-aux/with-xvfb.sh" dbus-run-session -- \
    /usr/bin/python3 "$here/e2e-train.py" --demo "$demo"
