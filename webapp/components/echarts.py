"""Solara's ECharts widget with its option watcher guarded until the chart exists, loading ECharts minified.

Upstream problem: solara's ``echarts.vue`` (1.58 installed; unchanged up to solara 1.61) sets
``this.chart`` only once ECharts has loaded after mount, but its ``option`` watcher calls
``this.chart.setOption`` unconditionally, a TypeError in the browser when an option arrives in
between. Solara offers no option for this, so the template is patched here.

The same template loads ``echarts.js`` (3.3 MB, unminified); the patched one loads
``echarts.min.js`` of the same version (1 MB, shipped by solara-assets), which the page also
starts loading while it boots (``webapp/assets/custom.js``), so the first chart need not wait for it.
"""

from __future__ import annotations

import inspect
from functools import lru_cache
from pathlib import Path
from typing import Any

from solara.components.echarts import EchartsWidget

from webapp.components.compiled import ECHARTS, template

ECHARTS_VERSION = "5.4.0"  # the version solara's template loads
ECHARTS_FILE = "echarts.min.js"  # the minified build of that version
_ECHARTS_VERSION = f'const version = "{ECHARTS_VERSION}";'
_ECHARTS_IMPORT = "/echarts@${version}/dist/echarts.js`"
_ECHARTS_MIN_IMPORT = f"/echarts@${{version}}/dist/{ECHARTS_FILE}`"
_ECHARTS_WATCH = "      this.chart.setOption(this.option, true);\n    },"
_ECHARTS_GUARDED = "      if (this.chart) this.chart.setOption(this.option, true);\n    },"


@lru_cache(maxsize=1)
def guarded_echarts_template() -> str:
    """Solara's ECharts template, with its option watcher waiting for the chart to exist.

    The widget loads ECharts asynchronously after it is mounted; a new option that arrives
    in between (a language switch redraws every chart at once) made the watcher call
    ``setOption`` on a chart not yet created, a TypeError in the browser. With the guard the
    option is simply kept: the chart draws the latest option when it is created.
    The template also loads :data:`ECHARTS_FILE` instead of the unminified build.
    """
    text = Path(inspect.getfile(EchartsWidget)).with_name("echarts.vue").read_text(encoding="utf-8")
    if _ECHARTS_WATCH not in text or _ECHARTS_IMPORT not in text or _ECHARTS_VERSION not in text:
        raise RuntimeError(
            "Solara's echarts.vue has changed: review the option watcher guard and the ECharts file "
            "in webapp/components/echarts.py (and the preload in webapp/assets/custom.js)"
        )
    return text.replace(_ECHARTS_WATCH, _ECHARTS_GUARDED, 1).replace(_ECHARTS_IMPORT, _ECHARTS_MIN_IMPORT, 1)


class GuardedEchartsWidget(EchartsWidget):
    """Solara's ECharts widget with the guard of :func:`guarded_echarts_template`, compiled beforehand.

    Its template is compiled with the app's own (:mod:`webapp.components.compiled`).
    """

    template_file = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.template = template(ECHARTS)
        super().__init__(*args, **kwargs)
