"""The adoption, fiscal and intensity tabs: small charts of the run against the baseline, and the cost table."""

from __future__ import annotations

import reacton.ipyvuetify as rv
import solara

from abm.comparison import compare
from webapp.catalogue import INTENSITY_VIEWS, PEAK_YEAR
from webapp.charts import adoption_options, fiscal_option, intensity_option
from webapp.components.chart import Chart, ChartGrid
from webapp.components.html import div
from webapp.numbers import fmt, money_text
from webapp.runs import Outcome
from webapp.text import Words


@solara.component
def Adoption(outcome: Outcome, words: Words) -> None:  # noqa: N802
    options = solara.use_memo(lambda: adoption_options(outcome, words), [outcome, words.lang])
    with div("sq-panel"):
        div("sq-panel-note", [words("adoption.note")])
        ChartGrid(options, words, "adoption", height=380)


@solara.component
def Fiscal(outcome: Outcome, words: Words) -> None:  # noqa: N802
    """Cost of the incentives by year and instrument, and cost per tonne of CO2 avoided against the baseline."""
    option = solara.use_memo(lambda: fiscal_option(outcome, words), [outcome, words.lang])
    last_year = int(outcome.current.trajectory["year"].max())
    summaries = [
        compare(outcome.current.trajectory, outcome.baseline.trajectory, end=y) for y in (PEAK_YEAR, last_year)
    ]
    with div("sq-panel sq-fiscal"):
        div("sq-panel-note", [words("fiscal.note")])
        with div("sq-fiscal-grid"):
            with div("sq-subchart"):
                div("sq-subchart-title", [words("fiscal.title")])
                Chart(option, "fiscal-chart", height=380)
            with div("sq-fiscal-table"):
                head = [
                    words("fiscal.horizon"),
                    words("fiscal.cost"),
                    words("fiscal.avoided"),
                    words("fiscal.per_tonne"),
                ]
                body = []
                for s in summaries:
                    cells = [
                        words("fiscal.to_year", year=s.end_year),
                        money_text(s.fiscal_cost, words),
                        f"{fmt(s.avoided_mt)}",
                        fmt(s.yuan_per_tonne, 0) if s.yuan_per_tonne is not None else words("card.nothing_avoided"),
                    ]
                    body.append(
                        rv.Html(
                            tag="tr",
                            class_=f"sq-fiscal-{s.end_year}",
                            children=[rv.Html(tag="td", children=[c]) for c in cells],
                        )
                    )
                rv.Table(
                    density="compact",
                    children=[
                        rv.Html(
                            tag="thead",
                            children=[rv.Html(tag="tr", children=[rv.Html(tag="th", children=[h]) for h in head])],
                        ),
                        rv.Html(tag="tbody", children=body),
                    ],
                )
                div("sq-panel-note", [words("fiscal.units")])


@solara.component
def Intensity(outcome: Outcome, words: Words) -> None:  # noqa: N802
    options = solara.use_memo(
        lambda: [(key, intensity_option(outcome, words, ids)) for key, ids in INTENSITY_VIEWS], [outcome, words.lang]
    )
    with div("sq-panel"):
        ChartGrid(options, words, "intensity", height=340)
