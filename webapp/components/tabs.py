"""The adoption, fiscal and intensity tabs: small charts of the run against the baseline, and the cost table."""

from __future__ import annotations

import solara

from webapp.catalogue import INTENSITY_VIEWS, PEAK_YEAR
from webapp.charts import adoption_options, fiscal_option, intensity_option
from webapp.components.chart import Chart, ChartGrid
from webapp.components.html import div
from webapp.components.markup import element, static_html, text
from webapp.numbers import fmt, money_text
from webapp.runs import Outcome
from webapp.text import Words


@solara.component
def Adoption(outcome: Outcome, words: Words) -> None:  # noqa: N802
    options = solara.use_memo(lambda: adoption_options(outcome, words), [outcome, words.lang])
    with div("sq-panel"):
        div("sq-panel-note", [words("adoption.note")])
        ChartGrid(options, words, "adoption", height=380)


def fiscal_table_html(summaries: list, words: Words) -> str:
    """The cost table (cost, CO2 avoided, yuan per tonne to each horizon) and its units, as HTML laid out as Vuetify's table."""
    head = [words("fiscal.horizon"), words("fiscal.cost"), words("fiscal.avoided"), words("fiscal.per_tonne")]
    rows = ""
    for s in summaries:
        cells = [
            words("fiscal.to_year", year=s.end_year),
            money_text(s.fiscal_cost, words),
            f"{fmt(s.avoided_mt)}",
            fmt(s.yuan_per_tonne, 0) if s.yuan_per_tonne is not None else words("card.nothing_avoided"),
        ]
        rows += element("tr", "".join(element("td", text(c)) for c in cells), f"sq-fiscal-{s.end_year}")
    thead = element("thead", element("tr", "".join(element("th", text(h)) for h in head)))
    table = element("table", thead + element("tbody", rows))
    wrapped = element(
        "div", element("div", table, "v-table__wrapper"), "v-table v-theme--light v-table--density-compact"
    )
    return wrapped + element("div", text(words("fiscal.units")), "sq-panel-note")


@solara.component
def Fiscal(outcome: Outcome, words: Words) -> None:  # noqa: N802
    """Cost of the incentives by year and instrument, and cost per tonne of CO2 avoided against the baseline.

    The table only shows text: one widget (:mod:`webapp.components.markup`).
    """
    option = solara.use_memo(lambda: fiscal_option(outcome, words), [outcome, words.lang])
    summaries = [outcome.compared(y) for y in (PEAK_YEAR, outcome.current.years[-1])]
    with div("sq-panel sq-fiscal"):
        div("sq-panel-note", [words("fiscal.note")])
        with div("sq-fiscal-grid"):
            with div("sq-subchart"):
                div("sq-subchart-title", [words("fiscal.title")])
                Chart(option, "fiscal-chart", height=380)
            static_html("sq-fiscal-table", fiscal_table_html(summaries, words))


@solara.component
def Intensity(outcome: Outcome, words: Words) -> None:  # noqa: N802
    options = solara.use_memo(
        lambda: [(key, intensity_option(outcome, words, ids)) for key, ids in INTENSITY_VIEWS], [outcome, words.lang]
    )
    with div("sq-panel"):
        ChartGrid(options, words, "intensity", height=340)
