"""The top bar: title, presets, share link, downloads and language."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import solara
import traitlets

from webapp.catalogue import PRESETS
from webapp.components.buttons import Download, ShareLink
from webapp.components.compiled import CompiledTemplate
from webapp.components.html import div
from webapp.components.markup import NoLayout, element, static_html, text
from webapp.runs import SEED, Outcome
from webapp.state import Settings, download_scenario
from webapp.text import LANGUAGES, Words, text_table


class PresetButtons(NoLayout, CompiledTemplate):
    """The presets' label and a button for each, the active one marked: one widget for all of them.

    A click calls ``choose(name)`` on the server.
    """

    template_name = "preset_buttons"

    label = traitlets.Unicode("").tag(sync=True)
    items = traitlets.List().tag(sync=True)  # {"name": preset, "label": its words}
    active = traitlets.Unicode("").tag(sync=True)
    choose = traitlets.Callable(allow_none=True, default_value=None)

    def vue_pick(self, name: str) -> None:
        if self.choose is not None:
            self.choose(name)


class LanguageToggle(NoLayout, CompiledTemplate):
    """A button for each language, the page's one pressed: one widget. A click calls ``choose(index)``."""

    template_name = "language_toggle"

    items = traitlets.List().tag(sync=True)  # {"code": language, "name": its own name}
    index = traitlets.Int(0).tag(sync=True)
    choose = traitlets.Callable(allow_none=True, default_value=None)

    def vue_pick(self, index: int) -> None:
        if self.choose is not None:
            self.choose(int(index))


def brand_html(words: Words) -> str:
    """The app's title and subtitle as HTML."""
    return element("div", text(words("app.title")), "sq-title") + element(
        "div", text(words("app.subtitle")), "sq-subtitle"
    )


@solara.component
def TopBar(  # noqa: N802
    settings: Settings,
    outcome: Outcome | None,
    words: Words,
    navigate: Callable[[Settings], None],
    pins: tuple = (),  # settings.pins: settings compare equal whatever their pins, so they come as a prop too
) -> None:
    """Title, presets, language, share and downloads.

    The title is one static widget, the presets one widget and the languages another
    (templates drawn in the browser), so the bar costs a handful of widgets, not one per button.
    """

    def csv_text() -> str:
        assert outcome is not None
        return outcome.current.trajectory.to_csv(index=False, float_format="%.10g")

    def toml_text() -> str:
        return download_scenario(settings).to_toml()

    csv_data = solara.use_memo(lambda: csv_text, [outcome])
    toml_data = solara.use_memo(lambda: toml_text, [settings])
    name = download_scenario(settings).name
    with div("sq-topbar"):
        static_html("sq-brand", brand_html(words))
        PresetButtons.element(
            label=words("preset.label"),
            items=[{"name": p, "label": words(f"preset.{p}")} for p in PRESETS],
            active=settings.preset,
            choose=lambda p: navigate(settings.with_preset(p)),
        )
        with div("sq-actions"):
            ShareLink.element(
                label=words("share.button"),
                hint=words("share.hint"),
                copy_label=words("share.copy"),
                copied_label=words("share.copied"),
            )
            if outcome is not None:
                Download.element(
                    label=words("download.csv"),
                    icon="mdi-download",
                    filename=f"{name}-seed{SEED}-trajectory.csv",
                    mime_type="text/csv",
                    source=csv_data,
                    button_class="sq-download-csv",
                )
            Download.element(
                label=words("download.toml"),
                icon="mdi-file-download-outline",
                filename=f"{name}.toml",
                mime_type="application/toml",
                source=toml_data,
                button_class="sq-download-toml",
            )
            LanguageToggle.element(
                items=[{"code": lang, "name": text_table()[lang]["lang.name"]} for lang in LANGUAGES],
                index=LANGUAGES.index(settings.lang),
                choose=lambda i: navigate(dataclasses.replace(settings, lang=LANGUAGES[i])),
            )
