"""How Solara serves the app: no banner, no usage statistics, no warning about loopback cookies."""

from __future__ import annotations

import warnings

import solara.server.settings

# The app is served over plain http on the loopback address, where Solara falls back to
# SameSite=Lax session cookies (right for a page that is not embedded in another site) and
# warns when a page is loaded that it cannot use SameSite=None; that warning says nothing here.
warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning)
solara.server.settings.theme.show_banner = False
solara.server.settings.telemetry.mixpanel_enable = False  # the app sends nothing anywhere
