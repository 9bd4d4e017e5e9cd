"""The app's members and the response emulator: exact at the preset, trained points, interpolation, clipping, staleness."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from abm.cli import main
from abm.peak import HEADLINE
from experiments.app_members import app_members, member_scenario, posterior_draws, run_member, shipped_posterior
from experiments.emulator import (
    META,
    RETRAIN,
    Emulator,
    Layout,
    _shifted,
    band_of,
    shipped_dir,
    train,
)
from experiments.posterior_predictive import project

HOUSEHOLDS = 300
SETTINGS = {"end_year": 2035.0}
CONTROLS = ["policy_start_year", "ev_subsidy", "gdp_growth_2030", "rooftop_pv_programme"]


@pytest.fixture(scope="module")
def tiny() -> Emulator:
    """Three members, two trained, both presets, a few controls, runs to 2035."""
    return train(
        ("baseline", "plan"),
        members=3,
        trained=2,
        households=HOUSEHOLDS,
        settings=SETTINGS,
        only=CONTROLS,
        progress=False,
    )


def _exact(emulator: Emulator, member: int, overrides: dict[str, float], preset: str = "plan") -> np.ndarray:
    crew = app_members(3)
    result = run_member(preset, crew[member], HOUSEHOLDS, {**SETTINGS, **overrides})
    return emulator.layout.array(result.trajectory)


@pytest.mark.parametrize("preset", ["baseline", "plan"])
def test_exact_at_the_preset(tiny: Emulator, preset: str) -> None:
    predicted = tiny.predict(preset, {})
    assert predicted.shape[0] == 3
    np.testing.assert_allclose(predicted[1], _exact(tiny, 1, {}, preset), rtol=1e-6, atol=1e-6)
    # a setting equal to the preset's value changes nothing
    same = tiny.predict(preset, {"ev_subsidy": tiny.preset_values(preset)["ev_subsidy"]})
    np.testing.assert_array_equal(same, predicted)


@pytest.mark.parametrize(
    ("preset", "control", "value"),
    [("plan", "ev_subsidy", 20000.0), ("baseline", "policy_start_year", 2030.0), ("plan", "policy_start_year", 2030.0)],
)
def test_one_control_at_a_trained_point_is_the_trained_mean_difference(
    tiny: Emulator, preset: str, control: str, value: float
) -> None:
    head = tiny.layout.column(HEADLINE)
    assert value in tiny.grid(preset, control)
    changed = np.mean([_exact(tiny, m, {control: value}, preset) for m in range(2)], axis=0)
    at_preset = tiny.base[preset][:2].mean(axis=0)
    predicted = tiny.predict(preset, {control: value})
    np.testing.assert_allclose(
        predicted[:, head] - tiny.base[preset][:, head], (changed - at_preset)[head][None].repeat(3, 0), atol=1e-4
    )


def test_between_points_the_difference_is_interpolated_linearly(tiny: Emulator) -> None:
    head = tiny.layout.column(HEADLINE)
    points = tiny.grid("plan", "gdp_growth_2030")
    a, b = points[-2], points[-1]
    w = 0.25
    mid = tiny.predict("plan", {"gdp_growth_2030": a + w * (b - a)})[:, head]
    at_a = tiny.predict("plan", {"gdp_growth_2030": a})[:, head]
    at_b = tiny.predict("plan", {"gdp_growth_2030": b})[:, head]
    np.testing.assert_allclose(mid, (1 - w) * at_a + w * at_b, rtol=1e-5, atol=1e-5)


def test_effects_add_and_start_year_shifts_lever_effects(tiny: Emulator) -> None:
    head = tiny.layout.column(HEADLINE)
    base = tiny.base["plan"][:, head]
    ev = tiny.predict("plan", {"ev_subsidy": 20000.0})[:, head] - base
    gdp = tiny.predict("plan", {"gdp_growth_2030": 7.5})[:, head] - base
    both = tiny.predict("plan", {"ev_subsidy": 20000.0, "gdp_growth_2030": 7.5})[:, head] - base
    np.testing.assert_allclose(both, ev + gdp, atol=1e-4)
    start = tiny.predict("plan", {"policy_start_year": 2028.0})[:, head] - base
    later = tiny.predict("plan", {"ev_subsidy": 20000.0, "policy_start_year": 2028.0})[:, head] - base
    np.testing.assert_allclose(later - start, _shifted(ev, 4), atol=1e-4)


def test_shift_moves_effects_in_time() -> None:
    effect = np.arange(1.0, 6.0)[None]
    np.testing.assert_array_equal(_shifted(effect, 2), [[0, 0, 1, 2, 3]])
    np.testing.assert_array_equal(_shifted(effect, -2), [[3, 4, 5, 5, 5]])


def test_shares_and_quantities_are_clipped(tiny: Emulator) -> None:
    layout = tiny.layout
    high = dataclasses.replace(tiny, deltas={k: v + 1e6 for k, v in tiny.deltas.items()}, _bounds=None)
    low = dataclasses.replace(tiny, deltas={k: v - 1e6 for k, v in tiny.deltas.items()}, _bounds=None)
    up, down = high.predict("plan", {"ev_subsidy": 20000.0}), low.predict("plan", {"ev_subsidy": 20000.0})
    for i, (indicator, _sector, unit) in enumerate(layout.columns):
        if indicator.endswith("_share") and unit in ("%", "fraction"):
            assert up[:, i].max() <= (100.0 if unit == "%" else 1.0)
        if indicator not in ("co2_net", "carbon_sink", "electricity_net_imports"):
            assert down[:, i].min() >= 0.0, indicator
    assert down[:, layout.column("co2_net")].min() < 0.0  # net emissions may fall below zero


def test_band_and_peak_probability(tiny: Emulator) -> None:
    band = tiny.band("plan", {"ev_subsidy": 5000.0})
    assert (band.q05 <= band.mean + 1e-4).all() and (band.mean <= band.q95 + 1e-4).all()
    assert 0.0 <= band.peak_probability.value <= 1.0 and band.peak_probability.members == 3
    frame = band.frame()
    assert set(frame.columns) == {"year", "indicator", "sector", "unit", "mean", "q05", "q95"}
    assert band_of(tiny.layout, tiny.base["plan"]).peak_probability.includes.parameters == "posterior"


def test_saved_emulator_loads_the_same_and_detects_a_changed_model(tiny: Emulator, tmp_path) -> None:
    tiny.save(tmp_path)
    loaded = Emulator.load(tmp_path)
    assert not loaded.is_stale
    np.testing.assert_array_equal(
        loaded.predict("plan", {"ev_subsidy": 5000.0}), tiny.predict("plan", {"ev_subsidy": 5000.0})
    )
    meta = json.loads((tmp_path / META).read_text())
    meta["model"]["parameters"] = "0" * 16
    (tmp_path / META).write_text(json.dumps(meta))
    stale = Emulator.load(tmp_path)
    assert stale.is_stale and "parameters" in stale.stale[0]


def test_layout_round_trips_a_trajectory(tiny: Emulator) -> None:
    frame = tiny.layout.frame(tiny.base["plan"][0])
    again = Layout.of(frame)
    assert again.columns == tiny.layout.columns
    np.testing.assert_array_equal(again.array(frame), tiny.base["plan"][0])


def test_members_are_the_same_for_every_setting() -> None:
    crew = app_members(4)
    assert [m.seed for m in crew] == [m.seed for m in app_members(4)]
    for m in crew:
        a = member_scenario("plan", m)
        b = member_scenario("plan", m, {"ev_subsidy": 5000.0, "gdp_growth_2030": 4.0})
        drawn = [k for k in m.parameters if k not in a.settings or k in m.parameters]
        assert all(a.values[k] == b.values[k] for k in drawn)
        assert b.values["ev_subsidy"] == 5000.0 and a.values["ev_subsidy"] != 5000.0
    assert len({tuple(sorted(m.parameters.items())) for m in crew}) > 1  # draws differ between members


def test_members_run_as_the_posterior_projection_runs_them() -> None:
    posterior = shipped_posterior()
    projection = project("baseline", posterior, 2, root_seed=1, households=HOUSEHOLDS, progress=False)
    crew = app_members(2)
    assert [m.parameters for m in crew] == posterior_draws(posterior, 2, 1)
    for m in crew:
        result = run_member("baseline", m, HOUSEHOLDS)
        mine = result.trajectory
        mine = mine[(mine["indicator"] == HEADLINE) & (mine["sector"] == "total")]["value"].to_numpy()
        theirs = projection.emissions[projection.emissions["member"] == m.index]["value"].to_numpy()
        np.testing.assert_allclose(mine, theirs)


def test_policy_start_year_is_trained_at_every_year(tiny: Emulator) -> None:
    assert list(tiny.grid("plan", "policy_start_year")) == list(range(2021, 2036))


def test_the_command_refuses_a_folder_it_did_not_write(tmp_path, capsys) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    status = main(
        ["emulator", "--out", str(folder), "--controls", "ev_subsidy", "--members", "2", "--members-trained", "1"]
    )
    assert status == 2
    assert "not written by suqian-abm" in capsys.readouterr().err
    assert (folder / "notes.txt").read_text() == "keep me"


def test_shipped_emulator_is_current() -> None:
    shipped = Emulator.load(shipped_dir())
    assert not shipped.is_stale, (
        "the shipped emulator (experiments/data/emulator) was trained on another model: "
        f"{'; '.join(shipped.stale)}. Retrain it with `{RETRAIN}` (about 10 minutes) and commit the new files."
    )
    assert set(shipped.base) == {"baseline", "plan"}


@pytest.mark.parametrize("preset", ["baseline", "plan"])
def test_shipped_emulator_holds_the_installed_models_runs(preset: str) -> None:
    """The hashes cover values, not code: one stored member run again must give the stored trajectory."""
    shipped = Emulator.load(shipped_dir())
    member = app_members()[0]
    result = run_member(preset, member, shipped.meta["households"], shipped.meta["settings"] or None)
    np.testing.assert_allclose(
        shipped.layout.array(result.trajectory),
        shipped.base[preset][0],
        rtol=1e-5,
        atol=1e-6,
        err_msg=f"the model's runs changed since the emulator was trained; retrain it with `{RETRAIN}`",
    )


def test_the_command_checks_an_emulator_against_exact_runs(tiny: Emulator, tmp_path, capsys) -> None:
    tiny.save(tmp_path)
    assert main(["emulator", "--out", str(tmp_path), "--check", "2", "--check-members", "2"]) == 0
    out = capsys.readouterr().out
    assert "error_mean" in out and "band_width (exact)" in out
