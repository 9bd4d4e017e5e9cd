"""The app's first page in Chromium: when each part of it arrives, over fresh browser sessions.

Starts ``suqian-abm app`` on a free port and opens ``/?preset=plan`` ``--loads`` times, each in a
new browser context (no cache: a first visit), after one load that warms the server. Each load
records, in seconds from navigation: the websocket opening (the page's scripts have run), the
app drawn (``.sq-app``), the first control, the headline cards, the ECharts file arriving and the
main chart drawn (its canvas), and the CPU seconds the server's process spent on the page
(``server_cpu``: what a crowd of pages costs the one process that draws them, whatever the
load of the machine). Prints each load, then the median and spread of each mark and the
load average, and last ``name=value`` pairs of the medians:

    python benchmarks/app_pageload.py              # 5 loads
    python benchmarks/app_pageload.py --loads 10
    python benchmarks/app_pageload.py --browser-profile   # and where the browser's time goes

With ``SUQIAN_APP_PROFILE=FOLDER`` set, the server also writes a cProfile of each page's first
render and the number of widgets it made into FOLDER (see ``webapp/serving.py``); profiling
slows the render, so do not read the timings of such a run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from app_browser import CHART, VIEWPORT, WAIT_MS, app_server, find_chromium, launch, missing_chromium

SETTLE_MS = 1000
PROFILE_INTERVAL_US = 500  # the browser's JavaScript profile: one sample every 0.5 ms
MARKS = {  # what each mark waits for, in the order the page shows them
    "app": ".sq-app",
    "controls": ".sq-control",
    "headlines": ".sq-cards",
    "chart": f"{CHART} canvas",
}


def _server_pid(url: str) -> int | None:
    """The app server's process id, found by the ``--port`` on its command line."""
    port = url.rsplit(":", 1)[-1]
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
            if b"--port" in argv and argv[argv.index(b"--port") + 1].decode() == port:
                return int(proc.name)
        except (OSError, IndexError, ValueError):
            continue
    return None


def _cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_runs_done(url: str, timeout: float = 300.0) -> float:
    """Wait until the server's run pool is idle (its workers used under 0.05 s of CPU in a second); seconds waited.

    A fresh server runs the presets' members in the background (``webapp.runs.warm_up``); a page
    timed while they run competes with them for the cores.
    """
    start = time.monotonic()
    server = _server_pid(url)
    if server is None:
        return 0.0

    def workers_cpu() -> float:
        total = 0.0
        for proc in Path("/proc").glob("[0-9]*"):
            try:
                ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
                if ppid == server:
                    total += _cpu_of(int(proc.name))
            except (OSError, ValueError, IndexError):
                continue
        return total

    before = workers_cpu()
    while time.monotonic() - start < timeout:
        time.sleep(1.0)
        now = workers_cpu()
        if now - before < 0.05:
            break
        before = now
    return time.monotonic() - start


def server_cpu_seconds(url: str) -> float | None:
    """CPU seconds (user + system) the app server's process has used so far; None where /proc is missing.

    The server is found by the ``--port`` on its command line; the pool's worker processes (the
    exact runs) are not counted: this is what pages cost the one process that draws them.
    """
    pid = _server_pid(url)
    try:
        return None if pid is None else _cpu_of(pid)
    except OSError:
        return None


def _script_of(call_frame: dict) -> str:
    """What a JavaScript profile sample ran: the script's file name, or the engine's own work."""
    url = call_frame.get("url", "")
    if url.startswith("blob:"):
        return "the app's compiled templates (blob:)"
    return url.rsplit("/", 1)[-1].split("?")[0] or call_frame.get("functionName") or "(native)"


def browser_seconds(profile: dict) -> Counter:
    """The browser main thread's seconds by script, from a CDP ``Profiler.stop`` profile."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    spent: Counter = Counter()
    for sample, delta_us in zip(profile["samples"], profile["timeDeltas"], strict=False):
        spent[_script_of(nodes[sample]["callFrame"])] += delta_us / 1e6
    return spent


def one_load(browser, url: str, spent: Counter | None = None) -> dict[str, float]:
    """Seconds from navigation to each mark of one fresh page, and the server's CPU seconds for it.

    With ``spent``, the browser's JavaScript profile of the page until its chart is added to it
    (seconds of the main thread by script, :func:`browser_seconds`).
    """
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        cdp = None
        if spent is not None:
            cdp = context.new_cdp_session(page)
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": PROFILE_INTERVAL_US})
            cdp.send("Profiler.start")
        marks: dict[str, float] = {}
        start = time.perf_counter()
        page.on("websocket", lambda _ws: marks.setdefault("websocket", time.perf_counter() - start))
        page.on(
            "requestfinished",
            lambda r: marks.setdefault("echarts", time.perf_counter() - start) if "/echarts@" in r.url else None,
        )
        cpu_before = server_cpu_seconds(url)
        page.goto(f"{url}/?preset=plan", wait_until="commit")
        for name, selector in MARKS.items():
            page.wait_for_selector(selector, timeout=WAIT_MS * 2)
            marks[name] = time.perf_counter() - start
        if cdp is not None and spent is not None:
            spent.update(browser_seconds(cdp.send("Profiler.stop")["profile"]))
        page.wait_for_timeout(SETTLE_MS)  # the page's last messages: its whole cost to the server
        cpu_after = server_cpu_seconds(url)
        if cpu_before is not None and cpu_after is not None:
            marks["server_cpu"] = cpu_after - cpu_before
        return marks
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loads", type=int, default=5, help="measured page loads (default: 5)")
    parser.add_argument(
        "--browser-profile",
        action="store_true",
        help="also profile each page's JavaScript and print the browser main thread's time by script",
    )
    args = parser.parse_args(argv)
    executable = find_chromium()
    if executable is None:
        print(missing_chromium(), file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    loads: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as folder, app_server(Path(folder)) as url, sync_playwright() as pw:
        browser = launch(pw, executable)
        one_load(browser, url)  # warms the server: imports, the presets' runs
        waited = wait_until_runs_done(url)
        print(f"the server's presets' runs done after {waited:.0f} s more", flush=True)
        spent: Counter | None = Counter() if args.browser_profile else None
        for i in range(args.loads):
            marks = one_load(browser, url, spent)
            loads.append(marks)
            shown = " ".join(f"{k}={v:.2f}" for k, v in sorted(marks.items(), key=lambda kv: kv[1]))
            print(f"load {i + 1}: {shown}  (load average {os.getloadavg()[0]:.1f})", flush=True)
    names = sorted({k for m in loads for k in m}, key=lambda k: statistics.median(m[k] for m in loads if k in m))
    print(f"median of {len(loads)} loads (min-max), load average now {os.getloadavg()[0]:.1f}:")
    for name in names:
        values = [m[name] for m in loads if name in m]
        print(f"  {name:10s} {statistics.median(values):5.2f} s  ({min(values):.2f}-{max(values):.2f})")
    if spent:
        print(f"browser main thread until the chart, mean of {len(loads)} loads, by script (profiled: slower):")
        for script, seconds in spent.most_common(12):
            print(f"  {seconds / len(loads):6.2f} s  {script}")
    print(" ".join(f"{name}={statistics.median(m[name] for m in loads if name in m):.2f}" for name in names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
