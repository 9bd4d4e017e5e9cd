"""Regenerate docs/app.png, the README's picture of the app (plan preset, English).

    python tests/make_app_screenshot.py

Starts ``suqian-abm app`` on a free port, opens it in Chromium (found as the browser tests
find it, see ``tests/app_browser.py``) and saves the page. Run it after a change that
alters the app or the numbers it shows.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from app_browser import app_server, find_chromium, launch, missing_chromium
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "app.png"


def main() -> None:
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit(missing_chromium())
    with tempfile.TemporaryDirectory() as folder, app_server(Path(folder)) as url, sync_playwright() as pw:
        browser = launch(pw, chromium)
        page = browser.new_page(viewport={"width": 1440, "height": 960})
        page.goto(f"{url}/?preset=plan&lang=en")
        page.locator('[data-testid="emissions-chart"]').wait_for(timeout=60_000)
        page.wait_for_selector(".sq-app:not(.sq-busy)", timeout=60_000)
        page.wait_for_timeout(1500)  # chart animations
        page.screenshot(path=str(TARGET))
        browser.close()
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
