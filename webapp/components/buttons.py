"""Buttons that act in the browser: show and copy the page's address, download text made on the server."""

from __future__ import annotations

import traitlets

from webapp.components.compiled import CompiledTemplate


class ShareLink(CompiledTemplate):
    """A button that shows the page's address (which holds every setting) and copies it."""

    template_name = "share_link"

    label = traitlets.Unicode("").tag(sync=True)
    hint = traitlets.Unicode("").tag(sync=True)
    copy_label = traitlets.Unicode("").tag(sync=True)
    copied_label = traitlets.Unicode("").tag(sync=True)


class Download(CompiledTemplate):
    """A button that downloads text made on the server when it is clicked (``source()``)."""

    template_name = "download"

    label = traitlets.Unicode("").tag(sync=True)
    icon = traitlets.Unicode("").tag(sync=True)
    filename = traitlets.Unicode("").tag(sync=True)
    mime_type = traitlets.Unicode("text/plain").tag(sync=True)
    content = traitlets.Unicode("").tag(sync=True)
    serial = traitlets.Int(0).tag(sync=True)
    button_class = traitlets.Unicode("").tag(sync=True)
    source = traitlets.Callable(allow_none=True, default_value=None)

    def vue_prepare_download(self, _data: object = None) -> None:
        """Make the text and hand it to the browser."""
        self.content = self.source() if self.source is not None else ""
        self.serial += 1
