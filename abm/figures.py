"""Figures of a run, drawn from the tidy trajectory table."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from abm.scorecard import HEADLINE, peak, series

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


def emissions_figure(trajectory: pd.DataFrame, title: str, path: Path) -> None:
    """Stacked CO2 by sector (with electricity), territorial total, peak marked, 2030 line."""
    sns.set_theme(style="whitegrid", context="notebook")
    rows = trajectory[(trajectory["indicator"] == HEADLINE) & (trajectory["sector"] != "total")]
    wide = rows.pivot(index="year", columns="sector", values="value")
    wide = wide[[s for s in SECTOR_LABELS if s in wide.columns]]
    palette = sns.color_palette("tab20", n_colors=len(wide.columns))
    fig, ax = plt.subplots(figsize=(11, 6.2))
    ax.stackplot(
        wide.index, wide.T.to_numpy(), labels=[SECTOR_LABELS[s] for s in wide.columns], colors=palette, alpha=0.9
    )
    territorial = series(trajectory, "co2_territorial")
    net = series(trajectory, "co2_net")
    ax.plot(
        territorial.index,
        territorial.to_numpy(),
        color="black",
        ls="--",
        lw=1.4,
        label="Territorial total (CEADs frame)",
    )
    ax.plot(net.index, net.to_numpy(), color="dimgray", ls=":", lw=1.6, label="Net of carbon sinks")
    year, level = peak(trajectory)
    top = max(float(wide.sum(axis=1).max()), float(territorial.max()))
    ax.set_ylim(bottom=min(0.0, float(net.min()) * 1.1), top=top * 1.1)  # room for the peak label
    ax.axvline(2030, color="firebrick", lw=1.2, ls="-.")
    ax.text(2030.3, ax.get_ylim()[1] * 0.97, "2030: peak target", color="firebrick", va="top", fontsize=9)
    ax.scatter([year], [level], s=70, color="black", zorder=5)
    ax.annotate(
        f"peak {year}: {level:.1f} Mt",
        (year, level),
        xytext=(8, 10),
        textcoords="offset points",
        fontsize=10,
        weight="bold",
    )
    ax.set_xlim(wide.index.min(), wide.index.max())
    ax.set_xlabel("Year")
    ax.set_ylabel("CO2 including net imported electricity (Mt)")
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=120, metadata={"Software": None})
    plt.close(fig)
