"""Static parts of the page as one widget each: HTML built from escaped text.

A part that only shows text (a table, a label with its scale) costs one widget this way
instead of one per element; every widget is made, sent and mounted one by one when a
page opens, so fewer widgets open the page sooner. When what it shows changes, the
whole part is sent again as one message.
"""

from __future__ import annotations

from html import escape

import solara
import solara.widgets
from ipywidgets import DOMWidget, Layout, widget_serialization
from ipywidgets.widgets.trait_types import InstanceDict

from webapp.components.compiled import SOLARA_HTML, CompiledTemplate


def element(tag: str, content: str = "", cls: str = "", **attributes: str) -> str:
    """An HTML element as text: ``content`` is HTML already (escape text with :func:`text`), attributes are escaped."""
    attrs = "".join(f' {name.replace("_", "-")}="{escape(value)}"' for name, value in attributes.items() if value)
    if cls:
        attrs = f' class="{escape(cls)}"' + attrs
    return f"<{tag}{attrs}>{content}</{tag}>"


def text(value: object) -> str:
    """Text for inside an element, escaped."""
    return escape(str(value), quote=False)


class NoLayout(DOMWidget):
    """Mixin for template widgets that are laid out by CSS only: no ipywidgets ``Layout`` widget of their own.

    A template widget otherwise makes (and sends) a second widget, its layout, that nothing reads.
    """

    layout = InstanceDict(Layout, allow_none=True).tag(sync=True, **widget_serialization)


class StaticHTML(NoLayout, CompiledTemplate, solara.widgets.HTML):
    """Solara's raw-HTML widget without a layout widget, its template compiled beforehand."""

    template_file = None
    template_name = SOLARA_HTML


def static_html(cls: str, html: str, tag: str = "div") -> solara.Element:
    """One widget showing ``html`` (built with :func:`element` and :func:`text`) inside a ``<tag class=cls>``."""
    return StaticHTML.element(tag=tag, unsafe_innerHTML=html, attributes={"class": cls} if cls else {})
