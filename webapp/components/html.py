"""Plain HTML elements with the app's CSS classes, and the error message on the page."""

from __future__ import annotations

from typing import Any

import reacton.ipyvuetify as rv
import solara


def div(cls: str, children: list | None = None, **attributes: Any) -> solara.Element:
    """A plain ``<div>`` with CSS classes."""
    return rv.Html(tag="div", class_=cls, children=children or [], attributes=attributes)


def span(cls: str, text: str, **attributes: Any) -> solara.Element:
    return rv.Html(tag="span", class_=cls, children=[text], attributes=attributes)


def alert(message: str, cls: str) -> solara.Element:
    """An error message on the page."""
    return rv.Alert(type="error", variant="tonal", density="compact", children=[message], class_=cls)
