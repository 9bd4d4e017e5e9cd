"""The app's web server: Solara's Starlette app inside :class:`webapp.static_cache.StaticCache`, run by uvicorn.

Solara's documented way of self-hosting (https://solara.dev/docs/deploying/self-hosted): name the
app in ``SOLARA_APP`` and serve ``solara.server.starlette:app`` with an ASGI server. ``main`` does
what ``solara run APP --production --no-check-version`` does (production mode, ``SOLARA_APP``,
``SERVER_NAME``/``SERVER_PORT``, no usage statistics, Solara's quiet logging), with the app wrapped
so that static files are compressed once, not on every request, and the first page's large files
are compressed as soon as the server has started::

    python -m webapp.server app.py --host 127.0.0.1 --port 8765

``suqian-abm app`` runs this; it also sets ``SOLARA_ASSETS_EXTRA_LOCATIONS`` (the app's assets).
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Sequence

from webapp.static_cache import STATIC_PREFIXES, StaticCache

# the widget libraries' scripts a fresh page asks for through require.js (seen in Chromium), not
# named in the page's HTML; a name that is not there is skipped
LOADED_LATER = ("jupyter-vue/nodeps.js", "jupyter-vuetify/nodeps.js")  # (templates come compiled: no nodeps-vue-sfc.js)
_LINKED = re.compile(r"""(?:src|href)=["']([^"'?#]+)""")


def first_page_files() -> list[str]:
    """The paths of the static files a fresh page loads, to compress them before the first visitor.

    The files linked by the page Solara would send for ``/`` (rendered here, for no visitor), the
    widget libraries' scripts (:data:`LOADED_LATER`) and the ECharts file that the app's charts and
    ``webapp/assets/custom.js`` load. Call it once the server has started (the app is loaded).
    """
    import solara.server.server as solara_server

    from webapp.components.echarts import ECHARTS_FILE, ECHARTS_VERSION

    html = solara_server.read_root("/", "") or ""
    paths = [p for p in _LINKED.findall(html) if p.startswith(STATIC_PREFIXES)]
    paths += [f"/jupyter/nbextensions/{name}" for name in LOADED_LATER]
    paths.append(f"/_solara/cdn/echarts@{ECHARTS_VERSION}/dist/{ECHARTS_FILE}")
    return list(dict.fromkeys(paths))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m webapp.server", description=__doc__.splitlines()[0])
    parser.add_argument("app", help="the app's script (app.py), as for `solara run`")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on (default: 8765)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the app at ``http://HOST:PORT`` until interrupted; returns the exit status."""
    args = build_parser().parse_args(argv)
    # read by Solara's settings and app loader when they are imported: set before importing Solara
    os.environ["SOLARA_APP"] = args.app
    os.environ["SERVER_NAME"] = args.host
    os.environ["SERVER_PORT"] = str(args.port)
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"  # the app sends nothing anywhere

    import solara.server.settings as settings
    import uvicorn
    from solara.__main__ import LOGGING_CONFIG

    settings.main.mode = "production"
    settings.telemetry.mixpanel_enable = False
    import solara.server.starlette

    app = StaticCache(solara.server.starlette.app, warm=first_page_files)
    uvicorn.run(app, host=args.host, port=args.port, log_config=LOGGING_CONFIG, log_level="error")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
