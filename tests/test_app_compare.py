"""Pinned scenarios compared with the current settings, and the menu of graphs: the rules, then in the browser."""

from __future__ import annotations

import dataclasses
import urllib.parse

import numpy as np
import pandas as pd
import pytest

from experiments.emulator import Emulator
from webapp import charts, runs
from webapp.components.pins import auto_name
from webapp.ensemble_service import TaskService
from webapp.state import MAX_PINS, Pin, Settings, parse_query
from webapp.text import Words

# --- pins in the address ----------------------------------------------------------------------


def test_pins_round_trip_through_the_address():
    settings = Settings("plan", (("ev_subsidy", 5000.0),), "en").pinned("A: plan + EV 5000")
    settings = dataclasses.replace(settings, overrides=()).pinned("B: plan")
    again, problems = parse_query(settings.query())
    assert problems == []
    assert again == settings and again.pins == settings.pins
    assert again.pins[0] == Pin("A: plan + EV 5000", "plan", (("ev_subsidy", 5000.0),))
    assert again.pins[1] == Pin("B: plan", "plan", ())


def test_pins_do_not_change_what_the_current_settings_are():
    plain = Settings("plan", (("ev_subsidy", 5000.0),), "en")
    assert plain.pinned("A") == plain and hash(plain.pinned("A")) == hash(plain)
    assert plain.pinned("A").with_preset("baseline").pins == plain.pinned("A").pins
    assert plain.pinned("A").with_value("ev_subsidy", 4000.0).pins[0].name == "A"


def test_at_most_three_pins_and_removing_one():
    s = Settings()
    for name in "ABCD":
        s = s.pinned(name)
    assert [p.name for p in s.pins] == ["B", "C", "D"]
    assert [p.name for p in s.unpinned(1).pins] == ["B", "D"]
    query = "&".join(f"pin={urllib.parse.quote(f'name={n}&preset=plan')}" for n in "ABCD")
    parsed, problems = parse_query(query)
    assert len(parsed.pins) == MAX_PINS and [p.key for p in problems] == ["too_many_pins"]


def test_a_pins_bad_value_is_left_out_with_a_message_in_the_pages_language():
    pin = urllib.parse.urlencode({"name": "X", "preset": "plan", "ev_subsidy": "999999", "bogus": "1"})
    parsed, problems = parse_query(urllib.parse.urlencode({"pin": pin, "lang": "zh"}))
    assert parsed.pins == (Pin("X", "plan", ()),)
    assert sorted(p.key for p in problems) == ["out_of_range", "unknown_key"]
    zh = Words("zh")
    texts = [p.text(zh) for p in problems]
    assert all(t.startswith("对比情景 X：") for t in texts)
    assert not any("pinned" in t or "range" in t for t in texts)
    unknown, problems = parse_query("pin=" + urllib.parse.quote("preset=nowhere"))
    assert unknown.pins[0].preset == "plan" and [p.key for p in problems] == ["unknown_preset"]


def test_a_pins_name_is_cleaned_and_defaults_to_its_letter():
    parsed, _ = parse_query("pin=" + urllib.parse.quote("preset=baseline") + "&pin=" + urllib.parse.quote("name=a\nb"))
    assert [p.name for p in parsed.pins] == ["A", "a b"]
    assert len(Settings().pinned("x" * 200).pins[0].name) == 40


def test_auto_name_says_preset_and_change():
    words = Words("en")
    one = Settings("plan", (("ev_subsidy", 5000.0),), "en")
    assert auto_name(one, words) == f"A: {words('preset.plan')} + {words.param('ev_subsidy')} 5000"
    two = one.with_value("pv_subsidy", 1500.0).pinned("x")
    assert auto_name(two, words).startswith("B: ") and "2" in auto_name(two, words)


# --- charts -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def emulator() -> Emulator:
    return dataclasses.replace(Emulator.load(), stale=[])


@pytest.fixture
def estimates(monkeypatch, emulator):
    monkeypatch.setattr(runs, "emulator", lambda: emulator)
    monkeypatch.setattr(runs, "service", lambda: TaskService(lambda key: None))
    return lambda settings: runs.estimate(settings)


def test_pins_are_lines_on_the_emissions_charts(estimates):
    words = Words("en")
    now = estimates(Settings("plan", (("pv_subsidy", 1500.0),)))
    pinned = estimates(Settings("baseline"))
    pins = [("A: baseline", "#ef6c00", pinned)]
    for option in (charts.emissions_option(now, words, False, pins), charts.frames_option(now, words, pins)):
        line = [s for s in option["series"] if s["name"] == "A: baseline"]
        assert len(line) == 1 and line[0]["lineStyle"]["color"] == "#ef6c00"
    total = charts.emissions_option(now, words, False, pins)
    baseline_mean = next(s for s in total["series"] if s["name"] == words("chart.baseline"))["data"]
    assert np.allclose(line[0]["data"], baseline_mean, atol=1e-3), "a pin of the baseline draws the baseline"


def test_carrier_chart_has_a_band_and_a_baseline_per_carrier(estimates):
    words = Words("en")
    option = charts.carrier_option(estimates(Settings("plan")), words)
    names = [s["name"] for s in option["series"]]
    for carrier in ("coal", "electricity"):
        assert names.count(words(f"carrier.{carrier}")) == 4  # band (2), mean, baseline


def test_distribution_charts_from_member_tables():
    def table(shift: float) -> pd.DataFrame:
        rows = []
        for kind, groups in (("county", ["sucheng", "suyu"]), ("income_quintile", ["q1", "q5"])):
            for g in groups:
                for ind in ("ev_share", "pv_share", "subsidy_received_cumulative", "energy_spending_share"):
                    rows += [(y, kind, g, ind, shift + (y - 2020) / 10, "%") for y in (2020, 2025, 2030)]
        return pd.DataFrame(rows, columns=["year", "group_kind", "group", "indicator", "value", "unit"])

    dist = runs.Distribution([table(0.0), table(1.0)], [table(-1.0)] * 2)
    words = Words("en")
    for view, group in (("county", "county.suyu"), ("quintile", "quintile.q5")):
        options = charts.distribution_options(dist, words, view)
        assert len(options) == 3
        series = options[0][1]["series"]
        mean = next(s for s in series if s["name"] == words(group) and s.get("lineStyle", {}).get("type") != "dashed"
                    and "stack" not in s)  # fmt: skip
        assert mean["data"] == [0.5, 1.0, 1.5]


# --- in the browser ---------------------------------------------------------------------------

from app_browser import CHART, WAIT_MS  # noqa: E402
from test_app import browser, chromium, playwright, server, sessions  # noqa: E402, F401 (fixtures)


def _series(s) -> str:
    return s.page.locator(CHART).get_attribute("data-series") or ""


def test_pin_two_scenarios_compare_them_and_remove_one(server, sessions):  # noqa: F811
    s = sessions().open(f"{server}/?preset=plan&lang=en")
    s.page.locator(".sq-pin-button").click()
    s.page.locator(".sq-pin-0").wait_for(timeout=WAIT_MS)
    s.page.locator(".sq-preset-baseline").click()
    s.page.locator('.sq-outcome[data-settings*="preset=baseline"]').wait_for(timeout=WAIT_MS)
    s.page.locator(".sq-pin-button").click()
    s.page.locator(".sq-pin-1").wait_for(timeout=WAIT_MS)
    names = [s.text(".sq-pin-0 .sq-pin-name"), s.text(".sq-pin-1 .sq-pin-name")]
    assert names[0].startswith("A: ") and names[1].startswith("B: ")
    s.page.wait_for_function(
        "n => n.every(x => (document.querySelector('[data-testid=\"emissions-chart\"]')"
        "?.getAttribute('data-series') || '').includes(x))",
        arg=names,
        timeout=WAIT_MS,
    )
    s.page.locator(".sq-compare-row").nth(2).wait_for(timeout=WAIT_MS)
    s.page.locator(".sq-tab-scorecard").click()
    s.page.locator(".sq-scorecard .sq-pin-column").nth(1).wait_for(timeout=WAIT_MS)
    assert s.page.locator(".sq-target").first.locator(".sq-pin-cell").count() == 2
    assert "pin=" in s.page.evaluate("location.search")
    s.page.locator(".sq-pin-remove-0").click()
    s.page.wait_for_function("() => !document.querySelector('.sq-pin-1')", timeout=WAIT_MS)
    assert s.text(".sq-pin-0 .sq-pin-name") == names[1]
    s.page.wait_for_function(
        "n => !(document.querySelector('[data-testid=\"emissions-chart\"]')?.getAttribute('data-series') || '')"
        ".includes(n)",
        arg=names[0],
        timeout=WAIT_MS,
    )
    s.assert_no_errors()


def test_a_link_with_a_pin_reopens_it(server, sessions):  # noqa: F811
    pin = urllib.parse.quote(urllib.parse.urlencode({"name": "Mine", "preset": "baseline"}))
    s = sessions().open(f"{server}/?preset=plan&pin={pin}&lang=en")
    s.page.locator(".sq-pin-0").wait_for(timeout=WAIT_MS)
    assert s.text(".sq-pin-0 .sq-pin-name") == "Mine"
    s.page.wait_for_function(
        "() => (document.querySelector('[data-testid=\"emissions-chart\"]')?.getAttribute('data-series') || '')"
        ".includes('Mine')",
        timeout=WAIT_MS,
    )
    s.assert_no_errors()


def _choose_graph(s, label: str) -> None:
    s.page.locator(".sq-graph-menu").click()
    s.page.locator(".v-overlay .v-list-item", has_text=label).first.click()


def test_graph_menu_switches_to_energy_by_carrier_and_distribution(server, sessions):  # noqa: F811
    s = sessions().open(f"{server}/?preset=plan&lang=en")
    _choose_graph(s, "Energy by carrier")
    s.page.wait_for_function(
        "() => (document.querySelector('[data-testid=\"emissions-chart\"]')?.getAttribute('data-series') || '')"
        ".includes('Electricity')",
        timeout=WAIT_MS,
    )
    _choose_graph(s, "By income quintile")
    # the graphs wait for the members' exact runs, and say so (unless these were already done)
    s.page.wait_for_function(
        "() => (document.querySelector('.sq-main-chart')?.innerText ?? '').includes('exact runs')"
        " || document.querySelector('[data-testid=\"graph-quintile-energy_spending_share\"]') !== null",
        timeout=WAIT_MS,
    )
    chart = s.page.locator('[data-testid="graph-quintile-energy_spending_share"]')
    chart.wait_for(timeout=240_000)  # the members' exact runs with the distribution table
    assert "Poorest fifth" in (chart.get_attribute("data-series") or "")
    s.assert_no_errors()
