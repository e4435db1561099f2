#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# run-install-test.sh BUILDDIR SRCDIR VERSION PREFIX BINDIR DATADIR LOCALEDIR LIBDIR
#
# Installs the built project into a temporary DESTDIR with `meson install`
# and checks what a distribution package would ship: both programs, the
# desktop file, the AppStream metainfo, both icons, the GSettings schema and
# its compiled form, and one convolve.mo per language in po/LINGUAS. Then it
# runs the installed programs out of that tree: `convolve-cli summary shapes`
# and `convolve --version`.
#
# BINDIR, DATADIR, LOCALEDIR and LIBDIR are meson's options of those names,
# relative to PREFIX or absolute. Each check that fails prints one line
# naming what is wrong; the script runs every check and exits 1 if any
# failed. Set MESON to use another meson than the one on PATH.
set -euo pipefail

if [ $# -ne 8 ]; then
    echo "usage: $0 BUILDDIR SRCDIR VERSION PREFIX BINDIR DATADIR LOCALEDIR LIBDIR" >&2
    exit 2
fi
builddir=$1
srcdir=$2
version=$3
prefix=$4
meson=${MESON:-meson}
app_id=io.github.convolve.Convolve

# A meson directory option is relative to the prefix unless it is absolute.
under_prefix() {
    case $1 in
        /*) printf '%s\n' "$1" ;;
        *) printf '%s\n' "$prefix/$1" ;;
    esac
}
bindir=$(under_prefix "$5")
datadir=$(under_prefix "$6")
localedir=$(under_prefix "$7")
libdir=$(under_prefix "$8")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/convolve-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
destdir=$tmp/destdir
home=$tmp/home
mkdir -p "$destdir" "$home" "$home/runtime"
chmod 700 "$home/runtime"

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
note() {
    echo "install-test: $*"
}
# show FILE: what a command printed, set off from the test's own lines.
show() {
    sed 's/^/    | /' "$1"
}

# ---------------------------------------------------------------- install
if ! "$meson" install -C "$builddir" --no-rebuild --destdir "$destdir" --quiet \
        >"$tmp/install.log" 2>&1; then
    show "$tmp/install.log"
    echo "FAIL: meson install -C $builddir --destdir DESTDIR failed (its output is above)"
    exit 1
fi

root=$destdir$prefix
bin=$destdir$bindir
share=$destdir$datadir
locale=$destdir$localedir
lib=$destdir$libdir
note "installed into $root"

# ---------------------------------------------------------------- files
# want FILE WHAT: FILE must exist and not be empty.
want() {
    if [ ! -e "$1" ]; then
        fail "$2 is not installed: ${1#"$destdir"} is missing"
        return 1
    elif [ ! -s "$1" ]; then
        fail "$2 is installed empty: ${1#"$destdir"}"
        return 1
    fi
}

for program in convolve convolve-cli; do
    if want "$bin/$program" "the program $program" && [ ! -x "$bin/$program" ]; then
        fail "the program $program is installed without execute permission: ${bindir}/$program"
    fi
done

desktop=$share/applications/$app_id.desktop
metainfo=$share/metainfo/$app_id.metainfo.xml
icon=$share/icons/hicolor/scalable/apps/$app_id.svg
symbolic=$share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg
schemadir=$share/glib-2.0/schemas
want "$desktop" "the desktop file" || true
want "$metainfo" "the AppStream metainfo" || true
want "$icon" "the application icon" || true
want "$symbolic" "the symbolic application icon" || true

# The program and the icon the desktop file names are the installed ones,
# and the metainfo launches the installed desktop file.
if [ -s "$desktop" ]; then
    exec_line=$(sed -n 's/^Exec=//p' "$desktop" | head -n 1)
    exec_program=${exec_line%% *}
    if [ -z "$exec_program" ]; then
        fail "the desktop file has no Exec= line"
    elif [ ! -x "$bin/$exec_program" ]; then
        fail "the desktop file runs '$exec_program', which is not installed in ${bindir}"
    fi
    icon_name=$(sed -n 's/^Icon=//p' "$desktop" | head -n 1)
    if [ "$icon_name" != "$app_id" ]; then
        fail "the desktop file names the icon '$icon_name', not the installed $app_id"
    fi
fi
if [ -s "$metainfo" ] && ! grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo"; then
    fail "the metainfo does not launch $app_id.desktop"
fi

# The schema, and the compiled schemas GSettings reads. meson's post-install
# step does not compile them under a DESTDIR (packagers run it on the target
# system), so compile them here the same way when it has not.
have_schema=yes
want "$schemadir/$app_id.gschema.xml" "the GSettings schema" || have_schema=no
if [ "$have_schema" = yes ] && [ ! -s "$schemadir/gschemas.compiled" ]; then
    note "meson install did not compile the schemas under DESTDIR; running glib-compile-schemas --strict there"
    if ! command -v glib-compile-schemas >/dev/null 2>&1; then
        fail "glib-compile-schemas is not installed, so ${datadir}/glib-2.0/schemas/gschemas.compiled cannot be made"
    elif ! glib-compile-schemas --strict "$schemadir" >"$tmp/schemas.log" 2>&1; then
        show "$tmp/schemas.log"
        fail "glib-compile-schemas --strict rejects the installed schema in ${datadir}/glib-2.0/schemas"
    fi
fi
[ "$have_schema" = no ] || want "$schemadir/gschemas.compiled" "the compiled GSettings schemas" || true

# One catalogue per language in po/LINGUAS, readable as a catalogue.
langs=$(sed -e 's/#.*//' "$srcdir/po/LINGUAS" | tr -s '[:space:]' '\n' | sed '/^$/d')
if [ -z "$langs" ]; then
    fail "po/LINGUAS lists no language"
fi
for lang in $langs; do
    mo=$locale/$lang/LC_MESSAGES/convolve.mo
    if want "$mo" "the $lang translation"; then
        if command -v msgunfmt >/dev/null 2>&1 && ! msgunfmt "$mo" >/dev/null 2>&1; then
            fail "the $lang translation ${localedir}/$lang/LC_MESSAGES/convolve.mo is not a valid catalogue"
        fi
    fi
done

# ---------------------------------------------------------------- libraries
# The installed programs must not need anything from the build directory:
# meson removes build-tree RUNPATHs on install, so a shared library of the
# project would have to be installed too.
export LD_LIBRARY_PATH=$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
if command -v ldd >/dev/null 2>&1; then
    build_abs=$(cd "$builddir" && pwd -P)
    for program in convolve convolve-cli; do
        [ -x "$bin/$program" ] || continue
        if ! ldd "$bin/$program" >"$tmp/ldd.txt" 2>&1; then
            fail "ldd cannot read the installed $program"
            continue
        fi
        missing=$(awk '/not found/ { print $1 }' "$tmp/ldd.txt" | tr '\n' ' ')
        if [ -n "$missing" ]; then
            fail "the installed $program needs libraries that are not found: $missing"
        fi
        if grep -qF "$build_abs/" "$tmp/ldd.txt"; then
            fail "the installed $program loads libraries from the build directory $build_abs"
        fi
    done
fi

# ---------------------------------------------------------------- running
# The installed programs run with nothing of the user's: a private home, the
# memory settings backend, the installed schemas and data first, no display
# and no session bus, and the C locale so the output is the English text.
run_installed() {
    env -u DISPLAY -u WAYLAND_DISPLAY -u LANGUAGE -u CONVOLVE_LOCALEDIR \
        HOME="$home" \
        XDG_CONFIG_HOME="$home/.config" \
        XDG_DATA_HOME="$home/.local/share" \
        XDG_CACHE_HOME="$home/.cache" \
        XDG_RUNTIME_DIR="$home/runtime" \
        DBUS_SESSION_BUS_ADDRESS="unix:path=$tmp/no-session-bus" \
        GSETTINGS_BACKEND=memory \
        GSETTINGS_SCHEMA_DIR="$schemadir" \
        XDG_DATA_DIRS="$share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}" \
        LC_ALL=C.UTF-8 \
        timeout 60 "$@"
}

if [ -x "$bin/convolve-cli" ]; then
    status=0
    run_installed "$bin/convolve-cli" summary shapes >"$tmp/summary.txt" 2>&1 || status=$?
    if [ "$status" -ne 0 ]; then
        show "$tmp/summary.txt"
        fail "the installed 'convolve-cli summary shapes' exits with status $status"
    elif ! grep -Eq '^Total params: 9,571$' "$tmp/summary.txt"; then
        show "$tmp/summary.txt"
        fail "the installed 'convolve-cli summary shapes' does not print 'Total params: 9,571'"
    else
        note "convolve-cli summary shapes: $(grep '^Total params' "$tmp/summary.txt")"
    fi
fi

if [ -x "$bin/convolve" ]; then
    status=0
    run_installed "$bin/convolve" --version >"$tmp/version.txt" 2>&1 || status=$?
    if [ "$status" -eq 124 ]; then
        show "$tmp/version.txt"
        fail "the installed 'convolve --version' did not exit within 60 s (it must print $version and exit without a display)"
    elif [ "$status" -ne 0 ]; then
        show "$tmp/version.txt"
        fail "the installed 'convolve --version' exits with status $status (expected 0 and a line with $version)"
    elif ! grep -qF -- "$version" "$tmp/version.txt"; then
        show "$tmp/version.txt"
        fail "the installed 'convolve --version' does not print the version $version"
    else
        note "convolve --version: $(grep -F -- "$version" "$tmp/version.txt" | head -n 1)"
    fi
fi

if [ "$failures" -ne 0 ]; then
    echo "install-test: $failures check(s) failed"
    exit 1
fi
note "all checks passed"
