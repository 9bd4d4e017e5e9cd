"""The scorecard tab: each target of the plan, met or missed, for the current settings and the baseline."""

from __future__ import annotations

import pandas as pd
import solara

from abm.scorecard import load_targets
from webapp.catalogue import COMPARISON_SYMBOLS
from webapp.components.markup import element, static_html, text
from webapp.numbers import fmt
from webapp.runs import Outcome
from webapp.text import Words

STATUS_TEXT = {"met": "score.met", "reached_then_lost": "score.lost", "met_late": "score.late"}


def status_text_key(row: pd.Series) -> str:
    """The text key of a scorecard row's verdict: met, reached then lost, met late, or missed."""
    if bool(row["met"]):
        return "score.met"
    return STATUS_TEXT.get(row.get("status"), "score.missed")


def _target_cells(row: pd.Series | None, words: Words) -> str:
    if row is None:
        return element("td", "–") + element("td", "–")
    met = bool(row["met"])
    chip = element("span", text(words(status_text_key(row))), f"sq-chip {'sq-chip-met' if met else 'sq-chip-missed'}")
    first = row["first_year_met"]
    first_text = words("score.since", year=int(first)) if not pd.isna(first) else words("score.never")
    return element("td", chip) + element("td", text(first_text), "sq-first")


def _pin_cell(row: pd.Series | None, words: Words) -> str:
    """A pinned scenario's cell: its modelled value and met or missed."""
    if row is None or pd.isna(row["modelled"]):
        return element("td", "–", "sq-pin-cell")
    unit = words.unit(row["unit"]) if row["unit"] != "year" else ""
    value = f"{row['modelled']:.0f}" if row["unit"] == "year" else f"{fmt(row['modelled'])} {unit}".strip()
    met = bool(row["met"])
    chip = element("span", text(words(status_text_key(row))), f"sq-chip {'sq-chip-met' if met else 'sq-chip-missed'}")
    return element("td", text(value) + " " + chip, "sq-pin-cell")


@solara.component
def Scorecard(outcome: Outcome, words: Words, pins: list | None = None) -> None:  # noqa: N802
    """Each target of the plan: met or missed, first year met, for the current settings and the baseline.

    Each pinned scenario (name, colour, answer) adds a column: its modelled value and met or missed.

    The tab only shows text, so it is one widget, its note and table together (:mod:`webapp.components.markup`), laid out as Vuetify's table.
    """
    cur = outcome.current.scorecard
    base = outcome.baseline.scorecard.set_index("target_id")
    texts = load_targets().set_index("id")
    head = [
        "score.target",
        "score.year",
        "score.goal",
        "score.modelled",
        "score.current",
        "score.first",
        "score.baseline",
        "score.first",
    ]
    pinned = [(name, colour, answer.current.scorecard.set_index("target_id")) for name, colour, answer in pins or []]
    rows = []
    for _, row in cur.iterrows():
        tid = row["target_id"]
        symbol = COMPARISON_SYMBOLS[row["comparison"]]
        unit = words.unit(row["unit"]) if row["unit"] != "year" else ""
        goal = f"{symbol} {row['target']:g} {unit}".strip()
        modelled = f"{row['modelled']:.0f}" if row["unit"] == "year" else f"{fmt(row['modelled'])} {unit}".strip()
        title = str(texts.loc[tid, "text"]) if tid in texts.index else ""
        cells = [
            element("td", text(words(f"target.{tid}")), "sq-target-name", title=title),
            element("td", text(row["year"])),
            element("td", text(goal)),
            element("td", text(modelled)),
            _target_cells(row, words),
            _target_cells(base.loc[tid] if tid in base.index else None, words),
        ]
        for _, _, card in pinned:
            cells.append(_pin_cell(card.loc[tid] if tid in card.index else None, words))
        rows.append(element("tr", "".join(cells), f"sq-target sq-target-{tid}"))
    heads = "".join(element("th", text(words(k))) for k in head)
    heads += "".join(
        element("th", element("span", "●", style=f"color: {colour}") + " " + text(name), "sq-pin-column")
        for name, colour, _ in pinned
    )
    thead = element("thead", element("tr", heads))
    table = element("table", thead + element("tbody", "".join(rows)))
    note = element("div", text(words("score.note")), "sq-panel-note")
    wrapped = element(
        "div", element("div", table, "v-table__wrapper"), "v-table v-theme--light v-table--density-compact"
    )
    static_html("sq-panel sq-scorecard", note + wrapped)
