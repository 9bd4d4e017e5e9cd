"""Response time of the app in Chromium: slider to estimate and to exact answer, first page, 20 sessions at once.

Starts ``suqian-abm app`` on a free port and drives Chromium with Playwright (the browser
tests' helpers, ``tests/app_browser.py``; Chromium from ``$SUQIAN_ABM_CHROMIUM``,
``/usr/bin/chromium`` or ``PATH``). Every page carries a small watcher that notes, in the
page's own clock, when the main chart first shows an answer for the settings asked for
(the emulator's estimate, or the exact answer at a preset) and when the exact answer of the
20 members is shown with nothing left running. It

1. moves subsidy sliders up ``--steps`` times with Page Up, each time to settings not run
   before, timing from the key press to the updated chart and band (estimate) and to the
   exact answer;
2. opens the plan in ``--loads`` new browser sessions, timing from the request to the first
   usable page (chart with an answer) and to the exact answer;
3. opens ``--crowd`` browser sessions (default 20): ``--crowd-links`` of them (default half)
   open a different link (random settings) at the same moment, the others (already on the
   plan) move a slider at the same moment; time until each shows its answer and its exact answer, and the CPU seconds the
   server's process spent until then (the browsers share this machine's cores with the server,
   as a room's laptops would not: the server's CPU per session says what it costs);
4. times, in this process, one model run of each slider setting (the baseline: how long the
   model alone takes).

Prints median and 95th percentile (and the maximum for the crowd) of each, the load average
at the start, and, last, ``name=value`` pairs with the ratio of each median to the median
model run:

    python benchmarks/app_response.py                       # 5 steps, 3 page loads, 20 sessions at once
    python benchmarks/app_response.py --steps 10 --loads 5 --crowd 10
    python benchmarks/app_response.py --crowd-links 0       # a room whose 20 pages are open: 20 sliders at once
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from app_browser import EXACT_MS, THUMB, WAIT_MS, Session, app_server, find_chromium, launch, missing_chromium
from app_pageload import server_cpu_seconds

from abm.parameters import registry
from abm.run import run
from webapp import catalogue, numbers, runs, state
from webapp.components.controls import describe_panel

SLIDERS = ("pv_subsidy", "storage_subsidy", "ev_subsidy")  # moved in this order, each up to its maximum
PAGE_UP = "PageUp"
POLL_MS = 20

# Runs in every page of a context: when the chart first shows an answer for `want` (and differs from
# `before`), and when that answer is exact with nothing left running, in the page's own clock (ms).
WATCHER = """
window.__sq = window.__sq || {want: null, before: null, t0: 0, answer: null, exact: null};
setInterval(() => {
  const w = window.__sq;
  const el = document.querySelector('.sq-outcome');
  const chart = document.querySelector('[data-testid="emissions-chart"]');
  if (!w.want || !el || !chart || el.getAttribute('data-settings') !== w.want) return;
  if (w.before !== null && chart.getAttribute('data-digest') === w.before) return;
  const t = performance.now();
  if (w.answer === null) w.answer = t;
  const busy = document.querySelector('.sq-app.sq-busy');
  if (w.exact === null && el.getAttribute('data-answer') === 'exact' && !busy) w.exact = t;
}, POLL_MS);
""".replace("POLL_MS", str(POLL_MS))


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


def random_settings(n: int, seed: int = 2030) -> list[state.Settings]:
    """``n`` settings of the plan with 1-3 levers set to random slider positions, as a link would carry them."""
    rng = np.random.default_rng(seed)
    levers = [p for p in catalogue.LEVERS if p.unit not in ("year", catalogue.SWITCH)]
    out = []
    for _ in range(n):
        chosen = rng.choice(len(levers), size=int(rng.integers(1, 4)), replace=False)
        query = {"preset": catalogue.PLAN, "lang": "en"}
        for i in chosen:
            p = levers[int(i)]
            step = numbers.slider_step(p)
            k = int(rng.integers(0, round((p.high - p.low) / step) + 1))
            query[p.name] = state.number_text(round(p.low + k * step, 9))
        settings, problems = state.parse_query(urllib.parse.urlencode(query))
        if problems:
            raise RuntimeError(f"random settings rejected: {problems}")
        out.append(settings)
    return out


def watch(session: Session, want: state.Settings, before: str | None) -> None:
    """Start timing the next answer for ``want`` from now (in the page's clock)."""
    session.page.evaluate(
        "([w, b]) => { window.__sq.want = w; window.__sq.before = b; window.__sq.answer = null;"
        " window.__sq.exact = null; window.__sq.t0 = performance.now(); }",
        [want.query(), before],
    )


def timings(session: Session, deadline: float | None = None) -> tuple[float, float]:
    """Seconds from the watch's start to the answer and to the exact answer (NaN: none by ``deadline``).

    ``deadline`` is a ``time.monotonic()`` time (default: ``EXACT_MS`` from now); sessions that
    acted together share one, so a slow one does not hold up the reading of the others.
    """
    deadline = time.monotonic() + EXACT_MS / 1000 if deadline is None else deadline
    while time.monotonic() < deadline:
        got = session.page.evaluate("() => window.__sq")
        if got["exact"] is not None:
            return (got["answer"] - got["t0"]) / 1000, (got["exact"] - got["t0"]) / 1000
        session.page.wait_for_timeout(100)
    got = session.page.evaluate("() => window.__sq")
    answer = (got["answer"] - got["t0"]) / 1000 if got["answer"] is not None else float("nan")
    return answer, float("nan")


def new_session(browser, want: state.Settings) -> tuple[object, Session]:
    """A new context whose pages time the answer for ``want`` from navigation start."""
    context, session = Session.new(browser)
    context.add_init_script(WATCHER + f"window.__sq.want = {json.dumps(want.query())};")
    return context, session


def slider_seconds(browser, url: str, start: state.Settings, path: list[tuple[str, state.Settings]]) -> list:
    """(estimate, exact) seconds of each Page Up press along ``path``."""
    context, session = new_session(browser, start)
    try:
        session.open(f"{url}/?{start.query()}")
        out = []
        for name, settings in path:
            session.page.locator(THUMB.format(name=name)).focus()
            watch(session, settings, session.digest())
            session.page.keyboard.press(PAGE_UP)
            out.append(timings(session))
        session.assert_no_errors()
        return out
    finally:
        context.close()


def load_seconds(browser, url: str, settings: state.Settings) -> tuple[float, float]:
    """(usable, exact) seconds of a new session opening ``settings``."""
    context, session = new_session(browser, settings)
    try:
        session.page.goto(f"{url}/?{settings.query()}", wait_until="commit")
        result = timings(session)
        session.assert_no_errors()
        return result
    finally:
        context.close()


def crowd_seconds(browser, url: str, n: int, n_links: int) -> tuple[list, list, dict[str, float]]:
    """``n`` sessions at the same moment: ``n_links`` open a random link, the others move a slider; (answer, exact)
    each, and the server process's CPU seconds until every session showed its answer and its exact answer."""
    links = random_settings(n_links) if n_links else []
    movers = []
    plan = state.Settings(catalogue.PLAN, (), "en")
    contexts = []
    try:
        for _ in range(n - n_links):  # already on the plan, ready to move a slider
            context, session = new_session(browser, plan)
            contexts.append(context)
            session.open(f"{url}/?{plan.query()}")
            movers.append(session)
        openers = []
        for settings in links:
            context, session = new_session(browser, settings)
            contexts.append(context)
            openers.append((session, settings))
        sliders = [
            p
            for p in catalogue.LEVERS
            if p.unit not in ("year", catalogue.SWITCH)
            and plan.scenario().values[p.name] < p.high
            and moves_the_answer(plan, plan.with_value(p.name, p.high))
        ]
        if len(sliders) < len(movers):
            raise SystemExit(f"--crowd {n}: only {len(sliders)} sliders can move the plan's answer up")
        moved = [
            (session, plan.with_value(p.name, p.high), p.name) for session, p in zip(movers, sliders, strict=False)
        ]
        for session, _, name in moved:  # a slider in a closed group is drawn once its group is opened
            open_group_of(session, name)
        cpu_start = server_cpu_seconds(url)
        for session, settings in openers:  # all at once: navigations started, not waited for
            session.page.goto(f"{url}/?{settings.query()}", wait_until="commit")
        for session, settings, name in moved:  # each to the top of a different slider (one value sent)
            session.page.locator(THUMB.format(name=name)).focus()
            watch(session, settings, session.digest())
            session.page.keyboard.press("End")
        deadline = time.monotonic() + EXACT_MS / 1000 * 2  # 20 sessions' exact runs queue behind each other
        answered = [_answered(s, deadline) for s in [*(s for s, _ in openers), *(s for s, _, _ in moved)]]
        cpu = {"answers": _cpu_since(url, cpu_start)} if all(answered) else {}
        opened = [timings(s, deadline) for s, _ in openers]
        slid = [timings(s, deadline) for s, _, _ in moved]
        cpu["exact"] = _cpu_since(url, cpu_start)
        return opened, slid, cpu
    finally:
        for context in contexts:
            context.close()


def moves_the_answer(before: state.Settings, after: state.Settings) -> bool:
    """Whether the estimate for ``after`` differs from that for ``before`` (the watcher waits for a new chart)."""
    old, new = runs.estimate(before), runs.estimate(after)
    return old is None or new is None or not np.array_equal(old.current.mean, new.current.mean)


def open_group_of(session: Session, name: str) -> None:
    """Open the group of control ``name`` in the session's panel unless it is open (its slider drawn)."""
    thumb = session.page.locator(THUMB.format(name=name))
    if thumb.count():
        return
    _, sections, _ = describe_panel("en")
    group = next(g["key"] for sec in sections for g in sec["groups"] if name in g["names"])
    session.page.locator(f".sq-group-{group} .sq-group-header").click()
    thumb.wait_for(timeout=WAIT_MS)


def _answered(session: Session, deadline: float) -> bool:
    """Wait (until ``deadline``, a ``time.monotonic()`` time) for the session's answer; whether it came."""
    while time.monotonic() < deadline:
        if session.page.evaluate("() => window.__sq.answer") is not None:
            return True
        session.page.wait_for_timeout(100)
    return False


def _cpu_since(url: str, start: float | None) -> float:
    now = server_cpu_seconds(url)
    return float("nan") if now is None or start is None else now - start


def model_run_seconds(path: list[tuple[str, state.Settings]]) -> list[float]:
    """Seconds of one model run of each settings in ``path`` (the first member), in this process."""
    first = runs.members()[0]
    run(state.Settings().scenario(), seed=first.seed, households=runs.HOUSEHOLDS)  # warm-up: caches, lazy imports
    seconds = []
    for _, settings in path:
        started = time.perf_counter()
        run(settings.scenario(), seed=first.seed, households=runs.HOUSEHOLDS)
        seconds.append(time.perf_counter() - started)
    return seconds


def summary(seconds: list[float]) -> tuple[float, float, float]:
    """Median, 95th percentile (linear interpolation) and maximum, seconds, of the answers that came in time
    (NaN: none came; :func:`missing` counts those that did not)."""
    values = np.asarray(seconds, dtype=float)
    values = values[~np.isnan(values)]
    if not len(values):
        return float("nan"), float("nan"), float("nan")
    return float(np.median(values)), float(np.percentile(values, 95)), float(np.max(values))


def missing(seconds: list[float]) -> str:
    """The note ", 2 without an answer in time" for the NaNs among ``seconds``, or nothing."""
    n = int(np.isnan(np.asarray(seconds, dtype=float)).sum())
    return f", {n} without an answer in time" if n else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5, help="slider steps up, each to new settings")
    parser.add_argument("--loads", type=int, default=3, help="page loads in new browser sessions")
    parser.add_argument("--crowd", type=int, default=20, help="browser sessions acting at the same moment")
    parser.add_argument(
        "--crowd-links",
        type=int,
        default=None,
        help="how many of the crowd open a new link (the others move a slider); default: half",
    )
    args = parser.parse_args()
    if args.steps < 1 or args.loads < 1 or args.crowd < 2:
        raise SystemExit("--steps and --loads must be at least 1, --crowd at least 2")
    n_links = args.crowd // 2 + args.crowd % 2 if args.crowd_links is None else args.crowd_links
    if not 0 <= n_links <= args.crowd:
        raise SystemExit(f"--crowd-links must be between 0 and --crowd ({args.crowd}), not {n_links}")
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit(f"no browser: {missing_chromium()}")
    load = os.getloadavg()
    start = state.Settings(catalogue.DEFAULT_PRESET, (), "en")
    path = slider_path(args.steps, start)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, app_server(Path(folder)) as url, sync_playwright() as pw:
        browser = launch(pw, chromium)
        try:
            loads = [load_seconds(browser, url, start) for _ in range(args.loads)]
            slider = slider_seconds(browser, url, start, path)
            opened, slid, crowd_cpu = crowd_seconds(browser, url, args.crowd, n_links)
        finally:
            browser.close()
    model = model_run_seconds(path)
    baseline = statistics.median(model)
    crowd = opened + slid
    rows = {
        "slider, estimate": [a for a, _ in slider],
        "slider, exact": [e for _, e in slider],
        "first page usable": [a for a, _ in loads],
        "first page, exact": [e for _, e in loads],
        f"{args.crowd} at once, answer": [a for a, _ in crowd],
        f"{args.crowd} at once, exact": [e for _, e in crowd],
        f"{len(opened)} links, answer": [a for a, _ in opened],
        f"{len(slid)} sliders, answer": [a for a, _ in slid],
        "model run alone": model,
    }
    rows = {label: seconds for label, seconds in rows.items() if seconds}  # a crowd of only links or only sliders
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1, 5, 15 min), {os.cpu_count()} CPUs")
    for label, seconds in rows.items():
        median, p95, most = summary(seconds)
        print(
            f"{label:<22} median {median:.3f} s, 95th percentile {p95:.3f} s, max {most:.3f} s"
            f" ({len(seconds)} times{missing(seconds)})"
        )
    pairs = []
    for key, label in (
        ("slider_estimate", "slider, estimate"),
        ("slider_exact", "slider, exact"),
        ("page_load", "first page usable"),
        ("crowd_answer", f"{args.crowd} at once, answer"),
        ("crowd_exact", f"{args.crowd} at once, exact"),
    ):
        median, p95, most = summary(rows[label])
        pairs += [f"{key}_median_s={median:.3f}", f"{key}_p95_s={p95:.3f}", f"{key}_ratio={median / baseline:.2f}"]
        if key.startswith("crowd"):
            pairs.append(f"{key}_max_s={most:.3f}")
    for phase, label in (("answers", "until every answer"), ("exact", "until every exact answer")):
        if phase in crowd_cpu:
            cpu = crowd_cpu[phase]
            print(f"server CPU, {args.crowd} at once, {label}: {cpu:.2f} s ({cpu / args.crowd:.3f} s a session)")
            pairs.append(f"crowd_server_cpu_{phase}_s={cpu:.2f}")
    print(" ".join([*pairs, f"model_run_median_s={baseline:.3f}", f"load_1min={load[0]:.2f}"]))


if __name__ == "__main__":
    main()
