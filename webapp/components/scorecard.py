"""The scorecard tab: each target of the plan, met or missed, for the current settings and the baseline."""

from __future__ import annotations

import pandas as pd
import reacton.ipyvuetify as rv
import solara

from abm.scorecard import load_targets
from webapp.catalogue import COMPARISON_SYMBOLS
from webapp.components.html import div, span
from webapp.numbers import fmt
from webapp.runs import Outcome
from webapp.text import Words

STATUS_TEXT = {"met": "score.met", "reached_then_lost": "score.lost", "met_late": "score.late"}


def status_text_key(row: pd.Series) -> str:
    """The text key of a scorecard row's verdict: met, reached then lost, met late, or missed."""
    if bool(row["met"]):
        return "score.met"
    return STATUS_TEXT.get(row.get("status"), "score.missed")


def _target_cells(row: pd.Series | None, words: Words) -> list[solara.Element]:
    if row is None:
        return [rv.Html(tag="td", children=["–"]), rv.Html(tag="td", children=["–"])]
    met = bool(row["met"])
    chip = span(f"sq-chip {'sq-chip-met' if met else 'sq-chip-missed'}", words(status_text_key(row)))
    first = row["first_year_met"]
    first_text = words("score.since", year=int(first)) if not pd.isna(first) else words("score.never")
    return [rv.Html(tag="td", children=[chip]), rv.Html(tag="td", class_="sq-first", children=[first_text])]


@solara.component
def Scorecard(outcome: Outcome, words: Words) -> None:  # noqa: N802
    """Each target of the plan: met or missed, first year met, for the current settings and the baseline."""
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
    rows = []
    for _, row in cur.iterrows():
        tid = row["target_id"]
        symbol = COMPARISON_SYMBOLS[row["comparison"]]
        unit = words.unit(row["unit"]) if row["unit"] != "year" else ""
        goal = f"{symbol} {row['target']:g} {unit}".strip()
        modelled = f"{row['modelled']:.0f}" if row["unit"] == "year" else f"{fmt(row['modelled'])} {unit}".strip()
        cells = [
            rv.Html(
                tag="td",
                class_="sq-target-name",
                children=[words(f"target.{tid}")],
                attributes={"title": str(texts.loc[tid, "text"]) if tid in texts.index else ""},
            ),
            rv.Html(tag="td", children=[str(row["year"])]),
            rv.Html(tag="td", children=[goal]),
            rv.Html(tag="td", children=[modelled]),
            *_target_cells(row, words),
            *_target_cells(base.loc[tid] if tid in base.index else None, words),
        ]
        rows.append(rv.Html(tag="tr", class_=f"sq-target sq-target-{tid}", children=cells))
    with div("sq-panel sq-scorecard"):
        div("sq-panel-note", [words("score.note")])
        rv.Table(
            density="compact",
            children=[
                rv.Html(
                    tag="thead",
                    children=[rv.Html(tag="tr", children=[rv.Html(tag="th", children=[words(k)]) for k in head])],
                ),
                rv.Html(tag="tbody", children=rows),
            ],
        )
