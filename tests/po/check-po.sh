#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# check-po.sh CHECK SRCDIR: the translation checks, one per meson test.
#
#   check     every catalogue in po/LINGUAS passes msgfmt --check --check-format
#   coverage  every message xgettext finds in the files of po/POTFILES is
#             translated, and not fuzzy, in every catalogue in po/LINGUAS
#   files     every file under src/ and ui/ with a translatable string is in
#             po/POTFILES (and in its directory's POTFILES.part, where there
#             is one, since po/POTFILES is assembled from those by hand), and
#             every file listed in them exists
#
# Each problem prints one line starting with FAIL; the script exits 1 if
# there was any.
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 check|coverage|files SRCDIR" >&2
    exit 2
fi
check=$1
srcdir=$2
cd "$srcdir"

# How many msgids to show for one language before "and N more".
show_max=8

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

need() {
    local tool
    for tool in "$@"; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "check-po: $tool is not installed; skipping" >&2
            exit 77
        fi
    done
}

# The languages of po/LINGUAS: whitespace-separated, # starts a comment.
linguas() {
    sed -e 's/#.*//' po/LINGUAS | tr -s '[:space:]' '\n' | sed '/^$/d'
}

# The files listed in a POTFILES-style list: one a line, # comments.
listed_files() {
    sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$1" | sed '/^$/d'
}

# show_messages FILE [LINE...]: one line per PO entry of FILE, its context
# in [brackets] and its msgid as written in the file, without the quotes
# between continuation lines. With LINE numbers, only the entries that
# contain one of those lines (msgcmp names the line of the msgstr); without,
# every entry but the header. Entries are separated by blank lines.
show_messages() {
    local file=$1
    shift
    awk -v wanted="$*" '
        BEGIN {
            n = split(wanted, list, " ")
            for (i = 1; i <= n; i++)
                want[list[i]] = 1
            all = (n == 0)
        }
        function unquote(s) {
            sub(/^[^"]*"/, "", s)
            sub(/"[[:space:]]*$/, "", s)
            return s
        }
        function flush() {
            if ((all || picked) && (ctx != "" || id != ""))
                print "    " (ctx != "" ? "[" ctx "] " : "") "\"" id "\""
            picked = 0; ctx = ""; id = ""; field = ""
        }
        /^[[:space:]]*$/ { flush(); next }
        FNR in want { picked = 1 }
        /^msgctxt / { field = "ctx"; ctx = unquote($0); next }
        /^msgid / { field = "id"; id = unquote($0); next }
        /^"/ {
            if (field == "ctx") ctx = ctx unquote($0)
            else if (field == "id") id = id unquote($0)
            next
        }
        { field = "" }
        END { flush() }
    ' "$file"
}

# print_some N: the first $show_max lines of stdin, then how many more.
print_some() {
    local total=$1 lines
    lines=$(cat)
    printf '%s\n' "$lines" | head -n "$show_max"
    if [ "$total" -gt "$show_max" ]; then
        echo "    … and $((total - show_max)) more"
    fi
}

langs=$(linguas)
if [ -z "$langs" ]; then
    echo "FAIL: po/LINGUAS lists no language"
    exit 1
fi

case $check in

# ------------------------------------------------------------------ check
check)
    need msgfmt
    for lang in $langs; do
        po=po/$lang.po
        if [ ! -f "$po" ]; then
            fail "$po is listed in po/LINGUAS but does not exist"
            continue
        fi
        if ! output=$(msgfmt --check --check-format -o /dev/null "$po" 2>&1); then
            printf '%s\n' "$output" | sed 's/^/    | /'
            fail "msgfmt --check --check-format reports errors in $po (above)"
        else
            echo "check-po: $po: msgfmt --check --check-format passes"
        fi
    done
    ;;

# ------------------------------------------------------------------ coverage
coverage)
    need xgettext msgcmp msgattrib
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/convolve-po.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    pot=$tmp/convolve.pot

    # The template as `ninja convolve-pot` makes it: meson's gettext script
    # runs xgettext in the source root on po/POTFILES with -k_ and the
    # arguments of i18n.gettext(preset: 'glib'), copied here from
    # mesonbuild/modules/i18n.py (PRESET_ARGS['glib']).
    glib_preset=(
        '--from-code=UTF-8'
        '--add-comments'
        '--keyword=_'
        '--keyword=N_'
        '--keyword=C_:1c,2'
        '--keyword=NC_:1c,2'
        '--keyword=g_dcgettext:2'
        '--keyword=g_dngettext:2,3'
        '--keyword=g_dpgettext2:2c,3'
        '--flag=N_:1:pass-c-format'
        '--flag=C_:2:pass-c-format'
        '--flag=NC_:2:pass-c-format'
        '--flag=g_dngettext:2:pass-c-format'
        '--flag=g_strdup_printf:1:c-format'
        '--flag=g_string_printf:2:c-format'
        '--flag=g_string_append_printf:2:c-format'
        '--flag=g_error_new:3:c-format'
        '--flag=g_set_error:4:c-format'
        '--flag=g_markup_printf_escaped:1:c-format'
        '--flag=g_log:3:c-format'
        '--flag=g_print:1:c-format'
        '--flag=g_printerr:1:c-format'
        '--flag=g_printf:1:c-format'
        '--flag=g_fprintf:2:c-format'
        '--flag=g_sprintf:2:c-format'
        '--flag=g_snprintf:3:c-format'
    )
    if ! xgettext --package-name=convolve --files-from=po/POTFILES --directory=. \
            -k_ --output="$pot" "${glib_preset[@]}"; then
        echo "FAIL: xgettext cannot make a template from the files in po/POTFILES"
        exit 1
    fi
    if [ ! -s "$pot" ]; then
        echo "FAIL: xgettext finds no message in the files of po/POTFILES"
        exit 1
    fi
    total=$(grep -c '^msgid ' "$pot")
    total=$((total - 1))   # the header
    echo "check-po: the files in po/POTFILES have $total messages"

    for lang in $langs; do
        po=po/$lang.po
        if [ ! -f "$po" ]; then
            fail "$po is listed in po/LINGUAS but does not exist"
            continue
        fi

        # msgcmp: every msgid of the template must be in the catalogue,
        # translated and not fuzzy (no --use-untranslated, no --use-fuzzy).
        # It names each problem as FILE:LINE (in English: the C locale):
        # the template's line for a message the catalogue lacks, the
        # catalogue's line for one that is there untranslated or fuzzy.
        status=0
        LC_ALL=C LANGUAGE='' msgcmp -N "$po" "$pot" >"$tmp/msgcmp.txt" 2>&1 || status=$?
        sed -n -e 's/^\(.*\):\([0-9][0-9]*\): this message is used but not defined.*/absent\t\1\t\2/p' \
               -e 's/^\(.*\):\([0-9][0-9]*\): this message is untranslated$/untranslated\t\1\t\2/p' \
               -e 's/^\(.*\):\([0-9][0-9]*\): this message needs to be reviewed by the translator$/fuzzy\t\1\t\2/p' \
               "$tmp/msgcmp.txt" >"$tmp/problems.tsv"
        problems=$(wc -l <"$tmp/problems.tsv")
        if [ "$problems" -gt 0 ]; then
            counts=$(cut -f 1 "$tmp/problems.tsv" | LC_ALL=C sort | uniq -c |
                     awk '{ printf "%s%d %s", (NR > 1 ? ", " : ""), $1, $2 }')
            fail "$po: $problems of $total messages are not translated ($counts):"
            while IFS=$'\t' read -r kind file line; do
                printf '    %-12s ' "$kind:"
                show_messages "$file" "$line" | head -n 1 | sed 's/^ *//'
            done <"$tmp/problems.tsv" | print_some "$problems"
        elif [ "$status" -ne 0 ]; then
            sed 's/^/    | /' "$tmp/msgcmp.txt"
            fail "msgcmp $po against the fresh template fails (its output is above)"
        else
            echo "check-po: $po: all $total messages translated"
        fi

        # And no fuzzy entries at all, used or not (the obsolete #~ ones
        # are not used and do not count).
        msgattrib --only-fuzzy --no-obsolete "$po" >"$tmp/fuzzy.po"
        fuzzy=$(grep -c '^#,.*fuzzy' "$tmp/fuzzy.po" || true)
        if [ "$fuzzy" -gt 0 ]; then
            fail "$po: $fuzzy fuzzy entries:"
            show_messages "$tmp/fuzzy.po" | print_some "$fuzzy"
        fi
    done
    ;;

# ------------------------------------------------------------------ files
files)
    # The files that a person's text comes from: C sources and headers,
    # GtkBuilder files, and .in/.xml data. Not tests/, not Markdown.
    pattern='(^|[^[:alnum:]_])(_|N_|C_|NC_|ngettext|g_dngettext|g_dcgettext|g_dpgettext2?)[[:space:]]*\(|translatable="yes"'
    mapfile -t translatable < <(
        find src ui -type f \( -name '*.c' -o -name '*.h' -o -name '*.inc' \
            -o -name '*.ui' -o -name '*.in' -o -name '*.xml' \) -print0 |
        xargs -0 grep -lE -- "$pattern" | LC_ALL=C sort)
    mapfile -t parts < <(find src ui -name POTFILES.part -print | LC_ALL=C sort)

    # What each list holds: in_list[LIST:FILE] is set for every entry.
    declare -A in_list=()
    for list in po/POTFILES "${parts[@]}"; do
        while read -r file; do
            in_list[$list:$file]=1
            # Every listed file exists.
            [ -f "$file" ] || fail "$list lists $file, which does not exist"
        done < <(listed_files "$list")
    done

    # Every file with a translatable string is in po/POTFILES, and in the
    # POTFILES.part of its directory or the nearest parent that has one.
    for file in "${translatable[@]}"; do
        [ -n "${in_list[po/POTFILES:$file]:-}" ] ||
            fail "$file has translatable strings but is not in po/POTFILES"
        dir=$(dirname "$file")
        while [ "$dir" != . ]; do
            if [ -f "$dir/POTFILES.part" ]; then
                [ -n "${in_list[$dir/POTFILES.part:$file]:-}" ] ||
                    fail "$file has translatable strings but is not in $dir/POTFILES.part"
                break
            fi
            dir=$(dirname "$dir")
        done
    done

    # What a part lists, po/POTFILES lists.
    for part in "${parts[@]}"; do
        while read -r file; do
            [ -n "${in_list[po/POTFILES:$file]:-}" ] ||
                fail "$part lists $file, but po/POTFILES does not"
        done < <(listed_files "$part")
    done
    [ "$failures" -ne 0 ] ||
        echo "check-po: all ${#translatable[@]} files with translatable strings under src/ and ui/ are in po/POTFILES; every listed file exists"
    ;;

*)
    echo "usage: $0 check|coverage|files SRCDIR" >&2
    exit 2
    ;;
esac

if [ "$failures" -ne 0 ]; then
    echo "check-po $check: $failures problem(s)"
    exit 1
fi
