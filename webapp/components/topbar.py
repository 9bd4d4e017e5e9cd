"""The top bar: title, presets, share link, downloads and language."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import reacton.ipyvuetify as rv
import solara

from webapp.catalogue import PRESETS
from webapp.components.buttons import Download, ShareLink
from webapp.components.html import div, span
from webapp.runs import SEED, Outcome
from webapp.state import Settings, download_scenario
from webapp.text import LANGUAGES, Words, text_table


@solara.component
def TopBar(  # noqa: N802
    settings: Settings,
    outcome: Outcome | None,
    words: Words,
    navigate: Callable[[Settings], None],
    pins: tuple = (),  # settings.pins: settings compare equal whatever their pins, so they come as a prop too
) -> None:
    """Title, presets, language, share and downloads."""

    def csv_text() -> str:
        assert outcome is not None
        return outcome.current.trajectory.to_csv(index=False, float_format="%.10g")

    def toml_text() -> str:
        return download_scenario(settings).to_toml()

    csv_data = solara.use_memo(lambda: csv_text, [outcome])
    toml_data = solara.use_memo(lambda: toml_text, [settings])
    name = download_scenario(settings).name
    with div("sq-topbar"):
        with div("sq-brand"):
            div("sq-title", [words("app.title")])
            div("sq-subtitle", [words("app.subtitle")])
        with div("sq-presets"):
            span("sq-label", words("preset.label"))
            with div("sq-preset-buttons"):
                for p in PRESETS:
                    active = p == settings.preset
                    solara.Button(
                        words(f"preset.{p}"),
                        on_click=lambda p=p: navigate(settings.with_preset(p)),
                        text=not active,
                        classes=["sq-preset", f"sq-preset-{p}", "sq-preset-active" if active else ""],
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
            with rv.BtnToggle(
                v_model=LANGUAGES.index(settings.lang),
                on_v_model=lambda i: navigate(dataclasses.replace(settings, lang=LANGUAGES[i])),
                mandatory=True,
                density="compact",
                class_="sq-lang",
            ):
                for lang in LANGUAGES:
                    rv.Btn(children=[text_table()[lang]["lang.name"]], size="small", class_=f"sq-lang-{lang}")
