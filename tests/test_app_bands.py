"""Uncertainty by default in the app: the shared pool of exact runs, estimate then exact, the band on the page."""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from experiments.emulator import Emulator
from webapp import charts, runs
from webapp.ensemble_service import TaskService
from webapp.state import Settings
from webapp.text import Words


class SlowTasks:
    """A fake task function: records what it ran; key "block" waits until released."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.ran: list[object] = []

    def __call__(self, key: object) -> str:
        if key == "block":
            self.release.wait(10)
        self.ran.append(key)
        return f"result {key}"


def one_worker() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1)


def test_service_cancels_superseded_tasks_and_shares_identical_ones():
    tasks = SlowTasks()
    service = TaskService(tasks, executor=one_worker)
    blocker = service.request(["block"])  # holds the one worker, so what follows stays queued
    first = service.request([1, 2])  # one session
    second = service.request([2, 3])  # another session asks for 2 too
    assert first.futures[1] is second.futures[0], "an identical task is shared, not run twice"
    first.cancel()  # the first session's settings changed
    assert first.futures[0].cancelled(), "a superseded queued task is cancelled, not queued"
    assert not second.futures[0].cancelled(), "a task another session waits for goes on"
    tasks.release.set()
    assert second.wait(10) and blocker.wait(10)
    assert second.results() == ["result 2", "result 3"]
    assert tasks.ran == ["block", 2, 3]
    again = service.request([2])  # cached: no new task
    assert again.finished() and again.results() == ["result 2"] and tasks.ran == ["block", 2, 3]
    assert service.submitted == 4 and service.cancelled == 1
    service.shutdown()


@pytest.fixture(scope="module")
def emulator() -> Emulator:
    model = Emulator.load()
    return dataclasses.replace(model, stale=[])  # the shipped numbers, whatever their hashes say


def fake_member_task(model: Emulator):
    """Exact results without model runs: the emulator's stored members at the preset, offset by a constant."""

    def task(key):
        preset, overrides, index = key
        return model.layout, model.base[preset][index] + np.float32(0.5 if overrides else 0.0)

    return task


def test_estimate_is_marked_and_exact_at_presets(monkeypatch, emulator):
    monkeypatch.setattr(runs, "emulator", lambda: emulator)
    monkeypatch.setattr(runs, "service", lambda: TaskService(lambda key: None, executor=one_worker))
    moved = runs.estimate(Settings("plan", (("pv_subsidy", 1500.0),)))
    at_preset = runs.estimate(Settings("plan"))
    assert moved.kind == runs.ESTIMATE and at_preset.kind == runs.EXACT
    assert len(moved.current.values) == runs.MEMBERS
    # the baseline keeps the current settings' uncertainties, and is the same for any lever
    assert np.array_equal(moved.baseline.values, at_preset.baseline.values)
    assert 0.0 <= moved.current.peak_probability.value <= 1.0


def test_answers_give_estimate_then_exact(monkeypatch, emulator):
    service = TaskService(fake_member_task(emulator), executor=one_worker)
    monkeypatch.setattr(runs, "emulator", lambda: emulator)
    monkeypatch.setattr(runs, "service", lambda: service)
    steps = list(runs.answers(Settings("plan", (("pv_subsidy", 1500.0),))))
    assert steps[0].outcome.kind == runs.ESTIMATE and steps[0].progress is not None
    assert steps[-1].outcome.kind == runs.EXACT and steps[-1].progress is None
    assert steps[-1].outcome.why_exact_only is None


def test_stale_emulator_means_exact_only_with_the_reason(monkeypatch, emulator):
    stale = dataclasses.replace(emulator, stale=["parameters: trained on a, installed b"])
    service = TaskService(fake_member_task(emulator), executor=one_worker)
    monkeypatch.setattr(runs, "emulator", lambda: stale)
    monkeypatch.setattr(runs, "service", lambda: service)
    settings = Settings("plan", (("pv_subsidy", 1500.0),))
    assert runs.estimate(settings) is None
    steps = list(runs.answers(settings))
    assert steps[0].outcome is None, "no estimate from a stale emulator"
    final = steps[-1].outcome
    assert final.kind == runs.EXACT and final.why_exact_only == ("estimate.stale", {})
    key, values = final.why_exact_only
    words = Words("en")
    assert "earlier version" in words("answer.exact_only", why=words(key, **values))


def test_a_preset_the_emulator_lacks_is_exact_only(emulator):
    why = runs.why_no_estimate(Settings("accelerated"), emulator)
    assert why == ("estimate.no_preset", {"preset": "accelerated"})


def test_a_superseded_answer_stops_and_gives_its_runs_up(monkeypatch, emulator):
    tasks = SlowTasks()
    service = TaskService(lambda key: tasks("block"), executor=one_worker)
    monkeypatch.setattr(runs, "emulator", lambda: emulator)
    monkeypatch.setattr(runs, "service", lambda: service)
    current = {"go": True}
    settings = Settings("plan", (("pv_subsidy", 1500.0),))
    # moved on before the exact runs were queued: none is queued
    steps = runs.answers(settings, keep_going=lambda: current["go"])
    assert next(steps).outcome.kind == runs.ESTIMATE
    current["go"] = False
    assert list(steps) == [] and service.submitted == 0
    # moved on while they were queued: every queued one is given up
    monkeypatch.setattr(runs, "SETTLE_SECONDS", 0.0)
    current["go"] = True
    steps = runs.answers(settings, keep_going=lambda: current["go"])
    assert next(steps).outcome.kind == runs.ESTIMATE
    assert next(steps).progress == (0, 2 * runs.MEMBERS)
    current["go"] = False
    assert list(steps) == []
    assert service.submitted == 2 * runs.MEMBERS and service.cancelled == 2 * runs.MEMBERS - 1  # one was running
    tasks.release.set()
    time.sleep(0.05)
    service.shutdown()


def test_emissions_chart_has_both_bands_and_no_label_on_the_lines(monkeypatch, emulator):
    monkeypatch.setattr(runs, "emulator", lambda: emulator)
    monkeypatch.setattr(runs, "service", lambda: TaskService(lambda key: None, executor=one_worker))
    outcome = runs.estimate(Settings("plan", (("pv_subsidy", 1500.0),)))
    words = Words("en")
    option = charts.emissions_option(outcome, words, by_sectors=False)
    names = [s["name"] for s in option["series"]]
    for band in ("chart.band_current", "chart.band_baseline"):
        parts = [s for s in option["series"] if s["name"] == words(band)]
        assert len(parts) == 2 and parts[0]["stack"] == parts[1]["stack"] and "areaStyle" in parts[1]
        assert all(v >= 0 for v in parts[1]["data"] if v is not None), "the band's height is q95 - q05"
    assert words("chart.current") in names and words("chart.baseline") in names
    for s in option["series"]:
        assert not s.get("markPoint", {}).get("label", {}).get("show", False)
        assert not s.get("markLine", {}).get("label", {}).get("show", False)
    assert "2030" in option["title"][1]["text"]


# --- in the browser ---------------------------------------------------------------------------

from app_browser import CHART, EXACT_MS, WAIT_MS  # noqa: E402
from test_app import browser, chromium, playwright, server, sessions  # noqa: E402, F401 (fixtures)

ANSWER = '.sq-outcome[data-answer="{kind}"][data-settings*="{part}"]'


def test_page_shows_bands_and_probability_then_estimate_then_exact(server, sessions):  # noqa: F811
    """The first screen shows P(peak by 2030) with what the runs include and a band on the chart; a slider
    change shows the estimate at once, marked so, and then the exact answer, marked so."""
    s = sessions().open(f"{server}/?preset=plan&lang=en")
    card = s.text(".sq-card-probability")
    assert "2030" in card and "%" in card and "20 runs" in card and "root seed" not in s.text(".sq-main")
    assert "20 runs: agents' random draws and calibrated behaviour vary" in s.text(".sq-answer")
    series = s.page.locator(CHART).get_attribute("data-series")
    assert "Current settings, 5–95 % of runs" in series and "Baseline, 5–95 % of runs" in series
    assert s.page.locator(".sq-answer-exact").count() == 1
    s.page.locator(".sq-param-pv_subsidy .v-slider-thumb").focus()
    s.page.keyboard.press("End")
    s.page.locator(ANSWER.format(kind="estimate", part="pv_subsidy=1500")).wait_for(timeout=WAIT_MS)
    assert "estimate" in s.text(".sq-answer").lower()  # shown in capitals
    s.page.locator(ANSWER.format(kind="exact", part="pv_subsidy=1500")).wait_for(timeout=EXACT_MS)
    assert "exact" in s.text(".sq-answer").lower()
    s.page.locator(".sq-tab-members").click()
    s.page.locator('[data-testid="members-peaks"]').wait_for(timeout=WAIT_MS)
    assert "member 20" in s.page.locator('[data-testid="members-lines"]').get_attribute("data-series")
    s.assert_no_errors()


def test_pool_workers_run_in_other_processes_at_lower_priority():
    """The real pool: tasks run in other processes at a lowered priority (nice) and give results back."""
    service = TaskService(_priority_of_worker)
    try:
        request = service.request(["a", "b"])
        assert request.wait(120)
        for pid, nice in request.results():
            assert pid != os.getpid() and nice > os.nice(0)
    finally:
        service.shutdown()


def _priority_of_worker(key: str) -> tuple[int, int]:
    return os.getpid(), os.nice(0)


def test_scorecard_and_comparison_read_the_same_numbers_from_the_judged_rows(monkeypatch, emulator):
    """The scorecard and the comparison with the baseline read a few rows of the trajectory; the numbers
    are those of the whole trajectory."""
    from abm.comparison import compare

    monkeypatch.setattr(runs, "emulator", lambda: emulator)
    monkeypatch.setattr(runs, "service", lambda: TaskService(lambda key: None, executor=one_worker))
    outcome = runs.estimate(Settings("plan", (("pv_subsidy", 1500.0), ("ev_subsidy", 8000.0))))
    whole = outcome.current.trajectory
    judged = outcome.current.judged
    assert set(judged["indicator"]) < set(whole["indicator"])
    kept = whole[whole["indicator"].isin(set(judged["indicator"]))].reset_index(drop=True)
    pd.testing.assert_frame_equal(judged.reset_index(drop=True), kept)
    assert outcome.compared() == compare(whole, outcome.baseline.trajectory, end=runs.PEAK_YEAR)
    on_whole = runs.Answer(outcome.current.layout, outcome.current.values)
    on_whole.__dict__["judged"] = whole  # the same scorecard, read from every row
    pd.testing.assert_frame_equal(outcome.current.scorecard, on_whole.scorecard)
