"""Figures drawn from model results: a run's emissions by sector, the peak-year distribution of many runs."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Annotation, Text
from matplotlib.ticker import FormatStrFormatter, MaxNLocator, PercentFormatter

from abm.scorecard import HEADLINE, peak, series

PEAK_TARGET = 2030
SECTOR_LABELS = {
    "textiles_chemical_fibre": "Textiles & chemical fibre",
    "pv_manufacturing": "PV manufacturing",
    "batteries_electromechanical": "Batteries & electromechanical",
    "food_liquor": "Food & liquor",
    "new_materials": "New materials",
    "home_furnishing_building_materials": "Home furnishing & building materials",
    "other_industry": "Other industry & construction",
    "buildings_residential": "Residential buildings",
    "buildings_commercial": "Commercial buildings",
    "transport": "Transport",
    "power_heat": "Power & heat",
    "agriculture": "Agriculture",
    "waste": "Waste",
}
# where the peak label may go, in points from the peak marker, tried in this order
_PEAK_LABEL_SPOTS = (
    (8, 8, "left", "bottom"),
    (-8, 8, "right", "bottom"),
    (0, 12, "center", "bottom"),
    (8, -8, "left", "top"),
    (-8, -8, "right", "top"),
)


def _inside(inner: object, outer: object) -> bool:
    return inner.x0 >= outer.x0 and inner.x1 <= outer.x1 and inner.y0 >= outer.y0 and inner.y1 <= outer.y1


def _place_peak_label(fig: Figure, ax: Axes, label: Annotation, texts: tuple[str, ...], target: Text | None) -> None:
    """Place the peak label inside the plot where it overlaps neither the 2030 label nor, if it can, the 2030 line.

    Tries each wording of ``texts`` at each spot around the peak, with the 2030 label (if the
    run reaches 2030) right of its line and then left of it. If no spot fits, the label keeps
    its first wording and spot.
    """
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    line_x = ax.transData.transform((PEAK_TARGET, 0.0))[0] if target is not None else None
    for keep_off_line in (True, False):
        for side in ("left", "right") if target is not None else (None,):
            target_box = None
            if target is not None:  # the 2030 label's alignment: right of the line, then left of it
                target.set_ha(side)
                target.set_x(PEAK_TARGET + (0.3 if side == "left" else -0.3))
                target_box = target.get_window_extent(renderer)
                if not _inside(target_box, frame):
                    continue
            for text in texts:
                label.set_text(text)
                for dx, dy, ha, va in _PEAK_LABEL_SPOTS:
                    label.xyann = (dx, dy)
                    label.set_ha(ha)
                    label.set_va(va)
                    box = label.get_window_extent(renderer)
                    clear = target_box is None or not box.overlaps(target_box)
                    crosses = line_x is not None and box.x0 - 2 <= line_x <= box.x1 + 2
                    if clear and _inside(box, frame) and not (keep_off_line and crosses):
                        return
    label.set_text(texts[0])
    label.xyann = _PEAK_LABEL_SPOTS[0][:2]
    label.set_ha(_PEAK_LABEL_SPOTS[0][2])
    label.set_va(_PEAK_LABEL_SPOTS[0][3])


def draw_emissions(trajectory: pd.DataFrame, title: str) -> Figure:
    """Stacked CO2 by sector (Mt, with electricity), territorial and net totals, the peak marked, a 2030 line.

    The legend lists the two totals, then the sectors from the top of the stack down.
    """
    sns.set_theme(style="whitegrid", context="notebook")
    rows = trajectory[(trajectory["indicator"] == HEADLINE) & (trajectory["sector"] != "total")]
    wide = rows.pivot(index="year", columns="sector", values="value")
    wide = wide[[s for s in SECTOR_LABELS if s in wide.columns]]
    palette = sns.color_palette("tab20", n_colors=len(wide.columns))
    fig, ax = plt.subplots(figsize=(11, 6.2))
    layers = ax.stackplot(
        wide.index, wide.T.to_numpy(), labels=[SECTOR_LABELS[s] for s in wide.columns], colors=palette, alpha=0.9
    )
    territorial = series(trajectory, "co2_territorial")
    net = series(trajectory, "co2_net")
    (territorial_line,) = ax.plot(
        territorial.index,
        territorial.to_numpy(),
        color="black",
        ls="--",
        lw=1.4,
        label="Territorial total (CEADs frame)",
    )
    (net_line,) = ax.plot(net.index, net.to_numpy(), color="dimgray", ls=":", lw=1.6, label="Net of carbon sinks")
    year, level = peak(trajectory)
    last_year = int(wide.index.max())
    top = max(float(wide.sum(axis=1).max()), float(territorial.max()))
    ax.set_ylim(bottom=min(0.0, float(net.min()) * 1.1), top=top * 1.12)  # room for the peak label
    ax.set_xlim(wide.index.min(), last_year)
    target = None
    if last_year >= PEAK_TARGET:  # a run that stops earlier has no 2030 to mark
        ax.axvline(PEAK_TARGET, color="firebrick", lw=1.2, ls="-.")
        target = ax.text(
            PEAK_TARGET + 0.3, ax.get_ylim()[1] * 0.97, "2030: peak target", color="firebrick", va="top", fontsize=9
        )
    ax.scatter([year], [level], s=70, color="black", zorder=5)
    if year < last_year:
        texts = (f"peak {year}: {level:.1f} Mt", f"peak {year}\n{level:.1f} Mt")
    else:
        texts = (f"no peak by {year}: {level:.1f} Mt and rising", f"no peak by {year}\n{level:.1f} Mt and rising")
    label = ax.annotate(
        texts[0], (year, level), xytext=(8, 10), textcoords="offset points", fontsize=10, weight="bold", va="bottom"
    )
    ax.set_xlabel("Year")
    ax.set_ylabel("CO2 including net imported electricity (Mt)")
    ax.set_title(title)
    handles = [territorial_line, net_line, *reversed(layers)]
    ax.legend(
        handles, [h.get_label() for h in handles], loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8,
        frameon=False,
    )  # fmt: skip
    fig.tight_layout()
    _place_peak_label(fig, ax, label, texts, target)
    return fig


def emissions_figure(trajectory: pd.DataFrame, title: str, path: Path) -> None:
    """Write :func:`draw_emissions` to ``path`` (PNG)."""
    save(draw_emissions(trajectory, title), path, dpi=120)


def peak_year_shares(runs: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and peak year: runs and their share of the scenario's runs (each scenario sums to 1).

    ``runs`` has one row per run with ``scenario``, ``peak_year`` and ``peaked`` (False when the
    highest emissions fall in the last simulated year: no peak yet). A year's ``peaked`` is
    False when its runs had not peaked.
    """
    counts = runs.groupby(["scenario", "peak_year"], sort=False).agg(
        runs=("peak_year", "size"), peaked=("peaked", "all")
    )
    counts = counts.reset_index()
    counts["share"] = counts["runs"] / counts.groupby("scenario")["runs"].transform("sum")
    order = {name: i for i, name in enumerate(dict.fromkeys(runs["scenario"]))}
    counts = counts.sort_values(["scenario", "peak_year"], key=lambda c: c.map(order) if c.name == "scenario" else c)
    counts["peak_year"] = counts["peak_year"].astype(int)
    return counts[["scenario", "peak_year", "runs", "share", "peaked"]].reset_index(drop=True)


def plot_peak_years(
    ax: Axes, shares: pd.DataFrame, ylabel: str, xlabel: str = "year of peak CO2 (with net imported electricity)"
) -> None:
    """Bars of :func:`peak_year_shares` on ``ax``: each scenario's own share of runs by peak year, side by side.

    Ticks are whole years; hatched bars are runs whose emissions had not peaked by the last simulated year.
    """
    scenarios = list(dict.fromkeys(shares["scenario"]))
    colours = sns.color_palette(n_colors=max(len(scenarios), 1))
    width = 0.8 / max(len(scenarios), 1)
    for i, scenario in enumerate(scenarios):
        part = shares[shares["scenario"] == scenario]
        x = part["peak_year"].to_numpy(dtype=float) + (i - (len(scenarios) - 1) / 2) * width
        bars = ax.bar(x, part["share"].to_numpy(dtype=float), width=width, color=colours[i], label=scenario)
        for bar, peaked in zip(bars, part["peaked"], strict=True):
            bar.set_hatch("" if peaked else "//")
    ax.axvline(PEAK_TARGET + 0.5, color="black", ls="--", lw=1)
    ax.text(
        PEAK_TARGET + 0.4, 1.0, "\u2190 peaked by 2030", transform=ax.get_xaxis_transform(), ha="right", va="bottom",
        fontsize=8,
    )  # fmt: skip
    years = shares["peak_year"].to_numpy(dtype=int)
    if len(years):
        ax.set_xlim(min(years.min(), PEAK_TARGET) - 1, max(years.max(), PEAK_TARGET) + 1)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10], min_n_ticks=3))
    ax.xaxis.set_major_formatter(FormatStrFormatter("%d"))
    ax.set_ylim(0, 1.05 * max(float(shares["share"].max()) if len(shares) else 1.0, 0.05))
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    handles, labels = ax.get_legend_handles_labels()
    if not shares["peaked"].all():
        handles.append(Patch(facecolor="white", edgecolor="grey", hatch="//"))
        labels.append("no peak by the last simulated year")
    ax.legend(handles, labels, fontsize=8, title="scenario", title_fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def draw_peak_years(
    shares: pd.DataFrame, ylabel: str, xlabel: str = "year of peak CO2 (with net imported electricity)"
) -> Figure:
    """A figure of :func:`plot_peak_years`."""
    sns.set_theme(style="whitegrid", context="notebook")
    fig, ax = plt.subplots(figsize=(10, 4.2))
    plot_peak_years(ax, shares, ylabel, xlabel)
    fig.tight_layout()
    return fig


def save(fig: Figure, path: Path, dpi: int = 110) -> None:
    """Write ``fig`` to ``path`` (PNG, no software stamp) and close it."""
    fig.savefig(path, dpi=dpi, metadata={"Software": None})
    plt.close(fig)
