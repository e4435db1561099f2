#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of Convolve's main window, driven the way a student would.

Runs inside an X server (DISPLAY) and a private session bus; run-e2e.sh sets
both up. Must be Debian's /usr/bin/python3, where pyatspi lives.

  1. start build/src/gui/convolve, wait for its window and AT-SPI tree
  2. find "Drawing canvas", "Prediction", the "Clear" button and the class bars
  3. draw a 1 with the mouse (xdotool); "Prediction" must read "1"
  4. press Clear (a real click where AT-SPI says it is); "Prediction" empties
  5. draw a 0; "Prediction" must read "0"
  6. Clear through the AT-SPI Action interface, undo that with Ctrl+Z,
     clear again with the Delete key: everything but drawing by keyboard

Recognition is only asserted when the shipped digits model loaded (the
window then has ten class bars); otherwise those checks are reported as
SKIP and the rest still runs. Last line: "N passed, M failed".
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

import pyatspi

TITLE = "Convolve"
results = []


T0 = time.monotonic()


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(f"{'PASS' if ok else 'FAIL'} [{time.monotonic() - T0:5.1f}s]: {name}{' - ' + str(detail) if detail != '' else ''}",
          flush=True)
    return ok


def skip(name, why):
    print(f"SKIP: {name} - {why}", flush=True)


def run(*args, timeout=15):
    return subprocess.run(args, check=True, capture_output=True, text=True,
                          timeout=timeout).stdout


def poll(pred, timeout, interval=0.05):
    end = time.monotonic() + timeout
    while True:
        value = pred()
        if value or time.monotonic() > end:
            return value
        time.sleep(interval)


def walk(acc, pred, found=None, first=True):
    """Depth-first search; nodes can vanish while we walk."""
    found = [] if found is None else found
    try:
        if pred(acc):
            found.append(acc)
            if first:
                return found
        for child in acc:
            if child is not None:
                walk(child, pred, found, first)
                if first and found:
                    return found
    except Exception:
        pass
    return found


def find(acc, pred):
    hits = walk(acc, pred)
    return hits[0] if hits else None


def app_for_pid(pid):
    for app in pyatspi.Registry.getDesktop(0):
        try:
            if app is not None and app.childCount > 0 and \
                    (app.get_process_id() == pid or (pid is None and app.name == "convolve")):
                return app
        except Exception:
            pass
    return None


def class_bars(app):
    """The confidence panel's bars: other pages have progress bars too."""
    panel = find(app, lambda a: a.name in ("Confidence", "Konfidenz", "Sicherheit")
                 and a.getRole() in (pyatspi.ROLE_PANEL, pyatspi.ROLE_GROUPING))
    return walk(panel if panel is not None else app,
                lambda a: a.getRole() in (pyatspi.ROLE_PROGRESS_BAR, pyatspi.ROLE_LEVEL_BAR)
                and a.name != "Training progress",
                first=False)


def slider_value(acc):
    try:
        return acc.queryValue().currentValue
    except Exception:
        return None


def convolution_page(app, win, out):
    """Alt+2 shows the Convolution page with the focus in it: → steps."""
    run("xdotool", "windowfocus", "--sync", win.wid)
    run("xdotool", "key", "alt+2")
    scrub = poll(lambda: find(app, lambda a: a.name == "Position"
                              and a.getRole() == pyatspi.ROLE_SLIDER), 10)
    check("Alt+2 opens the Convolution page (its Position slider is there)", scrub is not None)
    if scrub is None:
        return
    time.sleep(0.5)
    run("xdotool", "key", "Home")
    start = poll(lambda: slider_value(scrub) == 0 and 0, 5)
    before = slider_value(scrub)
    run("xdotool", "key", "--delay", "80", "Right", "Right", "Right", "Right", "Right")
    got = poll(lambda: slider_value(scrub) == before + 5 and slider_value(scrub), 10)
    check("→ five times moves the position by five", got,
          f"from {before} to {slider_value(scrub)} (Home gave {start})")
    run("xdotool", "key", "Left")
    got = poll(lambda: slider_value(scrub) == before + 4 and slider_value(scrub), 5)
    check("← steps back", got, slider_value(scrub))
    shot = os.path.join(out, "shot-convolution.png")
    run("import", "-window", win.wid, shot)
    check("screenshot of the Convolution page", os.path.getsize(shot) > 1000, shot)


def train_page(app, win, timeout):
    """Alt+4, then the Start button: a shapes training runs to Finished."""
    run("xdotool", "windowfocus", "--sync", win.wid)
    run("xdotool", "key", "alt+4")
    status = poll(lambda: find(app, lambda a: a.name == "Training status"), 10)
    start = poll(lambda: find(app, lambda a: a.getRole() == pyatspi.ROLE_PUSH_BUTTON
                              and a.name == "Start"), 10)
    check("Alt+4 opens the Train page (status and Start found)",
          None not in (status, start), f"{status} {start}")
    if None in (status, start):
        return False
    shapes = find(app, lambda a: a.name.startswith("Shapes")
                  and a.getRole() in (pyatspi.ROLE_RADIO_BUTTON, pyatspi.ROLE_CHECK_BOX))
    if shapes is not None and not shapes.getState().contains(pyatspi.STATE_CHECKED):
        click(win, shapes)
        time.sleep(0.5)
    t = time.monotonic()
    start.queryAction().doAction(0)         # "clicked" comes 250 ms later
    got = poll(lambda: text_of(status) == "Finished" and "Finished", timeout, 0.25)
    check("a shapes training started from the Train page finishes", got,
          f"{text_of(status)!r} after {time.monotonic() - t:.1f}s")
    if not got:
        return False

    def press_use():
        # The page rebuilds widgets as a run ends: an accessible found a
        # moment ago may be gone ("The application no longer exists").
        try:
            use = find(app, lambda a: a.getRole() == pyatspi.ROLE_PUSH_BUTTON
                       and a.name == "Use This Model")
            return use is not None and (use.queryAction().doAction(0) or True)
        except Exception:
            return False

    def bar_names():
        try:
            return [b.name for b in class_bars(app)]
        except Exception:
            return []

    def toast_texts():
        try:
            return toasts(app)
        except Exception:
            return []

    if not poll(press_use, 10, 0.25):
        skip("Use This Model puts the shapes model on the Draw page", "no such button")
        return True
    shapes = ["circle", "square", "triangle"]
    ok = poll(lambda: bar_names() == shapes
              and any("Using the model you trained" in t for t in toast_texts()), 10)
    check("Use This Model puts the shapes model on the Draw page, with a toast",
          ok, (bar_names(), toast_texts()))
    run("xdotool", "windowfocus", "--sync", win.wid)
    run("xdotool", "key", "ctrl+1")
    digits = [str(d) for d in range(10)]
    ok = poll(lambda: bar_names() == digits, 10)
    check("... and Ctrl+1 goes back to the shipped digits model", ok, bar_names())
    return True


def text_of(acc):
    try:
        t = acc.queryText()          # getText(0, -1) is '' in GTK 4.8
        return t.getText(0, t.characterCount)
    except Exception:                # a busy or restarting AT-SPI: ask again
        return ""


def sensitive(acc):
    try:
        return acc.getState().contains(pyatspi.STATE_SENSITIVE)
    except Exception:
        return None


def visible(acc):
    """GTK 4.8 marks shown widgets VISIBLE (not SHOWING) and drops hidden
    ones from the tree."""
    try:
        return acc is not None and acc.getState().contains(pyatspi.STATE_VISIBLE)
    except Exception:
        return None


def presentation(app, win):
    """F5 turns presentation mode on: the secondary tools go, the canvas and
    the guess stay; Escape brings the tools back."""
    def brush():
        return find(app, lambda a: a.name == "Thinner brush"
                    and a.getRole() == pyatspi.ROLE_PUSH_BUTTON)
    check("the Draw page has a Thinner brush button", visible(brush()))
    run("xdotool", "windowfocus", "--sync", win.wid)
    run("xdotool", "key", "F5")
    # The hint is a toast that lives 4 s, and a walk of the tree takes a
    # second or more under ASan: look for the hint first and in the same
    # loop as the brush, remembering each once it has been seen.
    seen = {"hint": False, "hidden": False}

    def both():
        seen["hint"] = seen["hint"] or find(
            app, lambda a: a.getRole() == pyatspi.ROLE_LABEL
            and a.name.startswith("Presentation mode")) is not None
        seen["hidden"] = seen["hidden"] or not visible(brush())
        return seen["hint"] and seen["hidden"]
    poll(both, 10)
    check("F5: presentation mode hides the brush buttons", seen["hidden"])
    check("... and says how to leave it", seen["hint"])
    check("... and keeps the canvas and Clear",
          visible(find(app, lambda a: a.name == "Drawing canvas"))
          and visible(find(app, lambda a: a.name == "Clear")))
    run("xdotool", "key", "Escape")
    got = poll(lambda: visible(brush()), 5)
    check("Escape leaves presentation mode", got)


def resizes(app, win, canvas, pred):
    """The window survives 360×360 and 3840×2160 with the drawing and its
    prediction intact."""
    drag(one(win.rect(canvas)))
    got = poll(lambda: text_of(pred) == "1" and "1", 5)
    check("a 1 drawn before resizing", got == "1", repr(text_of(pred)))
    for w, h in ((360, 360), (3840, 2160), (1280, 800)):
        run("xdotool", "windowsize", win.wid, str(w), str(h))
        time.sleep(1.0)
        alive = safe(lambda: app.name, None) is not None
        check(f"resized to {w}×{h}: still running, the 1 still there",
              alive and poll(lambda: text_of(pred) == "1", 5), repr(text_of(pred)))
    run("xdotool", "key", "Delete")


def bar_percent(bar):
    """A class bar's percentage: the Value interface, else its description."""
    try:
        v = bar.queryValue()
        lo, hi, now = v.minimumValue, v.maximumValue, v.currentValue
        if hi > lo:
            return 100.0 * (now - lo) / (hi - lo), "value"
    except NotImplementedError:
        pass
    except Exception:
        return None, "error"
    desc = (bar.description or "").replace("%", "").strip()
    return (float(desc) if desc else None), "description"


class Window:
    def __init__(self, wid):
        self.wid = wid

    def origin(self):
        geo = dict(kv.split("=", 1) for kv in
                   run("xdotool", "getwindowgeometry", "--shell", self.wid).split())
        return int(geo["X"]), int(geo["Y"])

    def rect(self, acc):
        """Screen rectangle of an accessible (AT-SPI gives window coords)."""
        e = acc.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        ox, oy = self.origin()
        return ox + e.x, oy + e.y, e.width, e.height


def safe(f, default=None):
    """f(), or default when the accessible went away meanwhile."""
    try:
        return f()
    except Exception:
        return default


def click(win, acc):
    """A mouse click at the centre (check boxes have no AT-SPI action)."""
    x, y, w, h = win.rect(acc)
    run("xdotool", "mousemove", "--sync", str(x + w // 2), str(y + h // 2), "click", "1")


def drag(points, step=0.03):
    """Press, move through the points, release: one xdotool process. The
    pauses outlast a frame, so GTK's motion compression keeps every point."""
    cmd = ["xdotool", "mousemove", "--sync", str(points[0][0]), str(points[0][1]),
           "mousedown", "1"]
    for x, y in points[1:]:
        cmd += ["sleep", str(step), "mousemove", "--sync", str(x), str(y)]
    cmd += ["sleep", str(step), "mouseup", "1"]
    run(*cmd, timeout=60)


def one(rect):
    x, y, w, h = rect
    cx = x + w // 2
    return [(cx + int(w * 0.06), y + int(h * 0.22))] + \
           [(cx, y + int(h * (0.22 + 0.56 * i / 12))) for i in range(13)]


def zero(rect):
    import math
    x, y, w, h = rect
    cx, cy = x + w / 2, y + h / 2
    rx, ry = w * 0.22, h * 0.30
    return [(int(cx + rx * math.sin(2 * math.pi * i / 24)),
             int(cy - ry * math.cos(2 * math.pi * i / 24))) for i in range(26)]


def toasts(app):
    return [a.name for a in walk(app, lambda a: a.getRole() == pyatspi.ROLE_LABEL
                                 and ("Could not" in a.name or "Opened" in a.name
                                      or "Saved" in a.name or "Using the model" in a.name),
                                 first=False)]


def entry_with_text(app, text):
    def has(a):
        if a.getRole() not in (pyatspi.ROLE_TEXT, pyatspi.ROLE_ENTRY):
            return False
        return text_of(a) == text
    return find(app, has)


def file_dialog(app, title, path, select_all=False):
    """Drive GtkFileChooserNative's fallback dialog: type a path, check
    through AT-SPI that the entry holds it (under load the first keys can
    go elsewhere while the location entry opens), then Return."""
    wid = poll(lambda: subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"],
        capture_output=True, text=True).stdout.split(), 20)
    if not wid:
        return False
    time.sleep(0.5)                         # let it take the focus
    for attempt in range(3):
        run("xdotool", "windowfocus", "--sync", wid[0])
        if select_all or attempt > 0:       # the name or location entry
            run("xdotool", "key", "ctrl+a")
        else:
            run("xdotool", "key", "ctrl+l")
        time.sleep(0.5)
        run("xdotool", "type", "--delay", "10", path)
        if poll(lambda: entry_with_text(app, path), 5):
            break
    run("xdotool", "key", "Return")
    return True


def models(app, out, bars):
    def names():
        try:                                # bars vanish when a model loads
            return [b.name for b in bars()]
        except Exception:
            return []

    digits = [str(d) for d in range(10)]
    src = os.environ.get("CONVOLVE_SOURCE_DIR",
                         os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

    saved = os.path.join(out, "e2e-saved.cvm")
    if os.path.exists(saved):
        os.unlink(saved)
    run("xdotool", "key", "ctrl+s")
    check("Ctrl+S opens the save dialog", file_dialog(app, "Save Model", saved, select_all=True))
    ok = poll(lambda: os.path.exists(saved) and any("Saved" in t for t in toasts(app)), 20)
    check("the model is saved and a toast says so", ok, toasts(app))

    bad = os.path.join(out, "e2e-broken.cvm")
    with open(bad, "wb") as f:
        f.write(b"CVMODEL1" + bytes(range(200)))
    run("xdotool", "key", "ctrl+o")
    check("Ctrl+O opens the open dialog", file_dialog(app, "Open Model", bad))
    msg = poll(lambda: [t for t in toasts(app) if "Could not" in t], 20)
    check("a broken file gives a toast naming it", msg and "e2e-broken.cvm" in msg[0], msg)
    check("... and the digits model stays", names() == digits, names())

    shapes = os.path.join(src, "data", "models", "shapes.cvm")
    run("xdotool", "key", "ctrl+o")
    file_dialog(app, "Open Model", shapes)
    got = poll(lambda: names() == ["circle", "square", "triangle"] and names(), 20)
    check("opening the shapes model shows its classes", got, names())

    run("xdotool", "key", "ctrl+1")
    got = poll(lambda: names() == digits and names(), 20)
    check("Ctrl+1 goes back to the shipped digits model", got, names())

    run("xdotool", "key", "ctrl+o")
    file_dialog(app, "Open Model", saved)
    got = poll(lambda: any("e2e-saved.cvm" in t for t in toasts(app)) and names() == digits, 20)
    check("the saved model opens again", got, toasts(app))


def german(app, win, proc):
    """LANGUAGE=de: the same window, in German, still recognising digits."""
    canvas = poll(lambda: find(app, lambda a: a.name == "Zeichenfläche"), 5)
    pred = find(app, lambda a: a.name == "Vorhersage")
    clear = find(app, lambda a: a.getRole() == pyatspi.ROLE_PUSH_BUTTON and a.name == "Leeren")
    check("German names: Zeichenfläche, Vorhersage, Leeren", None not in (canvas, pred, clear),
          f"{canvas} {pred} {clear}")
    if None in (canvas, pred, clear):
        return
    prompt = find(app, lambda a: a.getRole() == pyatspi.ROLE_LABEL
                  and a.name == "Zeichne eine Ziffer")
    check("the German prompt 'Zeichne eine Ziffer'", prompt is not None)
    drag(one(win.rect(canvas)))
    got = poll(lambda: text_of(pred), 5)
    check("a drawn 1 is still recognised", got == "1", repr(got))
    run("xdotool", "windowfocus", "--sync", win.wid)
    run("xdotool", "key", "ctrl+q")
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pass
    check("Strg+Q quits", proc.poll() is not None, proc.poll())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--app", required=True)
    ap.add_argument("--out", default=None, help="directory for logs and screenshots")
    ap.add_argument("--german", action="store_true",
                    help="only check that the window runs in German (LANGUAGE=de)")
    args = ap.parse_args()
    out = args.out or os.environ.get("MESON_BUILD_ROOT", "/tmp")
    os.makedirs(out, exist_ok=True)

    # Settings in a private key file, so the test can read what was saved.
    config = os.path.join(out, "e2e-config-de" if args.german else "e2e-config")
    shutil.rmtree(config, ignore_errors=True)
    keyfile = os.path.join(config, "glib-2.0", "settings", "keyfile")
    env = dict(os.environ)
    env["GSETTINGS_BACKEND"] = "keyfile"
    env["XDG_CONFIG_HOME"] = config
    env["GDK_BACKEND"] = "x11"
    env.pop("GTK_A11Y", None)        # "none" would hide the AT-SPI tree
    env["LANGUAGE"] = "de" if args.german else "C"
    log = open(os.path.join(out, "e2e-app-de.log" if args.german else "e2e-app.log"), "w")
    t0 = time.monotonic()
    # E2E_WRAPPER="valgrind -q" or "gdb -batch -ex run -ex bt --args" to debug.
    wrapper = os.environ.get("E2E_WRAPPER", "").split()
    proc = subprocess.Popen(wrapper + [args.app], stdout=log, stderr=subprocess.STDOUT, env=env)

    def find_window():
        r = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{TITLE}$"],
                           capture_output=True, text=True)
        return r.stdout.split()

    try:
        poll(lambda: proc.poll() is not None or find_window(), 30)
        wids = find_window()
        if not check("window is mapped", bool(wids),
                     f"{time.monotonic() - t0:.2f}s, exit status {proc.poll()}"):
            return
        win = Window(wids[0])
        app = poll(lambda: app_for_pid(None if wrapper else proc.pid), 20)
        if not check("app is in the AT-SPI tree", app is not None,
                     f"{time.monotonic() - t0:.2f}s"):
            return

        if args.german:
            german(app, win, proc)
            return

        canvas = poll(lambda: find(app, lambda a: a.name == "Drawing canvas"), 5)
        pred = find(app, lambda a: a.name == "Prediction")
        clear = find(app, lambda a: a.getRole() == pyatspi.ROLE_PUSH_BUTTON
                     and a.name == "Clear")
        check("found Drawing canvas, Prediction and Clear",
              None not in (canvas, pred, clear), f"{canvas} {pred} {clear}")
        if None in (canvas, pred, clear):
            return
        bars = class_bars(app)
        names = [b.name for b in bars]
        have_model = len(bars) > 0
        have_digits = names == [str(d) for d in range(10)]
        if have_digits:
            check("ten class bars named 0-9", True, names)
        else:
            skip("ten class bars named 0-9",
                 f"the shipped digits model did not load (bars: {names})")

        check("Prediction is empty before drawing", text_of(pred) == "", repr(text_of(pred)))

        crect = win.rect(canvas)
        check("canvas is big enough to draw on", crect[2] >= 150 and crect[3] >= 150, crect)

        # -- a 1 --------------------------------------------------------------
        check("Clear is disabled on an empty canvas", sensitive(clear) is False)
        drag(one(crect))
        check("Clear is enabled once there is ink", poll(lambda: sensitive(clear), 5))
        got = poll(lambda: text_of(pred), 5)
        if have_model:
            check("Prediction is not empty after drawing", got != "", repr(got))
        else:
            skip("Prediction after drawing", "no model loaded")
        if have_digits:
            check("a drawn 1 is recognised as 1", got == "1", repr(got))
            bar = next(b for b in bars if b.name == "1")
            pct = poll(lambda: (lambda p: p if p[0] and p[0] > 0 else None)(bar_percent(bar)), 3)
            check("bar '1' exposes its percentage", pct is not None and 0 < pct[0] <= 100,
                  pct)
        if args.out:
            run("import", "-window", "root", os.path.join(out, "e2e-1.png"))

        # -- Clear with a real click where AT-SPI puts the button --------------
        bx, by, bw, bh = win.rect(clear)
        run("xdotool", "mousemove", "--sync", str(bx + bw // 2), str(by + bh // 2),
            "click", "1")
        got = poll(lambda: text_of(pred) == "" and sensitive(clear) is False and "empty", 5)
        check("clicking Clear empties Prediction and the canvas", got == "empty",
              repr(text_of(pred)))

        # -- a 0 --------------------------------------------------------------
        drag(zero(crect))
        got = poll(lambda: text_of(pred), 5)
        if have_model:
            check("Prediction is not empty after the second drawing", got != "", repr(got))
        if have_digits:
            check("a drawn 0 is recognised as 0", got == "0", repr(got))
        if args.out:
            run("import", "-window", "root", os.path.join(out, "e2e-0.png"))

        # -- the keyboard: Clear by AT-SPI action, undo, Delete -----------------
        action = clear.queryAction()
        acts = [action.getName(i) for i in range(action.nActions)]
        action.doAction(acts.index("click") if "click" in acts else 0)
        # GtkButton's "activate" emits clicked 250 ms later: poll.
        got = poll(lambda: text_of(pred) == "" and sensitive(clear) is False and "empty", 5)
        check("Clear through AT-SPI empties Prediction and the canvas", got == "empty",
              repr(text_of(pred)))

        run("xdotool", "windowfocus", "--sync", win.wid)
        run("xdotool", "key", "ctrl+z")
        got = poll(lambda: sensitive(clear) and (text_of(pred) or not have_model), 5)
        check("Ctrl+Z brings the drawing back", got, repr(text_of(pred)))
        if have_digits:
            check("... and its prediction", text_of(pred) == "0", repr(text_of(pred)))
        run("xdotool", "key", "Delete")
        got = poll(lambda: text_of(pred) == "" and sensitive(clear) is False and "empty", 5)
        check("the Delete key clears", got == "empty", repr(text_of(pred)))

        # -- models: save, a broken file, another model, back by mode --------
        if have_model:
            models(app, out, lambda: class_bars(app))

        # -- the other pages ----------------------------------------------
        convolution_page(app, win, out)
        trained = train_page(app, win, float(os.environ.get("E2E_TRAIN_TIMEOUT", "240")))

        # -- presentation mode, the brush from the keyboard, then Ctrl+Q ---
        run("xdotool", "windowfocus", "--sync", win.wid)
        run("xdotool", "key", "alt+1")
        time.sleep(0.3)
        presentation(app, win)
        resizes(app, win, canvas, pred)
        run("xdotool", "key", "plus", "plus")
        got = poll(lambda: find(app, lambda a: a.getRole() == pyatspi.ROLE_LABEL
                                and a.name == "10"), 5)
        check("+ + makes the brush 10", got is not None)
        # Quit while a second training runs: dispose cancels and joins it.
        status = find(app, lambda a: a.name == "Training status") if trained else None
        if status is not None:
            run("xdotool", "key", "alt+4")
            digits = find(app, lambda a: a.name.startswith("Digits")
                          and a.getRole() in (pyatspi.ROLE_RADIO_BUTTON, pyatspi.ROLE_CHECK_BOX))
            if digits is not None:          # long enough to still run at Ctrl+Q
                click(win, digits)
                poll(lambda: "CHECKED" in str(safe(lambda: digits.getState().getStates())), 5)
            else:
                print("no Digits dataset button: training shapes", flush=True)
            time.sleep(0.5)
            run("xdotool", "key", "F6")
            got = poll(lambda: text_of(status) == "Training", 10)
            check("F6 starts training on the Train page", got, repr(text_of(status)))
        training = status is not None and text_of(status) == "Training"
        if not training:
            skip("Ctrl+Q during training exits within a second",
                 f"no training running at Ctrl+Q ({text_of(status) if status else None!r})")
        t = time.monotonic()
        run("xdotool", "key", "ctrl+q")
        try:
            rc = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            rc = None
        took = time.monotonic() - t
        if training:
            # One second, plus slack for a loaded machine or the sanitizers.
            limit = 5.0 if "ASAN_OPTIONS" in os.environ else 1.0
            check("Ctrl+Q during training exits within a second", rc is not None and took < limit,
                  f"{took:.2f}s")
        if "detect_leaks=1" in os.environ.get("ASAN_OPTIONS", ""):
            # LeakSanitizer's exit status counts GTK's and GIO's caches too.
            check("Ctrl+Q quits", rc is not None, rc)
        else:
            check("Ctrl+Q quits with status 0", rc == 0, rc)
        saved = open(keyfile).read() if os.path.exists(keyfile) else ""
        check("the window size and the brush are saved",
              "window-width=" in saved and "brush-size=10" in saved, saved.split())
        print(f"driver time {time.monotonic() - t0:.2f}s", flush=True)
    finally:
        if proc.poll() is not None and proc.returncode != 0:
            print(f"app exited with status {proc.returncode}", flush=True)
        elif proc.poll() is None:
            print("app still running at the end", flush=True)
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:
        check("driver ran to the end", False, f"{type(exc).__name__}: {exc}")
    passed = sum(results)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    sys.exit(0 if results and failed == 0 else 1)
