"""The headline cards: peak year and level, CO2 in the target year, targets met, cost of the incentives."""

from __future__ import annotations

import solara

from abm.comparison import compare
from abm.peak import run_peak
from abm.run import RunResult
from abm.scorecard import HEADLINE, series
from webapp.catalogue import PEAK_YEAR
from webapp.components.html import div, span
from webapp.numbers import fmt, money
from webapp.runs import Outcome
from webapp.text import Words


@solara.component
def HeadlineCard(testid: str, title: str, value: str, unit: str, note: str, tone: str = "") -> None:  # noqa: N802
    """A headline number: title, value with its unit, and a note (usually the baseline's value)."""
    with div(f"sq-card sq-card-{testid} {tone}"):
        div("sq-card-title", [title])
        with div("sq-card-line"):
            span("sq-card-value", value)
            if unit:
                span("sq-card-unit", unit)
        div("sq-card-note", [note])


@solara.component
def Headlines(outcome: Outcome, words: Words) -> None:  # noqa: N802
    """Peak year and level, emissions in 2030, targets met, and the cost of the incentives, against the baseline."""
    cur, base = outcome.current, outcome.baseline
    last_year = int(cur.trajectory["year"].max())
    card = cur.scorecard.set_index("target_id")
    peaked = bool(card.loc["co2_peak", "met"]) if "co2_peak" in card.index else cur.peak_year <= PEAK_YEAR

    def peak_text(r: RunResult) -> str:
        return str(r.peak_year) if r.peak_year < last_year else words("card.no_peak", year=last_year)

    confirmed = run_peak(cur.trajectory).confirmed_year
    confirmed_text = (
        words("card.confirmed_peak", year=confirmed) if confirmed is not None else words("card.no_confirmed_peak")
    )

    co2_now = float(series(cur.trajectory, HEADLINE).loc[PEAK_YEAR])
    co2_base = float(series(base.trajectory, HEADLINE).loc[PEAK_YEAR])
    summary = compare(cur.trajectory, base.trajectory, end=PEAK_YEAR)
    per_tonne = (
        words("card.per_tonne", value=fmt(summary.yuan_per_tonne, 0))
        if summary.yuan_per_tonne is not None
        else words("card.nothing_avoided")
    )
    mt = words("unit.Mt")
    with div("sq-cards"):
        HeadlineCard(
            "peak-year",
            words("card.peak_year"),
            peak_text(cur),
            "",
            f"{confirmed_text} · " + words("card.baseline", value=peak_text(base)),
            "sq-good" if peaked else "sq-bad",
        )
        HeadlineCard(
            "peak-level",
            words("card.peak_level"),
            fmt(cur.peak_mt),
            mt,
            words("card.baseline", value=f"{fmt(base.peak_mt)} {mt}"),
        )
        HeadlineCard(
            "co2-target-year",
            words("card.co2_in", year=PEAK_YEAR),
            fmt(co2_now),
            mt,
            words("card.vs_baseline", value=f"{co2_now - co2_base:+.1f} {mt}"),
        )
        HeadlineCard(
            "targets-met",
            words("card.targets"),
            f"{int(cur.scorecard['met'].sum())} / {len(cur.scorecard)}",
            "",
            words("card.baseline", value=f"{int(base.scorecard['met'].sum())} / {len(base.scorecard)}"),
        )
        HeadlineCard(
            "fiscal",
            words("card.cost", year=PEAK_YEAR),
            *money(summary.fiscal_cost, words),
            per_tonne,
        )
