"""Response time of the app in Chromium: slider to updated chart, and first page usable.

Starts ``suqian-abm app`` on a free port and drives Chromium with Playwright (the browser
tests' helpers, ``tests/app_browser.py``; Chromium from ``$SUQIAN_ABM_CHROMIUM``,
``/usr/bin/chromium`` or ``PATH``). It

1. moves subsidy sliders up ``--steps`` times with Page Up, each time to settings not run
   before (a new run), then back down the same way (each run cached), timing from the key
   press to the chart showing the new results;
2. opens the plan in ``--loads`` new browser sessions, timing from the request to a chart
   shown with no run under way;
3. times, in this process, the model runs of the same settings as the app makes them (the
   baseline: how long the model alone takes).

Prints median and 95th percentile of each, and, last, ``name=value`` pairs with the ratio
of each response to the median model run:

    python benchmarks/app_response.py                       # 10 steps each way, 5 page loads
    python benchmarks/app_response.py --steps 20 --loads 10
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from app_browser import CHART, WAIT_MS, Session, app_server, find_chromium, launch, missing_chromium, press

from abm.parameters import registry
from abm.run import run
from webapp import catalogue, numbers, runs, state

SLIDERS = ("pv_subsidy", "storage_subsidy", "ev_subsidy")  # moved in this order, each up to its maximum
PAGE_UP = "PageUp"
PAGE_DOWN = "PageDown"


def page_jump(name: str) -> float:
    """How far Page Up moves slider ``name`` (Vuetify: a tenth of the range, or ten steps on short sliders)."""
    p = registry()[name]
    step = numbers.slider_step(p)
    steps = round((p.high - p.low) / step)
    return step * (steps / 10 if steps > 100 else 10)


def slider_path(steps: int, start: state.Settings) -> list[tuple[str, state.Settings]]:
    """The slider moved at each of ``steps`` Page Up presses and the settings after it."""
    path: list[tuple[str, state.Settings]] = []
    settings = start
    for name in SLIDERS:
        high = registry()[name].high
        value = settings.scenario().values[name]
        while len(path) < steps and value + page_jump(name) <= high + 1e-9:
            value = value + page_jump(name)
            settings = settings.with_value(name, value)
            path.append((name, settings))
    if len(path) < steps:
        raise SystemExit(f"--steps {steps}: the sliders {', '.join(SLIDERS)} allow at most {len(path)} Page Up steps")
    return path


def shown_settings(session: Session) -> dict[str, float]:
    """The overrides in the page's address."""
    settings, problems = state.parse_query(urllib.parse.urlsplit(session.page.url).query)
    if problems:
        raise RuntimeError(f"the page's address has problems: {problems}")
    return dict(settings.overrides)


def same(shown: dict[str, float], expected: state.Settings) -> bool:
    want = dict(expected.overrides)
    return shown.keys() == want.keys() and all(math.isclose(shown[k], want[k], abs_tol=1e-9) for k in want)


def page_load_seconds(browser, url: str) -> float:
    """Seconds from requesting ``url`` in a new session to the chart shown with no run under way."""
    context, session = Session.new(browser)
    try:
        started = time.perf_counter()
        session.page.goto(url)
        session.page.locator(CHART).wait_for(timeout=WAIT_MS)
        session.page.wait_for_selector(".sq-app:not(.sq-busy)", timeout=WAIT_MS)
        seconds = time.perf_counter() - started
        session.assert_no_errors()
        return seconds
    finally:
        context.close()


def model_run_seconds(path: list[tuple[str, state.Settings]]) -> list[float]:
    """Seconds of the model run of each settings in ``path``, in this process, as the app runs them."""
    run(state.Settings().scenario(), seed=runs.SEED, households=runs.HOUSEHOLDS)  # warm-up: caches, lazy imports
    seconds = []
    for _, settings in path:
        started = time.perf_counter()
        run(settings.scenario(), seed=runs.SEED, households=runs.HOUSEHOLDS)
        seconds.append(time.perf_counter() - started)
    return seconds


def summary(seconds: list[float]) -> tuple[float, float]:
    """Median and 95th percentile (linear interpolation), seconds."""
    return statistics.median(seconds), float(np.percentile(seconds, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10, help="slider steps up (new runs) and back (cached runs)")
    parser.add_argument("--loads", type=int, default=5, help="page loads in new browser sessions")
    args = parser.parse_args()
    if args.steps < 1 or args.loads < 1:
        raise SystemExit("--steps and --loads must be at least 1")
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit(f"no browser: {missing_chromium()}")
    start = state.Settings(catalogue.DEFAULT_PRESET, (), "en")
    path = slider_path(args.steps, start)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, app_server(Path(folder)) as url, sync_playwright() as pw:
        browser = launch(pw, chromium)
        try:
            link = f"{url}/?{start.query()}"
            loads = [page_load_seconds(browser, link) for _ in range(args.loads)]
            context, session = Session.new(browser)
            session.open(link)
            new = [press(session, name, PAGE_UP) for name, _ in path]
            if not same(shown_settings(session), path[-1][1]):
                raise RuntimeError(
                    f"the sliders did not reach {path[-1][1].query()}: the page shows {session.page.url}"
                )
            cached = [press(session, name, PAGE_DOWN) for name, _ in reversed(path)]
            if not same(shown_settings(session), start):
                raise RuntimeError(f"the sliders did not return to the plan: the page shows {session.page.url}")
            session.assert_no_errors()
            context.close()
        finally:
            browser.close()
    model = model_run_seconds(path)

    baseline = statistics.median(model)
    rows = {"slider, new run": new, "slider, cached run": cached, "first page usable": loads, "model run alone": model}
    for label, seconds in rows.items():
        median, p95 = summary(seconds)
        print(f"{label:<20} median {median:.3f} s, 95th percentile {p95:.3f} s ({len(seconds)} times)")
    pairs = []
    for key, seconds in (("new_run", new), ("cached_run", cached), ("page_load", loads)):
        median, p95 = summary(seconds)
        pairs += [f"{key}_median_s={median:.3f}", f"{key}_p95_s={p95:.3f}", f"{key}_ratio={median / baseline:.2f}"]
    print(" ".join([*pairs, f"model_run_median_s={baseline:.3f}"]))


if __name__ == "__main__":
    main()
