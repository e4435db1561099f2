#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# take-screenshots.sh BUILD_DIR [OUT_DIR]: the README's screenshots of the
# main window, light and dark, at 1280×800 and 800×600, into OUT_DIR
# (default data/screenshots). Each runs on its own Xvfb of that size with a
# private bus and private settings.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: take-screenshots.sh BUILD_DIR [OUT_DIR]}" && pwd)
out=${2:-$root/data/screenshots}
mkdir -p "$out"

shoot() {   # mode figure style width height [page [presentation]]
    local mode=$1 figure=$2 style=$3 w=$4 h=$5 page=${6:-draw} present=${7:-}
    local name="$page-$style-${w}x${h}${present:+-presentation}"
    local tmp
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/convolve-shot.XXXXXX")
    mkdir -p "$tmp/config/glib-2.0/settings" "$tmp/run"
    chmod 700 "$tmp/run"
    cat >"$tmp/config/glib-2.0/settings/keyfile" <<KEYS
[io/github/convolve/Convolve]
window-width=$w
window-height=$h
mode='$mode'
KEYS
    XVFB_SCREEN="${w}x${h}x24" XDG_RUNTIME_DIR="$tmp/run" XDG_CONFIG_HOME="$tmp/config" \
    GSETTINGS_BACKEND=keyfile GSETTINGS_SCHEMA_DIR="$build/data" \
    ADW_DEBUG_COLOR_SCHEME="prefer-$style" LANGUAGE="${SHOT_LANGUAGE:-C}" \
        "$root/build-aux/with-xvfb.sh" dbus-run-session -- \
        /usr/bin/python3 "$here/screenshots.py" --app "$build/src/gui/convolve" \
        --figure "$figure" --page "$page" ${present:+--presentation} \
        --out "$out/$name.png" 2>/dev/null
    # README material: small files (fewer colours, no metadata).
    convert "$out/$name.png" -strip -colors 128 "PNG8:$out/$name.png"
    rm -rf "$tmp"
}

# SHOT_PAGES="draw train" takes only those pages; SHOT_PRESENTATION=1 takes
# each page in presentation mode at a projector's 1280×720 instead.
for page in ${SHOT_PAGES:-draw convolution network train learn}; do
    for style in light dark; do
        if [ -n "${SHOT_PRESENTATION:-}" ]; then
            shoot "${SHOT_MODE:-digits}" "${SHOT_FIGURE:-seven}" "$style" 1280 720 "$page" yes
            continue
        fi
        shoot "${SHOT_MODE:-digits}" "${SHOT_FIGURE:-seven}" "$style" 1280 800 "$page"
        shoot "${SHOT_MODE:-digits}" "${SHOT_FIGURE:-seven}" "$style" 800 600 "$page"
    done
done
