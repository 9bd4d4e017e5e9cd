"""The main chart: CO2 of the current settings against the baseline, in total or by sector."""

from __future__ import annotations

import reacton.ipyvuetify as rv
import solara

from webapp.charts import emissions_option
from webapp.components.chart import Chart
from webapp.components.html import div
from webapp.runs import Outcome
from webapp.text import Words


@solara.component
def EmissionsChart(outcome: Outcome, words: Words) -> None:  # noqa: N802
    by_sectors, set_by_sectors = solara.use_state(False)
    option = solara.use_memo(lambda: emissions_option(outcome, words, by_sectors), [outcome, words.lang, by_sectors])
    with div("sq-panel sq-main-chart"):
        with div("sq-panel-head"):
            div("sq-panel-title", [words("chart.title")])
            with rv.BtnToggle(
                v_model=int(by_sectors),
                on_v_model=lambda i: set_by_sectors(bool(i)),
                mandatory=True,
                density="compact",
                class_="sq-mode",
            ):
                rv.Btn(children=[words("chart.total")], size="small", class_="sq-mode-total")
                rv.Btn(children=[words("chart.by_sector")], size="small", class_="sq-mode-sectors")
        Chart(option, "emissions-chart", height=420)
