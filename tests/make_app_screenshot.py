"""Regenerate docs/app.png, the README's picture of the app (plan preset, English).

    python tests/make_app_screenshot.py

Starts ``suqian-abm app`` on a free port, opens it in Debian's Chromium and saves the page.
Run it after a change that alters the app or the numbers it shows.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "app.png"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "abm.cli", "app", "--port", str(port)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise SystemExit("the app did not start within 90 s") from None
                time.sleep(0.3)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 960})
            page.goto(f"{url}/?preset=plan&lang=en")
            page.locator('[data-testid="emissions-chart"]').wait_for(timeout=60_000)
            page.wait_for_selector(".sq-app:not(.sq-busy)", timeout=60_000)
            page.wait_for_timeout(1500)  # chart animations
            page.screenshot(path=str(TARGET))
            browser.close()
        print(f"wrote {TARGET}")
    finally:
        server.terminate()
        server.wait(timeout=15)


if __name__ == "__main__":
    main()
