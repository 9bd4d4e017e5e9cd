"""ECharts options for the app's charts: pure functions from runs to dicts, nothing drawn here."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from abm.comparison import WEIGHT, by_sector, target_series
from abm.figures import SECTOR_LABELS
from abm.scorecard import HEADLINE, TARGET_MAP, load_targets, series
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
from webapp.runs import Answer, Outcome
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


def band_series(name: str, low: pd.Series, high: pd.Series, colour: str, stack: str) -> list[dict[str, Any]]:
    """A 5-95 % band: a transparent line at the 5 % values and, stacked on it, an area of (95 % - 5 %)."""
    common = {"type": "line", "symbol": "none", "stack": stack, "silent": True, "tooltip": {"show": False}}
    return [
        {**common, "name": name, "data": _values(low), "lineStyle": {"opacity": 0}, "itemStyle": {"color": colour},
         "legendHoverLink": False},
        {**common, "name": name, "data": _values(high - low), "lineStyle": {"opacity": 0},
         "itemStyle": {"color": colour}, "areaStyle": {"color": colour, "opacity": 0.16}},
    ]  # fmt: skip


def year_span(low: float, high: float, last: int) -> str:
    """A range of years, "2026–2031"; one year when both ends agree; "2026–…" when it runs past ``last``."""
    if high > last:
        return f"{int(low)}–…"
    return str(int(low)) if low == high else f"{int(low)}–{int(high)}"


def _peak_text(answer: Answer, words: Words) -> str:
    low, high = answer.peak_range
    last = answer.years[-1]
    span = words("chart.no_peak_span", year=last) if low > last else year_span(low, high, last)
    year = answer.confirmed_peak
    mean = words("chart.peak_mean", year=year) if year is not None else words("card.no_confirmed_peak")
    return f"{mean} ({words('chart.members_span', span=span)})"


PinLine = tuple[str, str, Outcome]  # a pinned scenario's name, colour and answer


def pin_series(pins: list[PinLine], indicator: str = HEADLINE, sector: str = "total") -> list[dict[str, Any]]:
    """Each pinned scenario's members' mean of one indicator: a dotted line in its colour, named as the pin."""
    out = []
    for name, colour, outcome in pins:
        answer = outcome.current
        if (indicator, sector) not in {(c[0], c[1]) for c in answer.layout.columns}:
            continue
        mean = answer.band(answer.member_series(indicator, sector))[0]
        out.append(
            {
                "name": name,
                "type": "line",
                "symbol": "none",
                "data": _values(mean),
                "lineStyle": {"width": 2.5, "type": "dotted", "color": colour},
                "itemStyle": {"color": colour},
                "z": 4,
            }
        )
    return out


def emissions_option(
    outcome: Outcome, words: Words, by_sectors: bool, pins: list[PinLine] | None = None
) -> dict[str, Any]:
    """The main chart: mean CO2 of the members with their 5-95 % band, current settings and baseline.

    The confirmed peaks of the means are marked with dots; what they are, and the 2030 peak
    target (a dashed red line), is written above the plot, so no label covers a line.
    """
    cur_mean, cur_low, cur_high = outcome.current.band(outcome.current.headline)
    base_mean, base_low, base_high = outcome.baseline.band(outcome.baseline.headline)
    years = [str(y) for y in cur_mean.index]
    option = _base_option(years, words("chart.axis_mt"), legend_space=96 if by_sectors else 40)
    option["grid"]["top"] = 64
    text_style = {"fontSize": 12, "fontWeight": "normal", "color": "#34495e"}
    option["title"] = [
        {
            "text": words(
                "chart.peaks_line",
                current=_peak_text(outcome.current, words),
                baseline=_peak_text(outcome.baseline, words),
            ),
            "left": 56,
            "top": 0,
            "textStyle": text_style,
        },
        {
            "text": words("chart.target_line", year=PEAK_YEAR),
            "left": 56,
            "top": 18,
            "textStyle": {**text_style, "color": TARGET_COLOUR},
        },
    ]
    target_line = {
        "silent": True,
        "symbol": ["none", "none"],
        "lineStyle": {"color": TARGET_COLOUR, "type": "dashed", "width": 1.5},
        "label": {"show": False},
        "data": [{"xAxis": str(PEAK_YEAR)}],
    }

    def peak_point(answer: Answer, colour: str, size: int) -> dict[str, Any]:
        year = answer.confirmed_peak
        data = (
            [] if year is None else [{"coord": [str(year), round(float(answer.band(answer.headline)[0].loc[year]), 4)]}]
        )
        return {"symbol": "circle", "symbolSize": size, "itemStyle": {"color": colour}, "label": {"show": False},
                "data": data}  # fmt: skip

    line_colour = CURRENT_COLOUR if not by_sectors else "#1a1a1a"
    current_line = {
        "name": words("chart.current"),
        "type": "line",
        "data": _values(cur_mean),
        "symbol": "none",
        "lineStyle": {"width": 3, "color": line_colour},
        "itemStyle": {"color": line_colour},
        "z": 5,
        "markPoint": peak_point(outcome.current, "#1a1a1a", 11),
        "markLine": target_line,
    }
    baseline_line = {
        "name": words("chart.baseline"),
        "type": "line",
        "data": _values(base_mean),
        "symbol": "none",
        "lineStyle": {"width": 2, "type": "dashed", "color": BASELINE_COLOUR},
        "itemStyle": {"color": BASELINE_COLOUR},
        "markPoint": peak_point(outcome.baseline, BASELINE_COLOUR, 7),
    }
    bands = [
        *band_series(words("chart.band_baseline"), base_low, base_high, BASELINE_COLOUR, "band-baseline"),
        *band_series(words("chart.band_current"), cur_low, cur_high, CURRENT_COLOUR, "band-current"),
    ]
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
                    "data": _values(wide[sector].reindex(cur_mean.index)),
                }
            )
        bands = bands[2:]  # the baseline's band would hide the sectors
    option["series"] += [*bands, baseline_line, *pin_series(pins or []), current_line]
    return option


def frames_option(outcome: Outcome, words: Words, pins: list[PinLine] | None = None) -> dict[str, Any]:
    """CO2 in the two frames: including net imported electricity (solid) and territorial (dotted), with bands."""
    now, then = outcome.current, outcome.baseline
    years = [str(y) for y in now.years]
    option = _base_option(years, words("chart.axis_mt"), legend_space=72)
    option["yAxis"]["scale"] = False
    for indicator, style, key in (
        (HEADLINE, "solid", "graph.with_electricity"),
        ("co2_territorial", "dotted", "graph.territorial"),
    ):
        label = words(key)
        mean, low, high = now.band(now.member_series(indicator))
        base = then.band(then.member_series(indicator))[0]
        option["series"] += band_series(f"{words('chart.band_current')} ({label})", low, high, CURRENT_COLOUR,
                                        f"band-{indicator}")  # fmt: skip
        option["series"].append(
            {"name": f"{words('chart.baseline')} ({label})", "type": "line", "symbol": "none", "data": _values(base),
             "lineStyle": {"width": 2, "type": "dashed", "color": BASELINE_COLOUR}, "itemStyle": {"color": BASELINE_COLOUR}}
        )  # fmt: skip
        option["series"].append(
            {"name": f"{words('chart.current')} ({label})", "type": "line", "symbol": "none", "data": _values(mean),
             "lineStyle": {"width": 3, "type": style, "color": CURRENT_COLOUR}, "itemStyle": {"color": CURRENT_COLOUR},
             "z": 5}
        )  # fmt: skip
    option["series"] += pin_series(pins or [])
    return option


CARRIERS = ("coal", "oil", "gasoline", "gas", "lpg", "electricity", "heat", "biomass")
TCE_PER_100M_KWH = 1.229  # 10k tce per 100 million kWh at calorific value (GB/T 2589, as the model's final_energy)


def carrier_option(outcome: Outcome, words: Words) -> dict[str, Any]:
    """Final energy by carrier (10k tce; electricity at calorific value): mean, 5-95 % band, baseline dashed."""
    now, then = outcome.current, outcome.baseline
    have = {c[0] for c in now.layout.columns}
    rows: list[Row] = []
    for carrier in CARRIERS:
        indicator = f"final_energy_{carrier}"
        if indicator not in have:
            continue
        factor = TCE_PER_100M_KWH if carrier == "electricity" else 1.0
        values = factor * now.member_series(indicator)
        base = then.band(factor * then.member_series(indicator))[0]
        rows.append(_band_row(words(f"carrier.{carrier}"), now, base, values))
    return lines_option(rows, [str(y) for y in now.years], words("graph.axis_tce"), percent=False, legend_space=80)


DISTRIBUTION_VIEWS = {
    "county": ("county", ("ev_share", "pv_share", "subsidy_received_cumulative")),
    "quintile": ("income_quintile", ("energy_spending_share", "ev_share", "subsidy_received_cumulative")),
}


def distribution_options(table: Any, words: Words, view: str) -> list[tuple[str, dict[str, Any]]]:
    """Distribution charts (``webapp.runs.Distribution``): one indicator per chart, a line per group over years.

    Each group's mean over the runs with the range of the runs (5-95 %), the baseline's mean dashed.
    """
    group_kind, indicators = DISTRIBUTION_VIEWS[view]
    out = []
    for indicator in indicators:
        now = table.members_of(table.current, group_kind, indicator)
        then = table.members_of(table.baseline, group_kind, indicator)
        groups = list(dict.fromkeys(now.index.get_level_values(0)))
        years = sorted(set(now.index.get_level_values(1)))
        rows: list[Row] = []
        for group in groups:
            values = now.loc[group].reindex(years).to_numpy(np.float64).T  # (runs, years)
            q05, q95 = np.quantile(values, [0.05, 0.95], axis=0)
            index = pd.Index(years, name="year")
            base = pd.Series(then.loc[group].reindex(years).mean(axis=1).to_numpy(), index)
            label = words(f"county.{group}" if group_kind == "county" else f"quintile.{group}")
            rows.append((label, pd.Series(values.mean(axis=0), index), base, pd.Series(q05, index),
                         pd.Series(q95, index)))  # fmt: skip
        percent = indicator.endswith("_share")
        y_name = "%" if percent else words("graph.axis_yuan")
        option = lines_option(rows, [str(y) for y in years], y_name, percent=False, legend_space=80)
        out.append((f"dist.{indicator}", option))
    return out


Row = tuple  # (name, mean, baseline mean or None[, 5 %, 95 %]): one indicator of a lines chart


def lines_option(
    rows: list[Row],
    years: list[str],
    y_name: str,
    percent: bool = True,
    legend_space: int = 100,
) -> dict[str, Any]:
    """Several indicators: members' mean solid with its 5-95 % band, baseline's mean dashed in the same colour."""
    option = _base_option(years, y_name, legend_space=legend_space)
    option["yAxis"]["scale"] = False
    if percent:
        option["yAxis"]["max"] = PERCENT
    for i, (name, cur, base, *band) in enumerate(rows):
        colour = PALETTE[i % len(PALETTE)]
        if band:
            option["series"] += band_series(name, band[0], band[1], colour, f"band-{i}")
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


def weighted_members(answer: Answer, indicator: str) -> np.ndarray:
    """Each member's enterprise share weighted by value added across sectors (as ``output_weighted_share``), %."""
    sectors = [c[1] for c in answer.layout.columns if c[0] == indicator and c[1] != "total"]
    shares = np.stack([answer.member_series(indicator, s) for s in sectors], axis=1)
    weights = np.stack([answer.member_series(WEIGHT, s) for s in sectors], axis=1)
    total = weights.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0.0, (shares * weights).sum(axis=1) / np.where(total > 0.0, total, 1.0), np.nan)


def _band_row(name: str, answer: Answer, base: pd.Series | None, values: np.ndarray) -> Row:
    mean, low, high = answer.band(values)
    return (name, mean, base, low, high)


def adoption_options(outcome: Outcome, words: Words) -> list[tuple[str, dict[str, Any]]]:
    """Adoption curves with the members' 5-95 % band: households, enterprises (share of output), storage."""
    now, then = outcome.current, outcome.baseline
    years = [str(y) for y in now.years]
    households = [
        _band_row(words(f"indicator.{ind}"), now, then.band(then.member_series(ind, sector))[0],
                  now.member_series(ind, sector))
        for ind, sector in HOUSEHOLD_ADOPTION
    ]  # fmt: skip
    enterprises = [
        _band_row(words(f"indicator.{ind}"), now, then.band(weighted_members(then, ind))[0], weighted_members(now, ind))
        for ind in ENTERPRISE_ADOPTION
    ]
    storage_now = by_sector(now.trajectory, STORAGE)
    storage = [(words(f"storage.{s}"), storage_now[s].reindex(now.years), None) for s in storage_now.columns]
    storage_option = lines_option(storage, years, words("unit.MWh"), percent=False)
    for s in storage_option["series"]:
        s.update({"stack": "storage", "areaStyle": {"opacity": 0.6}})
    _, low, high = now.band(now.member_series(STORAGE))
    storage_option["series"] += band_series(words("chart.band_total"), low, high, "#1a1a1a", "band-total")
    storage_option["series"].append(
        {
            "name": words("chart.baseline"),
            "type": "line",
            "symbol": "none",
            "data": _values(series(then.trajectory, STORAGE)),
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
    now = outcome.current
    cur = target_series(now.trajectory, target_ids[0])
    base = target_series(outcome.baseline.trajectory, target_ids[0])
    years = [str(y) for y in cur.index]
    targets = load_targets().set_index("id")
    mapping = TARGET_MAP[target_ids[0]]
    values = now.member_series(mapping.indicator, mapping.sector)
    if mapping.change_from is not None:
        values = 100.0 * (values / values[:, [now.years.index(mapping.change_from)]] - 1.0)
    _, low, high = now.band(values)
    option = lines_option([(words("chart.current"), cur, None, low, high)], years, "%", percent=False, legend_space=60)
    # the first row takes PALETTE[0], the current settings' colour
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


def members_options(answer: Answer, words: Words) -> tuple[dict[str, Any], dict[str, Any]]:
    """Each member's headline CO2 (thin lines) with their mean, and the histogram of members' confirmed peak years."""
    last = answer.years[-1]
    peaks = np.nan_to_num(answer.member_peaks, nan=last + 1).astype(int)
    span = list(range(int(peaks.min()), int(peaks.max()) + 1))
    labels = [str(y) if y <= last else words("members.no_peak", year=last) for y in span]
    hist = _base_option(labels, words("members.axis"), legend=False)
    hist["xAxis"]["boundaryGap"] = True
    hist["yAxis"].update({"minInterval": 1, "scale": False, "min": 0})
    hist["series"].append(
        {
            "type": "bar",
            "name": words("members.peak_years"),
            "barMaxWidth": 36,
            "data": [
                {
                    "value": int((peaks == y).sum()),
                    "itemStyle": {"color": MET_COLOUR if y <= PEAK_YEAR else TARGET_COLOUR},
                }
                for y in span
            ],
        }
    )
    years = [str(y) for y in answer.years]
    lines = _base_option(years, words("chart.axis_mt"), legend=False)
    for i, row in enumerate(answer.headline):
        lines["series"].append(
            {
                "name": words("members.member", n=i + 1),
                "type": "line",
                "symbol": "none",
                "data": [round(float(v), 4) for v in row],
                "lineStyle": {"width": 0.8, "color": CURRENT_COLOUR, "opacity": 0.45},
                "itemStyle": {"color": CURRENT_COLOUR},
                "emphasis": {"focus": "series"},
            }
        )
    mean = answer.band(answer.headline)[0]
    lines["series"].append(
        {
            "name": words("members.mean"),
            "type": "line",
            "symbol": "none",
            "data": _values(mean),
            "lineStyle": {"width": 3, "color": "#1a1a1a"},
            "itemStyle": {"color": "#1a1a1a"},
            "z": 5,
        }
    )
    lines["tooltip"] = {"trigger": "item"}
    return hist, lines
