"""The app in a real browser: find Chromium, start ``suqian-abm app``, drive a page with Playwright.

Shared by ``tests/test_app.py`` and ``benchmarks/app_response.py`` (imported as ``app_browser``).
Chromium is Debian's (``apt-get install chromium``); Playwright's own browser download is not used.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_VARIABLE = "SUQIAN_ABM_CHROMIUM"
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
INSTALL_HINT = (
    "install Debian's Chromium (`sudo apt-get install chromium` on Debian or Ubuntu), "
    f"or set {CHROMIUM_VARIABLE} to the path of a Chromium executable"
)
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 900}
STARTUP_SECONDS = 90
WAIT_MS = 30_000
EXACT_MS = 240_000  # the exact runs of the members, queued behind others' on a busy machine
SETTLE_MS = 200
CHART = '[data-testid="emissions-chart"]'
THUMB = ".sq-param-{name} .v-slider-thumb"


def find_chromium(environ: Mapping[str, str] | None = None) -> Path | None:
    """The Chromium executable to drive, or None when there is none.

    ``SUQIAN_ABM_CHROMIUM``, when set, is the only place looked at; otherwise ``/usr/bin/chromium``,
    then ``chromium`` on ``PATH``.
    """
    environ = os.environ if environ is None else environ
    chosen = environ.get(CHROMIUM_VARIABLE)
    if chosen:
        path = Path(chosen)
        return path if path.is_file() and os.access(path, os.X_OK) else None
    if DEBIAN_CHROMIUM.is_file() and os.access(DEBIAN_CHROMIUM, os.X_OK):
        return DEBIAN_CHROMIUM
    found = shutil.which("chromium", path=environ.get("PATH"))
    return Path(found) if found else None


def missing_chromium(environ: Mapping[str, str] | None = None) -> str:
    """Why no Chromium was found, and how to install it."""
    environ = os.environ if environ is None else environ
    chosen = environ.get(CHROMIUM_VARIABLE)
    where = (
        f"{CHROMIUM_VARIABLE}={chosen} is not an executable file"
        if chosen
        else f"no Chromium at {DEBIAN_CHROMIUM} or on PATH"
    )
    return f"{where}: {INSTALL_HINT}"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def app_server(folder: Path) -> Iterator[str]:
    """`suqian-abm app --port N` in a subprocess started in ``folder`` (its log: ``folder/server.log``).

    Yields the app's address once it answers; raises RuntimeError when it exits or does not answer in time.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = folder / "server.log"
    with log_path.open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "abm.cli", "app", "--port", str(port)],
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"the app server exited ({proc.returncode}): {log_path.read_text('utf-8')}")
                try:
                    with urllib.request.urlopen(url, timeout=2) as response:
                        if response.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the app server did not answer within {STARTUP_SECONDS} s; log: {log_path}")
                time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def launch(playwright, executable: Path, *extra: str):
    """Chromium at ``executable``, headless, with ``extra`` command-line switches."""
    return playwright.chromium.launch(executable_path=str(executable), args=[*LAUNCH_ARGS, *extra])


@dataclass
class Session:
    """One browser page (its own context, so its own app session) and the errors it reported."""

    page: object
    errors: list[str] = field(default_factory=list)

    @classmethod
    def new(cls, browser) -> tuple[object, Session]:
        """A new browser context and a session on its one page, recording console errors."""
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        page = context.new_page()
        session = cls(page)
        page.on("console", lambda m: session.errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: session.errors.append(f"page error: {e}"))
        return context, session

    def open(self, url: str) -> Session:
        """Load ``url`` and wait until the chart is shown and no simulation is running."""
        self.page.goto(url)
        self.page.locator(CHART).wait_for(timeout=WAIT_MS)
        self.settled()
        return self

    def settled(self) -> None:
        """Wait until no simulation is running (the exact answer is shown)."""
        self.page.wait_for_selector(".sq-app:not(.sq-busy)", timeout=EXACT_MS)
        self.page.wait_for_timeout(SETTLE_MS)  # the last widget updates of the same render

    def wait_text(self, selector: str, text: str) -> None:
        """Wait until the first element matching ``selector`` contains ``text``."""
        self.page.wait_for_function(
            "([s, t]) => (document.querySelector(s)?.innerText ?? '').includes(t)",
            arg=[selector, text],
            timeout=WAIT_MS,
        )

    def text(self, selector: str) -> str:
        return self.page.locator(selector).first.inner_text()

    def digest(self) -> str:
        """The fingerprint of the main chart's current option."""
        return self.page.locator(CHART).get_attribute("data-digest")

    def assert_no_errors(self) -> None:
        assert not self.errors, "errors in the browser:\n" + "\n".join(self.errors)


def press(session: Session, name: str, key: str) -> float:
    """Move slider ``name`` with keyboard key ``key``; the seconds until the chart shows the new run."""
    page = session.page
    before = session.digest()
    page.locator(THUMB.format(name=name)).focus()
    page.evaluate("window.__sq_t0 = performance.now()")
    page.keyboard.press(key)
    page.wait_for_function(
        "d => document.querySelector('[data-testid=\"emissions-chart\"]').getAttribute('data-digest') !== d",
        arg=before,
        timeout=WAIT_MS,
    )
    seconds = page.evaluate("(performance.now() - window.__sq_t0) / 1000")
    session.settled()
    return seconds
