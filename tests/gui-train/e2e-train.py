#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end through AT-SPI: start a shapes training from the Train page's
Start button and read the state "Finished" from the label named "Training
status", and the last log line from "Training log". Runs the page in
train-demo (the window integration has its own e2e test)."""
import argparse
import os
import subprocess
import sys
import time

import pyatspi

passed = failed = 0


def check(ok, what, detail=""):
    global passed, failed
    print(("PASS" if ok else "FAIL") + ": " + what + (" - " + detail if detail else ""), flush=True)
    if ok:
        passed += 1
    else:
        failed += 1
    return ok


def find(node, role, name, depth=0):
    if node is None or depth > 40:
        return None
    try:
        if node.getRole() == role and node.name == name:
            return node
        for i in range(node.childCount):
            found = find(node.getChildAtIndex(i), role, name, depth + 1)
            if found is not None:
                return found
    except Exception:
        return None
    return None


def dump(node, depth=0):
    if node is None or depth > 40:
        return
    if node.name:
        print("  " * depth + node.getRoleName() + " " + repr(node.name))
    for i in range(node.childCount):
        dump(node.getChildAtIndex(i), depth + 1)


def text_of(node):
    t = node.queryText()
    return t.getText(0, t.characterCount)


def wait_for(fn, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = fn()
        if value:
            return value
        time.sleep(0.05)
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--demo", required=True)
    args = parser.parse_args()

    proc = subprocess.Popen([args.demo, "train", "1280", "800", "-"])
    try:
        def app():
            desktop = pyatspi.Registry.getDesktop(0)
            for a in desktop:
                if a is not None and a.get_process_id() == proc.pid:
                    return a
            return None

        application = wait_for(app, 20)
        if not check(application is not None, "the page appears in the AT-SPI tree"):
            return
        status = wait_for(lambda: find(application, pyatspi.ROLE_LABEL, "Training status"), 10)
        if not check(status is not None, "label 'Training status' found"):
            return
        check(text_of(status) == "Ready", "state before training", text_of(status))

        start = find(application, pyatspi.ROLE_PUSH_BUTTON, "Start")
        if not check(start is not None, "button 'Start' found") or os.environ.get("E2E_DUMP"):
            dump(application)
            if start is None:
                return
        start.queryAction().doAction(0)
        running = wait_for(lambda: text_of(status) in ("Training", "Finished") and text_of(status), 5)
        check(running is not None, "the run starts", str(running))
        finished = wait_for(lambda: text_of(status) == "Finished", 120)
        check(finished is not None, "state 'Finished' read through AT-SPI", text_of(status))

        log = find(application, pyatspi.ROLE_TEXT, "Training log")
        if check(log is not None, "text 'Training log' found"):
            lines = text_of(log).splitlines()
            check(len(lines) == 20 and lines[-1].startswith("Epoch 20/20 · loss "),
                  "one log line per epoch", lines[-1] if lines else "")
    finally:
        proc.terminate()
        proc.wait(10)
        print(f"{passed} passed, {failed} failed", flush=True)


main()
sys.exit(1 if failed else 0)
