"""A chart on the page, and a grid of small titled charts."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import solara

from webapp.components.echarts import GuardedEchartsWidget
from webapp.components.html import div
from webapp.text import Words


def _digest(option: dict[str, Any]) -> str:
    return hashlib.sha1(json.dumps(option, sort_keys=True, default=str).encode()).hexdigest()[:16]


@solara.component
def Chart(option: dict[str, Any], testid: str, height: int = 300) -> None:  # noqa: N802 (Solara components are capitalised)
    """An ECharts chart; ``data-digest`` changes whenever what it shows changes, ``data-series`` names its series."""
    names = dict.fromkeys(str(s.get("name", "")) for s in option.get("series", []))
    attributes = {
        "style": f"height: {height}px; width: 100%;",
        "data-testid": testid,
        "data-digest": _digest(option),
        "data-series": " | ".join(names),
    }
    GuardedEchartsWidget.element(option=option, attributes=attributes, responsive=True)


@solara.component
def ChartGrid(options: list[tuple[str, dict[str, Any]]], words: Words, prefix: str, height: int) -> None:  # noqa: N802
    """Small titled charts three to a row; each chart's test id is ``prefix-<key's last part>``."""
    with div("sq-grid3"):
        for key, option in options:
            with div("sq-subchart"):
                div("sq-subchart-title", [words(key)])
                Chart(option, f"{prefix}-{key.split('.')[1]}", height=height)
