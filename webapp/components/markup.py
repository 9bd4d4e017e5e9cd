"""Static parts of the page as one widget each: HTML built from escaped text.

A part that only shows text (a table, a label with its scale) costs one widget this way
instead of one per element; every widget is made, sent and mounted one by one when a
page opens, so fewer widgets open the page sooner.
"""

from __future__ import annotations

from html import escape

import solara


def element(tag: str, content: str = "", cls: str = "", **attributes: str) -> str:
    """An HTML element as text: ``content`` is HTML already (escape text with :func:`text`), attributes are escaped."""
    attrs = "".join(f' {name.replace("_", "-")}="{escape(value)}"' for name, value in attributes.items() if value)
    if cls:
        attrs = f' class="{escape(cls)}"' + attrs
    return f"<{tag}{attrs}>{content}</{tag}>"


def text(value: object) -> str:
    """Text for inside an element, escaped."""
    return escape(str(value), quote=False)


def static_html(cls: str, html: str, tag: str = "div") -> solara.Element:
    """One widget showing ``html`` (built with :func:`element` and :func:`text`) inside a ``<tag class=cls>``."""
    return solara.HTML(tag=tag, unsafe_innerHTML=html, classes=[cls] if cls else [])
