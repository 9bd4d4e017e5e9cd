"""ECharts options for the app's charts: pure functions from runs to dicts, nothing drawn here."""

from __future__ import annotations

from typing import Any

import pandas as pd

from abm.comparison import by_sector, output_weighted_share, target_series
from abm.figures import SECTOR_LABELS
from abm.scorecard import HEADLINE, load_targets, series
from webapp.catalogue import (
    COMPARISON_SYMBOLS,
    ENTERPRISE_ADOPTION,
    HOUSEHOLD_ADOPTION,
    LEVERS,
    PEAK_YEAR,
    STORAGE,
)
from webapp.numbers import PERCENT, fmt
from webapp.palette import BASELINE_COLOUR, CURRENT_COLOUR, MET_COLOUR, PALETTE, TARGET_COLOUR
from webapp.runs import EnsembleState, Outcome
from webapp.text import Words


def _values(s: pd.Series, digits: int = 4) -> list[float | None]:
    return [None if pd.isna(v) else round(float(v), digits) for v in s.to_numpy()]


def _base_option(years: list[str], y_name: str, legend: bool = True, legend_space: int = 64) -> dict[str, Any]:
    return {
        "animationDuration": 250,
        "animationDurationUpdate": 250,
        "color": PALETTE,
        "textStyle": {"fontFamily": "Roboto, 'Noto Sans SC', 'Microsoft YaHei', sans-serif"},
        "grid": {"left": 60, "right": 28, "top": 44, "bottom": legend_space if legend else 32},
        "tooltip": {"trigger": "axis"},
        "legend": {
            "show": legend,
            "bottom": 0,
            "type": "plain",
            "itemWidth": 16,
            "itemGap": 8,
            "textStyle": {"fontSize": 11},
        },
        "xAxis": {"type": "category", "data": years, "boundaryGap": False},
        "yAxis": {"type": "value", "name": y_name, "scale": True, "nameTextStyle": {"align": "left"}},
        "series": [],
    }


def emissions_option(outcome: Outcome, words: Words, by_sectors: bool) -> dict[str, Any]:
    """The main chart: CO2 of the current settings and of the baseline, peak marked, the 2030 line."""
    cur = series(outcome.current.trajectory, HEADLINE)
    base = series(outcome.baseline.trajectory, HEADLINE)
    years = [str(y) for y in cur.index]
    option = _base_option(years, words("chart.axis_mt"), legend_space=96 if by_sectors else 40)
    peak_year, peak_mt = outcome.current.peak_year, outcome.current.peak_mt
    peak_label = words("chart.peak", year=peak_year, value=fmt(peak_mt))
    if peak_year == cur.index.max():  # still rising at the end of the run: no peak
        peak_label = words("card.no_peak", year=peak_year)
    target_line = {
        "silent": True,
        "symbol": ["none", "none"],
        "lineStyle": {"color": TARGET_COLOUR, "type": "dashed", "width": 1.5},
        "label": {
            "formatter": words("chart.target", year=PEAK_YEAR),
            "color": TARGET_COLOUR,
            "position": "end",
        },
        "data": [{"xAxis": str(PEAK_YEAR)}],
    }
    current_line = {
        "name": words("chart.current"),
        "type": "line",
        "data": _values(cur),
        "symbol": "none",
        "lineStyle": {"width": 3, "color": CURRENT_COLOUR if not by_sectors else "#1a1a1a"},
        "itemStyle": {"color": CURRENT_COLOUR if not by_sectors else "#1a1a1a"},
        "z": 5,
        "markPoint": {
            "symbol": "circle",
            "symbolSize": 11,
            "itemStyle": {"color": "#1a1a1a"},
            "label": {"show": True, "formatter": peak_label, "position": "right", "fontWeight": "bold", "distance": 8},
            "data": [{"coord": [str(peak_year), round(peak_mt, 4)]}],
        },
        "markLine": target_line,
    }
    baseline_line = {
        "name": words("chart.baseline"),
        "type": "line",
        "data": _values(base),
        "symbol": "none",
        "lineStyle": {"width": 2, "type": "dashed", "color": BASELINE_COLOUR},
        "itemStyle": {"color": BASELINE_COLOUR},
        "markPoint": {
            "symbol": "circle",
            "symbolSize": 7,
            "itemStyle": {"color": BASELINE_COLOUR},
            "label": {
                "show": True,
                "position": "top",
                "color": BASELINE_COLOUR,
                "formatter": words("chart.peak", year=outcome.baseline.peak_year, value=fmt(outcome.baseline.peak_mt)),
            },
            "data": [{"coord": [str(outcome.baseline.peak_year), round(outcome.baseline.peak_mt, 4)]}],
        },
    }
    if by_sectors:
        wide = by_sector(outcome.current.trajectory, HEADLINE)
        order = [s for s in SECTOR_LABELS if s in wide.columns] + [s for s in wide.columns if s not in SECTOR_LABELS]
        option["yAxis"]["scale"] = False
        option["tooltip"]["order"] = "seriesDesc"
        for sector in order:
            option["series"].append(
                {
                    "name": words.sector(sector),
                    "type": "line",
                    "stack": "sectors",
                    "areaStyle": {"opacity": 0.85},
                    "symbol": "none",
                    "lineStyle": {"width": 0.5},
                    "emphasis": {"focus": "series"},
                    "data": _values(wide[sector].reindex(cur.index)),
                }
            )
    option["series"] += [baseline_line, current_line]
    return option


def lines_option(
    rows: list[tuple[str, pd.Series, pd.Series | None]],
    years: list[str],
    y_name: str,
    percent: bool = True,
    legend_space: int = 100,
) -> dict[str, Any]:
    """Several indicators, current settings solid and baseline dashed in the same colour."""
    option = _base_option(years, y_name, legend_space=legend_space)
    option["yAxis"]["scale"] = False
    if percent:
        option["yAxis"]["max"] = PERCENT
    for i, (name, cur, base) in enumerate(rows):
        colour = PALETTE[i % len(PALETTE)]
        option["series"].append(
            {
                "name": name,
                "type": "line",
                "symbol": "none",
                "data": _values(cur),
                "lineStyle": {"width": 2.5, "color": colour},
                "itemStyle": {"color": colour},
            }
        )
        if base is not None:
            option["series"].append(
                {
                    "name": name,
                    "type": "line",
                    "symbol": "none",
                    "data": _values(base),
                    "silent": True,
                    "lineStyle": {"width": 1.5, "type": "dashed", "color": colour, "opacity": 0.7},
                    "itemStyle": {"color": colour},
                    "tooltip": {"show": False},
                }
            )
    return option


def adoption_options(outcome: Outcome, words: Words) -> list[tuple[str, dict[str, Any]]]:
    """Adoption curves: households, enterprises (share of output) and storage capacity."""
    cur, base = outcome.current.trajectory, outcome.baseline.trajectory
    years_index = series(cur, HEADLINE).index
    years = [str(y) for y in years_index]
    households = [
        (words(f"indicator.{ind}"), series(cur, ind, sector), series(base, ind, sector))
        for ind, sector in HOUSEHOLD_ADOPTION
    ]
    enterprises = [
        (words(f"indicator.{ind}"), output_weighted_share(cur, ind), output_weighted_share(base, ind))
        for ind in ENTERPRISE_ADOPTION
    ]
    storage_now = by_sector(cur, STORAGE)
    storage = [(words(f"storage.{s}"), storage_now[s].reindex(years_index), None) for s in storage_now.columns]
    storage_option = lines_option(storage, years, words("unit.MWh"), percent=False)
    for s in storage_option["series"]:
        s.update({"stack": "storage", "areaStyle": {"opacity": 0.6}})
    storage_option["series"].append(
        {
            "name": words("chart.baseline"),
            "type": "line",
            "symbol": "none",
            "data": _values(series(base, STORAGE)),
            "lineStyle": {"type": "dashed", "color": BASELINE_COLOUR, "width": 2},
            "itemStyle": {"color": BASELINE_COLOUR},
        }
    )
    return [
        ("adoption.households", lines_option(households, years, "%")),
        ("adoption.enterprises", lines_option(enterprises, years, "%")),
        ("adoption.storage", storage_option),
    ]


def fiscal_option(outcome: Outcome, words: Words) -> dict[str, Any]:
    """Yearly fiscal cost of the incentives by instrument (stacked bars), 100 million yuan."""
    wide = by_sector(outcome.current.trajectory, "fiscal_cost")
    wide = wide.loc[:, (wide.abs() > 0).any()]
    years = [str(y) for y in wide.index]
    option = _base_option(years, words("unit.100 million yuan"), legend_space=110)
    option["xAxis"]["boundaryGap"] = True
    option["yAxis"]["scale"] = False
    option["tooltip"]["order"] = "seriesDesc"
    for name in [p.name for p in LEVERS if p.name in wide.columns]:
        option["series"].append(
            {"name": words.param(name), "type": "bar", "stack": "cost", "data": _values(wide[name])}
        )
    return option


def intensity_option(outcome: Outcome, words: Words, target_ids: list[str]) -> dict[str, Any]:
    """A target's indicator for the current settings and the baseline, with the target values marked."""
    cur = target_series(outcome.current.trajectory, target_ids[0])
    base = target_series(outcome.baseline.trajectory, target_ids[0])
    years = [str(y) for y in cur.index]
    targets = load_targets().set_index("id")
    option = lines_option([(words("chart.current"), cur, None)], years, "%", percent=False, legend_space=60)
    option["series"][0]["lineStyle"]["color"] = CURRENT_COLOUR
    option["series"][0]["itemStyle"]["color"] = CURRENT_COLOUR
    option["series"].append(
        {
            "name": words("chart.baseline"),
            "type": "line",
            "symbol": "none",
            "data": _values(base),
            "lineStyle": {"type": "dashed", "color": BASELINE_COLOUR, "width": 2},
            "itemStyle": {"color": BASELINE_COLOUR},
        }
    )
    points = []
    for tid in target_ids:
        year, value = int(targets.loc[tid, "year"]), float(targets.loc[tid, "value"])
        symbol = COMPARISON_SYMBOLS[targets.loc[tid, "comparison"]]
        points.append(
            {
                "value": [str(year), value],
                "label": {"formatter": words("chart.target_value", year=year, symbol=symbol, value=fmt(value))},
            }
        )
    option["series"].append(
        {
            "name": words("chart.targets"),
            "type": "scatter",
            "symbol": "diamond",
            "symbolSize": 14,
            "data": points,
            "itemStyle": {"color": TARGET_COLOUR},
            "label": {"show": True, "position": "right", "color": TARGET_COLOUR},
            "z": 6,
        }
    )
    return option


def ensemble_options(state: EnsembleState, words: Words) -> tuple[dict[str, Any], dict[str, Any]]:
    """Peak years across the ensemble's members, and the band of emissions (5-95 %, median)."""
    assert state.ensemble is not None
    peaks = state.ensemble.peaks["peak_year"].astype(int)
    span = list(range(int(peaks.min()), int(peaks.max()) + 1))
    counts = peaks.value_counts()
    hist = _base_option([str(y) for y in span], words("ensemble.members_axis"), legend=False)
    hist["xAxis"]["boundaryGap"] = True
    hist["yAxis"].update({"minInterval": 1, "scale": False, "min": 0})
    hist["series"].append(
        {
            "type": "bar",
            "name": words("ensemble.peak_years"),
            "barMaxWidth": 36,
            "data": [
                {
                    "value": int(counts.get(y, 0)),
                    "itemStyle": {"color": MET_COLOUR if y <= PEAK_YEAR else TARGET_COLOUR},
                }
                for y in span
            ],
        }
    )
    rows = state.ensemble.trajectories
    rows = rows[(rows["indicator"] == HEADLINE) & (rows["sector"] == "total")]
    wide = rows.pivot(index="year", columns="seed", values="value")
    low, mid, high = wide.quantile(0.05, axis=1), wide.median(axis=1), wide.quantile(0.95, axis=1)
    band = _base_option([str(y) for y in wide.index], words("chart.axis_mt"))
    band["series"] = [
        {
            "name": "low",
            "type": "line",
            "data": _values(low),
            "stack": "band",
            "symbol": "none",
            "lineStyle": {"opacity": 0},
            "tooltip": {"show": False},
            "legendHoverLink": False,
        },
        {
            "name": words("ensemble.band"),
            "type": "line",
            "data": _values(high - low),
            "stack": "band",
            "symbol": "none",
            "lineStyle": {"opacity": 0},
            "itemStyle": {"color": CURRENT_COLOUR, "opacity": 0.3},
            "areaStyle": {"color": CURRENT_COLOUR, "opacity": 0.18},
        },
        {
            "name": words("ensemble.median"),
            "type": "line",
            "data": _values(mid),
            "symbol": "none",
            "lineStyle": {"color": CURRENT_COLOUR, "width": 2.5},
            "itemStyle": {"color": CURRENT_COLOUR},
            "markLine": {
                "silent": True,
                "symbol": ["none", "none"],
                "data": [{"xAxis": str(PEAK_YEAR)}],
                "lineStyle": {"color": TARGET_COLOUR, "type": "dashed"},
                "label": {"show": False},
            },
        },
    ]
    band["legend"]["data"] = [words("ensemble.band"), words("ensemble.median")]
    return hist, band
