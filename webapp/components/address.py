"""The page's address kept in step with the settings: slider moves replace the history entry, presets add one.

Solara's router only pushes history entries, so every slider step would be one more press of the
browser's back button. The settings live in the page's state instead, and this widget writes
them to the address: ``replace`` (a slider or switch moved; the address still holds every
setting, so a copied link reopens them), ``push`` (a preset or the language changed: back
returns to the previous one) or ``none`` (the address already says it). When the user goes
back or forward, it reports the address it arrived at (:meth:`AddressSync.vue_arrived`).
"""

from __future__ import annotations

from collections.abc import Callable

import traitlets

from webapp.components.compiled import CompiledTemplate

REPLACE, PUSH, NONE = "replace", "push", "none"  # how a new address enters the browser's history


class AddressSync(CompiledTemplate):
    """An invisible element that writes ``query`` to the address (as ``mode`` says) and reports back/forward."""

    template_name = "address_sync"

    query = traitlets.Unicode("").tag(sync=True)
    mode = traitlets.Unicode(NONE).tag(sync=True)
    serial = traitlets.Int(0).tag(sync=True)  # changes with every address to write, even an equal one
    on_arrive = traitlets.Callable(allow_none=True, default_value=None)

    def vue_arrived(self, search: object = None) -> None:
        """The browser went back or forward to ``search`` (the query string, without ``?``)."""
        if self.on_arrive is not None:
            self.on_arrive(str(search or ""))


def address_sync(query: str, mode: str, serial: int, on_arrive: Callable[[str], None]) -> object:
    """The :class:`AddressSync` element for the page."""
    return AddressSync.element(query=query, mode=mode, serial=serial, on_arrive=on_arrive)
