"""The headline cards: P(peak by 2030), peak year and level, CO2 in the target year, targets met, cost."""

from __future__ import annotations

import solara

from abm.scorecard import TARGET_MAP
from webapp.catalogue import PEAK_YEAR
from webapp.charts import year_span
from webapp.components.markup import element, static_html, text
from webapp.numbers import PERCENT, fmt, money
from webapp.runs import Answer, Outcome
from webapp.text import Words


def headline_card(testid: str, title: str, value: str, unit: str, note: str, tone: str = "") -> str:
    """A headline number as HTML: title, value with its unit, and a note (usually the baseline's value)."""
    line = element("span", text(value), "sq-card-value")
    if unit:
        line += element("span", text(unit), "sq-card-unit")
    return element(
        "div",
        element("div", text(title), "sq-card-title")
        + element("div", line, "sq-card-line")
        + element("div", text(note), "sq-card-note"),
        f"sq-card sq-card-{testid} {tone}".strip(),
    )


def peak_text(answer: Answer, words: Words) -> str:
    """The confirmed peak year of the members' mean, or that there is none."""
    year = answer.confirmed_peak
    return str(year) if year is not None else words("card.no_confirmed_peak")


def peak_span(answer: Answer, words: Words) -> str:
    """5-95 % of the members' confirmed peak years ("2026–2031"; "…" where members have none)."""
    low, high = answer.peak_range
    last = answer.years[-1]
    if low > last:
        return words("card.no_peak", year=last)
    return year_span(low, high, last)


def targets_partial_note(n_judged: int, words: Words) -> str:
    """The targets card's note when an answer judges only ``n_judged`` of the plan's targets, else nothing.

    An estimate made before the preset's own runs are done judges only the targets whose
    indicators the emulator holds (9 of 15, say); the card says so rather than change its total unexplained.
    """
    total = len(TARGET_MAP)
    return "" if n_judged >= total else " · " + words("card.targets_partial", n=n_judged, total=total)


@solara.component
def Headlines(outcome: Outcome, words: Words) -> None:  # noqa: N802
    """P(peak by 2030), peak year and level, CO2 in 2030, targets met and the incentives' cost, against the baseline.

    Every number is of the app's members: the mean, with the 5-95 % range where it says so.
    The cards only show text, so they are one widget (:mod:`webapp.components.markup`): one message
    when the page opens and one for each new answer.
    """
    cur, base = outcome.current, outcome.baseline
    probability, base_probability = cur.peak_probability.value, base.peak_probability.value
    peaked = cur.confirmed_peak is not None and cur.confirmed_peak <= PEAK_YEAR
    at = cur.years.index(PEAK_YEAR)
    co2_now, co2_low, co2_high = (float(b.iloc[at]) for b in cur.band(cur.headline))
    co2_base = float(base.band(base.headline)[0].iloc[at])
    summary = outcome.compared(PEAK_YEAR)
    per_tonne = (
        words("card.per_tonne", value=fmt(summary.yuan_per_tonne, 0))
        if summary.yuan_per_tonne is not None
        else words("card.nothing_avoided")
    )
    mt = words("unit.Mt")
    cards = [
        headline_card(
            "probability",
            words("card.probability", year=PEAK_YEAR),
            f"{probability * PERCENT:.0f}",
            "%",
            words("card.probability_note", n=len(cur.values), value=f"{base_probability * PERCENT:.0f} %"),
            "sq-good" if probability >= 0.5 else "sq-bad",
        ),
        headline_card(
            "peak-year",
            words("card.peak_year"),
            peak_text(cur, words),
            "",
            words("card.peak_span", span=peak_span(cur, words))
            + " · "
            + words("card.baseline", value=peak_text(base, words)),
            "sq-good" if peaked else "sq-bad",
        ),
        headline_card(
            "peak-level",
            words("card.peak_level"),
            fmt(cur.peak_mt),
            mt,
            words("card.baseline", value=f"{fmt(base.peak_mt)} {mt}"),
        ),
        headline_card(
            "co2-target-year",
            words("card.co2_in", year=PEAK_YEAR),
            fmt(co2_now),
            mt,
            words("card.range", low=fmt(co2_low), high=fmt(co2_high))
            + " · "
            + words("card.vs_baseline", value=f"{co2_now - co2_base:+.1f} {mt}"),
        ),
        headline_card(
            "targets-met",
            words("card.targets"),
            f"{int(cur.scorecard['met'].sum())} / {len(cur.scorecard)}",
            "",
            words("card.baseline", value=f"{int(base.scorecard['met'].sum())} / {len(base.scorecard)}")
            + targets_partial_note(min(len(cur.scorecard), len(base.scorecard)), words),
        ),
        headline_card(
            "fiscal",
            words("card.cost", year=PEAK_YEAR),
            *money(summary.fiscal_cost, words),
            per_tonne,
        ),
    ]
    static_html("sq-cards", "".join(cards))
