#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# app-options.sh CONVOLVE VERSION: the window's command line without a
# display — --version, --help, and unknown --mode / --page values, which
# must be refused with exit status 2 and a line naming the value.
set -uo pipefail
app=${1:?usage: app-options.sh CONVOLVE VERSION}
version=${2:?usage: app-options.sh CONVOLVE VERSION}
failed=0 passed=0

check () {   # name, then a command that must succeed
  local name=$1; shift
  if "$@"; then
    passed=$((passed + 1)); echo "ok - $name"
  else
    failed=$((failed + 1)); echo "not ok - $name"
  fi
}

unset DISPLAY WAYLAND_DISPLAY
out=$("$app" --version 2>&1); rc=$?
check "--version exits 0" test "$rc" -eq 0
check "--version prints 'convolve $version'" test "$out" = "convolve $version"

out=$("$app" --help 2>&1); rc=$?
check "--help exits 0" test "$rc" -eq 0
for option in --mode --page --model --presentation --version; do
  check "--help lists $option" grep -q -- "$option" <<<"$out"
done

out=$("$app" --mode squares 2>&1); rc=$?
check "--mode squares exits 2" test "$rc" -eq 2
check "... naming the value and the choices" grep -q "squares.*digits, shapes or my-classes" <<<"$out"

out=$("$app" --page gallery 2>&1); rc=$?
check "--page gallery exits 2" test "$rc" -eq 2
check "... naming the value and the choices" grep -q "gallery.*draw, convolution, network, train or learn" <<<"$out"

out=$("$app" --no-such-option 2>&1); rc=$?
check "an unknown option exits non-zero" test "$rc" -ne 0

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
