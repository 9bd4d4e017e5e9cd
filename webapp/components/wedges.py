"""The wedges tab: the plan-vs-baseline CO2 gap in 2030 by instrument group and by channel, as measured and shipped."""

from __future__ import annotations

from typing import Any

import pandas as pd
import solara

from abm.lever_guide import wedges_table
from webapp.catalogue import EFFECTS_HOUSEHOLDS, EFFECTS_MEMBERS, PEAK_YEAR
from webapp.components.chart import Chart
from webapp.components.html import div
from webapp.palette import CURRENT_COLOUR
from webapp.text import Words

SPLITS = (("group", "wedges.by_group"), ("mechanism", "wedges.by_channel"))
PART_KEYS = {"residual (interaction)": "wedges.residual", "total gap": "wedges.total"}
BAR_HEIGHT_PX = 34
CHART_MARGIN_PX = 70
TOTAL_COLOUR = "#0b3954"


def part_label(split: str, part: str, words: Words) -> str:
    """A row of the wedges table in words: an instrument group, a channel, the interaction or the total."""
    if part in PART_KEYS:
        return words(PART_KEYS[part])
    if split == "group":
        return words(f"group.{part}")
    slug = part.replace("'", "").replace(" ", "_")
    return words(f"wedges.channel.{slug}")


def wedges_option(rows: pd.DataFrame, split: str, words: Words) -> dict[str, Any]:
    """A horizontal bar chart of one split (MtCO2 in 2030, plan minus baseline) with 5-95 % whiskers.

    The whiskers are a box plot whose box has no width (5 %, mean, mean, mean, 95 %).
    """
    rows = rows.iloc[::-1]  # ECharts draws the first category at the bottom
    labels = [part_label(split, part, words) for part in rows["part"]]
    means = [round(float(v), 3) for v in rows["delta_co2_2030_mt"]]
    colours = [TOTAL_COLOUR if part == "total gap" else CURRENT_COLOUR for part in rows["part"]]
    whiskers = [
        [round(float(lo), 3), m, m, m, round(float(hi), 3)]
        for lo, m, hi in zip(rows["delta_co2_2030_mt_q05"], means, rows["delta_co2_2030_mt_q95"], strict=True)
    ]
    return {
        "animation": False,
        "grid": {"left": 190, "right": 40, "top": 16, "bottom": 40},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "xAxis": {
            "type": "value",
            "name": words("wedges.axis", unit=words("unit.MtCO2"), year=PEAK_YEAR),
            "nameLocation": "middle",
            "nameGap": 26,
        },
        "yAxis": {"type": "category", "data": labels, "axisLabel": {"width": 180, "overflow": "truncate"}},
        "series": [
            {
                "type": "bar",
                "name": words("wedges.mean"),
                "data": [{"value": m, "itemStyle": {"color": c}} for m, c in zip(means, colours, strict=True)],
                "barWidth": "55%",
                "label": {"show": True, "position": "right", "formatter": "{c}"},
            },
            {
                "type": "boxplot",
                "name": words("wedges.band"),
                "data": whiskers,
                "boxWidth": [0, 0],
                "itemStyle": {"color": "transparent", "borderColor": "#37474f", "borderWidth": 1.5},
                "tooltip": {"show": False},
            },
        ],
    }


@solara.component
def Wedges(words: Words) -> None:  # noqa: N802
    """Both splits of the gap, with what they were measured with; a shipped result, not the current settings."""
    table = solara.use_memo(wedges_table, [])
    with div("sq-panel sq-wedges"):
        div(
            "sq-panel-note sq-wedges-note",
            [words("wedges.note", year=PEAK_YEAR, members=EFFECTS_MEMBERS, households=f"{EFFECTS_HOUSEHOLDS:,}")],
        )
        with div("sq-grid2"):
            for split, key in SPLITS:
                rows = table[table["split"] == split]
                option = wedges_option(rows, split, words)
                with div(f"sq-subchart sq-wedges-{split}"):
                    div("sq-subchart-title", [words(key)])
                    Chart(option, f"wedges-{split}", height=len(rows) * BAR_HEIGHT_PX + CHART_MARGIN_PX)
