"""How Solara serves the app: no banner, no usage statistics, no warning about loopback cookies."""

from __future__ import annotations

import os
import warnings

import solara.server.settings

# The app is served over plain http on the loopback address, where Solara falls back to
# SameSite=Lax session cookies (right for a page that is not embedded in another site) and
# warns when a page is loaded that it cannot use SameSite=None; that warning says nothing here.
warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning)
solara.server.settings.theme.show_banner = False
solara.server.settings.telemetry.mixpanel_enable = False  # the app sends nothing anywhere


PROFILE_VARIABLE = "SUQIAN_APP_PROFILE"  # a folder: each page's first render is profiled into it


def _profiled_page_loads(folder: str) -> None:
    """Profile the server's first render of each page (cProfile, one ``.prof`` file per page load).

    Reads nothing and changes nothing in what the page shows: a measuring aid for
    ``benchmarks/app_pageload.py``; each file also records the widgets the render created.
    """
    import cProfile
    import time
    from collections import Counter
    from pathlib import Path

    import ipywidgets
    import solara.server.app as server_app

    load = server_app.load_app_widget
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)

    def profiled(*args, **kwargs):  # type: ignore[no-untyped-def]
        before = set(ipywidgets.Widget.widgets)
        profile = cProfile.Profile(time.thread_time)  # CPU time of the rendering thread, not waits
        start = time.perf_counter()
        try:
            return profile.runcall(load, *args, **kwargs)
        finally:
            seconds = time.perf_counter() - start
            made = [w for key, w in list(ipywidgets.Widget.widgets.items()) if key not in before]
            kinds = Counter(type(w).__name__ for w in made)
            stem = out / f"page-{time.time_ns()}"
            profile.dump_stats(f"{stem}.prof")
            lines = [f"seconds {seconds:.3f}", f"widgets {len(made)}"]
            lines += [f"  {count:4d} {kind}" for kind, count in kinds.most_common()]
            stem.with_suffix(".txt").write_text("\n".join(lines) + "\n", encoding="utf-8")

    server_app.load_app_widget = profiled


if os.environ.get(PROFILE_VARIABLE):
    _profiled_page_loads(os.environ[PROFILE_VARIABLE])
