"""Figures that tell the truth: labels that do not collide, legends in the stack's order, own-scenario shares,
whole-year ticks, and a scorecard that says when a target was reached and then lost."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from abm.figures import SECTOR_LABELS, draw_emissions, draw_peak_years, peak_year_shares
from abm.scorecard import HEADLINE, scorecard, status

SECTORS = list(SECTOR_LABELS)


def synthetic_trajectory(peak_year: int, last_year: int = 2060) -> pd.DataFrame:
    """Headline CO2 by sector rising to ``peak_year`` and falling after it; territorial and net totals."""
    years = np.arange(2020, last_year + 1)
    shape = np.where(years <= peak_year, 1.0 + 0.02 * (years - 2020), 1.0 + 0.02 * (peak_year - 2020))
    shape = shape - np.where(years > peak_year, 0.015 * (years - peak_year), 0.0)
    rows = []
    for i, sector in enumerate(SECTORS):
        for year, factor in zip(years, shape, strict=True):
            rows.append((year, HEADLINE, sector, (0.5 + 0.1 * i) * factor))
    total = {year: sum((0.5 + 0.1 * i) * f for i in range(len(SECTORS))) for year, f in zip(years, shape, strict=True)}
    for year, value in total.items():
        rows.append((year, HEADLINE, "total", value))
        rows.append((year, "co2_territorial", "total", 0.6 * value))
        rows.append((year, "co2_net", "total", value - 1.0))
    return pd.DataFrame(rows, columns=["year", "indicator", "sector", "value"])


def emissions_labels(fig: plt.Figure) -> tuple[plt.Text, plt.Text]:
    ax = fig.axes[0]
    target = next(t for t in ax.texts if t.get_text() == "2030: peak target")
    peak = next(t for t in ax.texts if "peak" in t.get_text() and t is not target)
    return target, peak


@pytest.mark.parametrize("peak_year", [2021, 2022, 2025, 2027, 2028, 2029, 2030, 2031, 2033, 2045, 2059, 2060])
def test_peak_label_keeps_clear_of_the_2030_label(peak_year):
    trajectory = synthetic_trajectory(peak_year)
    fig = draw_emissions(trajectory, "test")
    try:
        renderer = fig.canvas.get_renderer()
        target, peak = emissions_labels(fig)
        assert str(peak_year) in peak.get_text()
        box, target_box = peak.get_window_extent(renderer), target.get_window_extent(renderer)
        assert not box.overlaps(target_box), (peak_year, box, target_box)
        frame = fig.axes[0].get_window_extent(renderer)
        for b in (box, target_box):
            assert frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1, (peak_year, b)
    finally:
        plt.close(fig)


def test_a_run_that_stops_before_2030_draws_its_peak_inside_the_plot():
    fig = draw_emissions(synthetic_trajectory(2022, last_year=2025), "test")
    try:
        ax = fig.axes[0]
        assert "2030: peak target" not in [t.get_text() for t in ax.texts]
        peak = next(t for t in ax.texts if "peak" in t.get_text())
        renderer = fig.canvas.get_renderer()
        box, frame = peak.get_window_extent(renderer), ax.get_window_extent(renderer)
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
    finally:
        plt.close(fig)


def test_a_maximum_in_the_last_year_is_not_called_a_peak():
    fig = draw_emissions(synthetic_trajectory(2060), "test")
    try:
        _, peak = emissions_labels(fig)
        assert peak.get_text().startswith("no peak by 2060")
    finally:
        plt.close(fig)


def test_emissions_legend_reads_as_the_stack_from_top_to_bottom(plan_run):
    fig = draw_emissions(plan_run.trajectory, "plan")
    try:
        ax = fig.axes[0]
        texts = [t.get_text() for t in ax.get_legend().get_texts()]
        stacked = [c.get_label() for c in ax.collections if c.get_label() in SECTOR_LABELS.values()]
        trajectory = plan_run.trajectory
        present = set(trajectory.loc[trajectory["indicator"] == HEADLINE, "sector"])
        assert stacked == [SECTOR_LABELS[s] for s in SECTORS if s in present]  # the stack, bottom to top
        assert texts == ["Territorial total (CEADs frame)", "Net of carbon sinks", *reversed(stacked)]
    finally:
        plt.close(fig)


def runs_frame() -> pd.DataFrame:
    """Two scenarios of different sizes: the plan peaks in 2021 in all four runs, the baseline spreads out."""
    return pd.DataFrame(
        {
            "scenario": ["plan"] * 4 + ["baseline"] * 8,
            "peak_year": [2021] * 4 + [2022, 2022, 2023, 2024, 2024, 2024, 2024, 2024],
            "peaked": [True] * 4 + [True] * 3 + [False] * 5,
        }
    )


def test_peak_year_shares_are_each_scenarios_own():
    shares = peak_year_shares(runs_frame())
    assert shares.groupby("scenario")["share"].sum().to_dict() == pytest.approx({"plan": 1.0, "baseline": 1.0})
    plan = shares[shares["scenario"] == "plan"].iloc[0]
    assert (plan["peak_year"], plan["runs"], plan["share"]) == (2021, 4, 1.0)
    end = shares[(shares["scenario"] == "baseline") & (shares["peak_year"] == 2024)].iloc[0]
    assert end["share"] == pytest.approx(5 / 8) and not end["peaked"]


def test_peak_year_bars_show_the_shares_and_whole_year_ticks():
    shares = peak_year_shares(runs_frame())
    fig = draw_peak_years(shares, "share")
    try:
        ax = fig.axes[0]
        fig.canvas.draw()
        bars = sorted((round(p.get_x() + p.get_width() / 2), p.get_height()) for p in ax.patches if p.get_width() < 1)
        expected = sorted(zip(shares["peak_year"], shares["share"], strict=True))
        assert [b[0] for b in bars] == [e[0] for e in expected]
        assert [b[1] for b in bars] == pytest.approx([e[1] for e in expected])
        low, high = ax.get_xlim()
        shown = [t for t in ax.get_xticks() if low <= t <= high]
        assert shown and all(float(t).is_integer() for t in shown)
        labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
        assert labels and all(label.isdigit() for label in labels), labels
        hatched = [p for p in ax.patches if p.get_hatch() == "//" and p.get_width() < 1]
        assert len(hatched) == 1  # the baseline's runs that had not peaked by the last year
    finally:
        plt.close(fig)


def test_status_says_reached_then_lost():
    assert status(True, 2021, 2025) == "met"
    assert status(False, 2021, 2025) == "reached_then_lost"
    assert status(False, 2027, 2025) == "met_late"
    assert status(False, None, 2025) == "not_met"


def test_scorecard_marks_a_target_reached_and_lost(plan_run):
    trajectory = plan_run.trajectory.copy()
    rooftop = trajectory["indicator"] == "rooftop_pv_coverage_new"
    trajectory.loc[rooftop, "value"] = np.where(trajectory.loc[rooftop, "year"] <= 2022, 60.0, 40.0)
    card = scorecard(trajectory).set_index("target_id")
    row = card.loc["rooftop_pv_coverage_2025"]
    assert (bool(row["met"]), int(row["first_year_met"]), row["status"]) == (False, 2020, "reached_then_lost")
    assert set(card["status"]) <= {"met", "reached_then_lost", "met_late", "not_met"}
    assert (card["status"] == "met").tolist() == card["met"].tolist()
