#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Screenshots of the main window for the README: draws a figure with the
mouse and saves the window as PNG. Run by take-screenshots.sh, which sets up
Xvfb at the wanted size, a private bus and the settings (size, mode, style).

usage: screenshots.py --app APP --out FILE.png --figure seven|triangle|none
                      [--page draw|convolution|network|train|learn]
                      [--presentation]
"""
import argparse
import importlib.util
import os
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("e2e", os.path.join(here, "e2e-window.py"))
e2e = importlib.util.module_from_spec(spec)
spec.loader.exec_module(e2e)


def seven(rect):
    x, y, w, h = rect
    pts = []
    for i in range(9):                      # the top bar, left to right
        pts.append((x + int(w * (0.30 + 0.40 * i / 8)), y + int(h * 0.25)))
    for i in range(1, 13):                  # the stem, down to the left
        pts.append((x + int(w * (0.70 - 0.22 * i / 12)), y + int(h * (0.25 + 0.52 * i / 12))))
    return pts


def triangle(rect):
    x, y, w, h = rect
    corners = [(0.5, 0.25), (0.75, 0.72), (0.25, 0.72), (0.5, 0.25)]
    pts = []
    for (ax, ay), (bx, by) in zip(corners, corners[1:]):
        for i in range(8):
            t = i / 8
            pts.append((x + int(w * (ax + (bx - ax) * t)), y + int(h * (ay + (by - ay) * t))))
    pts.append((x + int(w * 0.5), y + int(h * 0.25)))
    return pts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--app", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--figure", default="seven")
    ap.add_argument("--page", default="draw")
    ap.add_argument("--presentation", action="store_true",
                    help="press F5 first: presentation mode")
    args = ap.parse_args()

    env = dict(os.environ, GDK_BACKEND="x11")
    proc = subprocess.Popen([args.app], env=env)
    try:
        wids = e2e.poll(lambda: subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", "^Convolve$"],
            capture_output=True, text=True).stdout.split(), 30)
        if not wids:
            sys.exit("no window")
        win = e2e.Window(wids[0])
        app = e2e.poll(lambda: e2e.app_for_pid(proc.pid), 20)
        canvas = e2e.poll(lambda: e2e.find(app, lambda a: a.name in ("Drawing canvas", "Zeichenfläche", "绘图画布")), 5)
        time.sleep(0.5)
        if args.figure != "none":
            e2e.drag({"seven": seven, "triangle": triangle}[args.figure](win.rect(canvas)))
        time.sleep(1.0)                     # bars settle, toasts fade in
        if args.presentation:
            e2e.run("xdotool", "key", "F5")
            time.sleep(5.0)                 # its toast times out after 4 s
        pages = ["draw", "convolution", "network", "train", "learn"]
        if args.page != "draw":             # Alt+N shows page N
            e2e.run("xdotool", "key", f"alt+{pages.index(args.page) + 1}")
            time.sleep(1.5)
        e2e.run("import", "-window", win.wid, args.out)
        print(f"wrote {args.out}")
    finally:
        proc.terminate()
        proc.wait(timeout=5)


if __name__ == "__main__":
    main()
