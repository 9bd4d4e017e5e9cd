"""The policymakers' app: its helpers, its command, and the app itself in a real browser.

The browser tests start ``suqian-abm app`` on a free port and drive Chromium with Playwright
(``tests/app_browser.py``). They use ``$SUQIAN_ABM_CHROMIUM`` when set, else ``/usr/bin/chromium``,
else ``chromium`` on ``PATH``; Playwright's own browser download is not used. Without Chromium the
browser tests are skipped, and the skip says how to install it (``sudo apt-get install chromium`` on
Debian or Ubuntu); under CI (``CI=true``, as ``.ci/run`` sets it) a missing Chromium fails them instead,
so CI always runs them. Screenshots are kept in ``tests/artifacts/``. How fast the app answers is
measured by ``benchmarks/app_response.py``, not here.
"""

from __future__ import annotations

import csv
import os
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import app_browser
import pandas as pd
import pytest
from app_browser import (
    CHART,
    CHROMIUM_VARIABLE,
    VIEWPORT,
    WAIT_MS,
    Session,
    app_server,
    find_chromium,
    launch,
    missing_chromium,
    press,
)

from abm.cli import main
from abm.figures import SECTOR_LABELS
from abm.parameters import data_path, registry
from abm.run import run
from abm.scenario import load_scenario
from abm.scorecard import TARGET_MAP
from webapp import catalogue, numbers, runs, state
from webapp import text as app_text
from webapp.components import scorecard

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ANIMATION_MS = 400  # charts draw their lines in 250 ms


# --- without a browser -----------------------------------------------------------------------


def test_app_command_help(capsys):
    """`suqian-abm app --help` names the host (127.0.0.1 by default) and the port."""
    with pytest.raises(SystemExit) as stop:
        main(["app", "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "--host" in out and "--port" in out and "127.0.0.1" in out


def test_text_file_covers_the_app():
    """Every word the app looks up exists in every language, with labels for every control, target and sector."""
    with data_path(app_text.TEXT_FILE).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    keys = [row["key"] for row in rows]
    assert len(keys) == len(set(keys)), "duplicate keys in app_text.csv"
    table = app_text.text_table()
    assert set(app_text.LANGUAGES) == {"en", "zh"}
    prefixes = {key.split(".")[0] for key in keys}
    sources = sorted(Path(app_text.__file__).parent.rglob("*.py"))
    literals = [k for f in sources for k in re.findall(r'"([a-z_]+\.[A-Za-z0-9_ /%.]+)"', f.read_text("utf-8"))]
    used = {k for k in literals if k.split(".")[0] in prefixes} | {"footer"}
    used |= {f"param.{p.name}" for p in catalogue.CONTROLS} | {f"hint.{p.name}" for p in catalogue.CONTROLS}
    used |= {f"group.{p.group}" for p in catalogue.CONTROLS} | {f"preset.{name}" for name in catalogue.PRESETS}
    used |= {f"target.{tid}" for tid in TARGET_MAP} | {f"tab.{name}" for name in catalogue.TABS}
    used |= {f"unit.{p.unit}" for p in catalogue.CONTROLS if p.unit != catalogue.SWITCH}
    used |= {f"sector.{name}" for name in SECTOR_LABELS}
    missing_zh = sorted(k for k in used if not table["zh"].get(k))
    assert not missing_zh, f"no Chinese text for {missing_zh}"
    fallback = {k for k in used if k.startswith(("hint.", "sector."))}  # English from the registry / figures
    missing_en = sorted(k for k in used - fallback if not table["en"].get(k))
    assert not missing_en, f"no English text for {missing_en}"
    assert app_text.Words("en").hint("ev_subsidy") == registry()["ev_subsidy"].description


def test_link_settings_are_validated():
    """A link's values go through Scenario.with_settings: bad ones are dropped with a message, good ones kept."""
    settings, problems = state.parse_query(
        "preset=../../etc/x.toml&ev_subsidy=3000&storage_subsidy=99999&car_km=3&bogus=1&pv_subsidy=nan&lang=xx"
    )
    assert settings.preset == catalogue.DEFAULT_PRESET
    assert dict(settings.overrides) == {"ev_subsidy": 3000.0}
    assert settings.lang == app_text.FALLBACK_LANG
    text = " ".join(map(str, problems))
    for word in ("preset", "storage_subsidy", "car_km", "bogus", "pv_subsidy", "language"):
        assert word in text
    again, none = state.parse_query(settings.query())
    assert again == settings and none == []
    # a value equal to the preset's is not an override; links stay short
    plan_value = load_scenario("plan").values["storage_discharge_incentive"]
    assert state.parse_query(f"preset=plan&storage_discharge_incentive={plan_value}")[0].overrides == ()
    assert app_text.default_language("zh-CN,zh;q=0.9,en;q=0.8") == "zh"
    assert app_text.default_language("fr-FR") == "en"


def test_slider_steps_hold_every_preset_value():
    """Each slider's step puts the registry default and every preset's value on the slider."""
    for p in catalogue.CONTROLS:
        if p.unit == catalogue.SWITCH:
            continue
        step = numbers.slider_step(p)
        assert 0 < step <= (p.high - p.low) / numbers.SLIDER_POSITIONS or p.unit == "year"
        for name in catalogue.PRESETS:
            offset = (state.preset_scenario(name).values[p.name] - p.low) / step
            assert abs(offset - round(offset)) < 1e-6, (p.name, name)


# --- in the browser ---------------------------------------------------------------------------


def on_ci(environ: Mapping[str, str]) -> bool:
    """True under continuous integration (``CI=true``, as ``.ci/run`` and most CI services set it)."""
    return environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require_chromium(environ: Mapping[str, str]) -> Path:
    """The Chromium to drive; without one, skip the browser tests with how to install it, or fail under CI."""
    executable = find_chromium(environ)
    if executable is not None:
        return executable
    reason = f"browser tests need Chromium: {missing_chromium(environ)}"
    if on_ci(environ):
        pytest.fail(f"{reason} (under CI the browser tests must run, not be skipped)")
    pytest.skip(reason)


def test_missing_chromium_skips_with_install_hint_and_fails_under_ci(tmp_path, monkeypatch):
    """No Chromium: the browser tests are skipped saying how to install it, except under CI, where they fail."""
    nowhere = {CHROMIUM_VARIABLE: str(tmp_path / "no-chromium"), "PATH": str(tmp_path)}
    assert find_chromium(nowhere) is None
    with pytest.raises(pytest.skip.Exception, match=r"no-chromium is not an executable.*apt-get install chromium"):
        require_chromium(nowhere)
    for ci in ("true", "1"):
        with pytest.raises(pytest.fail.Exception, match=r"apt-get install chromium.*under CI"):
            require_chromium({**nowhere, "CI": ci})
    with pytest.raises(pytest.skip.Exception):
        require_chromium({**nowhere, "CI": "false"})
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n", encoding="utf-8")
    fake.chmod(0o755)
    assert require_chromium({CHROMIUM_VARIABLE: str(fake), "CI": "true"}) == fake
    monkeypatch.setattr(app_browser, "DEBIAN_CHROMIUM", tmp_path / "not-installed")
    assert find_chromium({"PATH": str(tmp_path)}) == fake  # `chromium` on PATH
    assert find_chromium({"PATH": str(tmp_path / "empty")}) is None
    with pytest.raises(pytest.skip.Exception, match=r"no Chromium at .*not-installed or on PATH"):
        require_chromium({"PATH": str(tmp_path / "empty")})


@pytest.fixture(scope="module")
def chromium() -> Path:
    """Chromium's path (skips, or fails under CI, when there is none)."""
    return require_chromium(os.environ)


@pytest.fixture(scope="module")
def server(chromium, tmp_path_factory) -> Iterator[str]:
    """`suqian-abm app --port N` in a subprocess; its address once it answers."""
    folder = tmp_path_factory.mktemp("app-server")
    try:
        with app_server(folder) as url:
            yield url
    except RuntimeError as err:
        pytest.fail(str(err))
    print(f"app server log: {folder / 'server.log'}")


@pytest.fixture(scope="module")
def playwright(chromium):
    """Playwright, started once the browser is known to exist."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="module")
def browser(playwright, chromium):
    instance = launch(playwright, chromium)
    yield instance
    instance.close()


@pytest.fixture
def sessions(browser, request) -> Iterator[Callable[[], Session]]:
    """Make browser sessions; screenshots of each are kept, and every test ends with no browser errors."""
    made: list[tuple[object, Session]] = []

    def make() -> Session:
        context, session = Session.new(browser)
        made.append((context, session))
        return session

    yield make
    ARTIFACTS.mkdir(exist_ok=True)
    for i, (context, session) in enumerate(made):
        path = ARTIFACTS / f"{request.node.name}-{i}.png"
        session.page.wait_for_timeout(ANIMATION_MS)
        session.page.screenshot(path=str(path))
        print(f"screenshot: {path}")
        context.close()


def test_slider_changes_chart_and_scorecard(server, sessions):
    """Moving the rooftop-PV subsidy to its maximum redraws the chart, the headline numbers and the scorecard;
    moving it back restores them. (How fast: benchmarks/app_response.py.)"""
    s = sessions().open(f"{server}/?preset=plan&lang=en")
    card, table, chart = s.text(".sq-cards"), s.text(".sq-scorecard tbody"), s.digest()
    assert "plan: 0 yuan/kW" in s.text(".sq-param-pv_subsidy")
    press(s, "pv_subsidy", "End")
    assert "1,500 yuan/kW" in s.text(".sq-param-pv_subsidy .sq-control-value")
    assert "pv_subsidy=1500" in s.page.url
    assert s.text(".sq-scorecard tbody") != table
    assert s.text(".sq-cards") != card
    assert s.digest() != chart
    press(s, "pv_subsidy", "Home")  # back to the plan: a cached run
    assert s.text(".sq-cards") == card
    assert s.digest() == chart
    assert "pv_subsidy" not in s.page.url
    s.assert_no_errors()


@pytest.mark.parametrize(
    ("met", "status", "text"),
    [
        (True, "met", "met"),
        (False, "reached_then_lost", "reached, then lost"),
        (False, "met_late", "met late"),
        (False, "not_met", "missed"),
    ],
)
def test_a_targets_verdict_says_whether_it_was_reached_and_lost_or_met_late(met, status, text):
    """A target reached and then lost, or met only after its year, is not shown as a bare "missed"."""
    words = app_text.Words("en")
    assert words(scorecard.status_text_key(pd.Series({"met": met, "status": status}))) == text


def test_the_scorecard_shows_each_targets_verdict(server, sessions):
    """Every row of the table carries one of the four verdicts, in both columns."""
    s = sessions().open(f"{server}/?preset=plan&lang=en")
    chips = s.page.locator(".sq-scorecard tbody .sq-chip").all_inner_texts()
    assert chips and set(chips) <= {"met", "reached, then lost", "met late", "missed"}
    s.assert_no_errors()


def test_language_switch(server, sessions):
    """The language buttons switch every word, and the link keeps the language."""
    s = sessions().open(f"{server}/?preset=plan&lang=en")
    assert "Suqian carbon peak simulator" in s.text(".sq-title")
    s.page.locator(".sq-lang-zh").click()
    s.wait_text(".sq-title", "宿迁市碳达峰")
    s.wait_text(".sq-controls", "储能项目激励")  # the plan's own terms
    s.wait_text(".sq-cards", "达峰年份")
    s.wait_text(".sq-scorecard", "非化石能源占一次能源消费比重")
    assert "lang=zh" in s.page.url
    s.page.locator(".sq-lang-en").click()
    s.wait_text(".sq-controls", "Storage incentive")
    s.assert_no_errors()


def test_chinese_browser_starts_in_chinese(server, playwright, chromium):
    """Without a language in the link, the app speaks the browser's language (Accept-Language)."""
    chinese = launch(playwright, chromium, "--accept-lang=zh-CN")
    try:
        page = chinese.new_page(viewport=VIEWPORT)
        page.goto(f"{server}/?preset=plan")
        page.locator(CHART).wait_for(timeout=WAIT_MS)
        assert "宿迁" in page.locator(".sq-title").inner_text()
        assert "方案预设" in page.locator(".sq-presets").inner_text()
    finally:
        chinese.close()


def test_downloads(server, sessions, tmp_path):
    """The results CSV is the members' mean trajectory shown; the scenario file runs with `suqian-abm run --scenario`."""
    s = sessions().open(f"{server}/?preset=plan&ev_subsidy=5000&lang=en")
    with s.page.expect_download(timeout=WAIT_MS) as info:
        s.page.locator(".sq-download-csv").click()
    csv_path = tmp_path / info.value.suggested_filename
    info.value.save_as(csv_path)
    assert csv_path.name == "plan-custom-seed1-trajectory.csv"
    with s.page.expect_download(timeout=WAIT_MS) as info:
        s.page.locator(".sq-download-toml").click()
    toml_path = tmp_path / info.value.suggested_filename
    info.value.save_as(toml_path)
    s.assert_no_errors()

    scenario = load_scenario(toml_path)
    assert scenario.levers() == load_scenario("plan").with_settings({"ev_subsidy": 5000}).levers()
    assert tomllib.loads(toml_path.read_text(encoding="utf-8"))["levers"]["ev_subsidy"] == 5000.0
    expected = run(scenario, seed=runs.SEED, households=500).trajectory
    downloaded = pd.read_csv(csv_path)
    assert list(downloaded.columns) == list(expected.columns)  # the model's layout
    co2 = downloaded[(downloaded["indicator"] == "co2_with_electricity") & (downloaded["sector"] == "total")]
    co2_2030 = float(co2.set_index("year").loc[2030, "value"])
    assert numbers.fmt(co2_2030) in s.text(".sq-card-co2-target-year .sq-card-value")  # the number on the page
    assert main(["run", "--scenario", str(toml_path), "--households", "500", "--out", str(tmp_path / "run")]) == 0


def test_shared_link_reopens_the_same_scenario(server, sessions):
    """The share link (the page's address) opens the same settings and results in a new session."""
    first = sessions().open(f"{server}/?preset=baseline&lang=en")
    press(first, "ev_subsidy", "End")
    first.page.locator(".sq-share").click()
    link = first.page.locator(".sq-share-url").input_value()
    assert "ev_subsidy=20000" in link and "preset=baseline" in link
    second = sessions().open(link)
    for selector in (".sq-param-ev_subsidy .sq-control-value", ".sq-cards", ".sq-controls-head"):
        assert second.text(selector) == first.text(selector)
    assert second.digest() == first.digest()
    first.assert_no_errors()
    second.assert_no_errors()


def test_sessions_do_not_share_settings(server, sessions):
    """A change in one browser session leaves another session's settings and chart alone."""
    one = sessions().open(f"{server}/?preset=plan&lang=en")
    other = sessions().open(f"{server}/?preset=plan&lang=en")
    chart, value = other.digest(), other.text(".sq-param-storage_subsidy .sq-control-value")
    press(one, "storage_subsidy", "End")
    other.page.wait_for_timeout(500)
    assert other.digest() == chart
    assert other.text(".sq-param-storage_subsidy .sq-control-value") == value
    assert "storage_subsidy" not in other.page.url
    one.assert_no_errors()
    other.assert_no_errors()


def test_bad_link_shows_errors_and_the_app_still_works(server, sessions):
    """Invalid values in a link are reported on the page; the app runs the preset without them."""
    s = sessions().open(f"{server}/?preset=../../etc/passwd&ev_subsidy=1e9&car_km=3&lang=en")
    errors = s.page.locator(".sq-link-error")
    assert errors.count() == 3
    assert "ev_subsidy" in errors.nth(1).inner_text() or "ev_subsidy" in s.text(".sq-main")
    assert "0 yuan/vehicle" in s.text(".sq-param-ev_subsidy .sq-control-value")
    s.assert_no_errors()
