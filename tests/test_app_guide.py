"""The app's links, history, money units and layout, the lever guide, lever search and the wedges tab.

Unit tests need no browser; the browser tests reuse the server and browser fixtures of
``tests/test_app.py`` (skipped without Chromium, failing under CI, as there).
"""

from __future__ import annotations

import re
import tomllib

import pytest
from app_browser import CHART, WAIT_MS, Session, press
from test_app import browser, chromium, playwright, server, sessions  # noqa: F401 (fixtures)

from abm.lever_guide import RELATIONS, lever_guide, plan_clauses, search_levers, wedges_table
from abm.scenario import load_scenario
from webapp import catalogue, numbers, state
from webapp.components import controls, guide, wedges
from webapp.text import Words

SMALL_SCREEN = {"width": 1280, "height": 800}
HAN = re.compile(r"[\u4e00-\u9fff]+")


def latin_words(text: str) -> list[str]:
    """Latin words in ``text`` other than parameter names (the link's own keys)."""
    for name in sorted(catalogue.REGISTRY, key=len, reverse=True):
        text = text.replace(name, "")
    return re.findall(r"[A-Za-z]{2,}", text)


# --- links: structured problems, whole numbers, the slider's grid -------------------------------


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("preset=nowhere", "unknown_preset"),
        ("lang=fr", "unknown_lang"),
        ("car_km=3", "not_control"),
        ("bogus=1", "unknown_key"),
        ("ev_subsidy=1e9", "out_of_range"),
        ("ev_subsidy=1234.5", "off_grid"),
        ("ev_subsidy=lots", "not_number"),
        ("ev_subsidy=nan", "not_number"),
        ("policy_start_year=2025.5", "whole"),
        ("&".join(f"x{i}=1" for i in range(len(catalogue.CONTROL_NAMES) + 5)), "too_many"),
    ],
)
def test_a_link_problem_is_a_message_key_with_values(query, key):
    """Every kind of bad link gives a problem with its own message key, worded in both languages."""
    settings, problems = state.parse_query(query)
    assert [p.key for p in problems] == [key]
    assert settings.overrides == ()
    for lang in ("en", "zh"):
        text = problems[0].text(Words(lang))
        assert "{" not in text and text != f"link.{key}"


@pytest.mark.parametrize(
    "query",
    ["ev_subsidy=1e9", "ev_subsidy=1234.5", "policy_start_year=2025.5", "pv_subsidy=-3", "storage_subsidy=12.5"],
)
def test_link_problems_in_chinese_have_no_english_words(query):
    """In Chinese a problem names the parameter (as the link writes it) and numbers, and no English word."""
    _, problems = state.parse_query(query + "&lang=zh")
    assert problems
    for problem in problems:
        text = problem.text(Words("zh"))
        assert HAN.search(text), text
        assert latin_words(text) == [], text


def test_a_value_off_the_sliders_grid_is_refused_naming_the_nearest_positions():
    """A link must reproduce exactly what it says: a value between slider positions is not snapped but refused."""
    step = numbers.slider_step(catalogue.REGISTRY["ev_subsidy"])
    settings, problems = state.parse_query(f"preset=accelerated&ev_subsidy={2 * step + step / 3}")
    assert settings.overrides == ()  # the preset's value holds
    assert settings.scenario().values["ev_subsidy"] == load_scenario("accelerated").values["ev_subsidy"]
    text = str(problems[0])
    assert f"{2 * step:.0f}" in text and f"{3 * step:.0f}" in text
    on_grid, none = state.parse_query(f"ev_subsidy={3 * step:g}")
    assert none == [] and dict(on_grid.overrides) == {"ev_subsidy": 3 * step}


def test_years_take_whole_numbers_only():
    assert state.parse_query("policy_start_year=2025.5")[1][0].key == "whole"
    settings, problems = state.parse_query("policy_start_year=2026")
    assert problems == [] and dict(settings.overrides) == {"policy_start_year": 2026.0}


def test_every_slider_position_is_accepted():
    """The grid check accepts every value the slider itself can send (each control's low, high and a middle step)."""
    for p in catalogue.CONTROLS:
        step = 1.0 if p.unit == catalogue.SWITCH else numbers.slider_step(p)
        digits = numbers.decimals(step)
        middle = p.low + round((p.high - p.low) / step / 2) * step
        for value in (p.low, p.high, middle):
            assert state.check_link_value(p.name, repr(round(value, digits))) is None, (p.name, value)


# --- the scenario file and money --------------------------------------------------------------


def test_scenario_file_writes_whole_number_settings_as_integers():
    """Years and switches are TOML integers (``2024``, not ``2024.0``); the file reads back to the same values."""
    scenario = load_scenario("plan").with_settings({"policy_start_year": 2026, "ev_subsidy": 5000})
    text = scenario.to_toml()
    data = tomllib.loads(text)
    assert data["levers"]["policy_start_year"] == 2026 and isinstance(data["levers"]["policy_start_year"], int)
    switches = [p.name for p in catalogue.LEVERS if p.unit == catalogue.SWITCH]
    assert switches and all(isinstance(data["levers"][n], int) for n in switches)
    assert isinstance(data["levers"]["ev_subsidy"], float)  # a money value stays a float
    assert not re.search(r"_year = \d+\.0$", text, re.MULTILINE)


def test_scenario_file_reads_back(tmp_path):
    scenario = load_scenario("plan").with_settings({"policy_start_year": 2026})
    path = tmp_path / "s.toml"
    path.write_text(scenario.to_toml(), encoding="utf-8")
    assert dict(load_scenario(path).values) == dict(scenario.values)


@pytest.mark.parametrize(
    ("value", "en", "zh"),
    [
        (3.38, "338 million yuan", "3.38亿元"),
        (57.4177, "5.74 billion yuan", "57.4亿元"),
        (0.05, "5.00 million yuan", "500万元"),
        (-18.39, "-1.84 billion yuan", "-18.4亿元"),
    ],
)
def test_money_is_written_in_each_languages_own_units(value, en, zh):
    """The model's 100 million yuan read as million/billion yuan in English and 亿元/万元 in Chinese."""
    assert numbers.money_text(value, Words("en")) == en
    assert numbers.money_text(value, Words("zh")) == zh
    assert numbers.money(None, Words("en"))[0] == "–"


# --- guide, search and wedges without a browser --------------------------------------------------


def test_guide_words_exist_for_every_relation_channel_and_sign():
    """The guide's words built from data (relation, channel, expected sign) exist in both languages."""
    for lang in ("en", "zh"):
        words = Words(lang)
        for relation in RELATIONS:
            assert words.table.get(f"guide.relation.{relation}")
        for p in catalogue.CONTROLS:
            assert words.table.get(guide.mechanism_key(p.name)), p.name
        for key in guide.SIGN_KEYS.values():
            assert words.table.get(f"guide.{key}")
        for part in wedges_table()["part"]:
            split = wedges_table().set_index("part").loc[part, "split"]
            split = split if isinstance(split, str) else split.iloc[0]
            assert not wedges.part_label(split, part, words).startswith(("group.", "guide.", "wedges."))


def test_the_measured_effect_reads_with_its_band_and_cost():
    g = lever_guide("ev_subsidy", "en")
    lines = guide.effect_lines(g, g.effects[guide.LOW_TO_HIGH], Words("en"))
    assert "2030" in lines[0] and "5–95 %" in lines[0] and "20,000 yuan/vehicle" in lines[0]
    assert any("billion yuan" in line or "million yuan" in line for line in lines)


def sentence_word(name: str) -> str | None:
    """Four Chinese characters from lever ``name``'s plan sentence that its labels do not contain (None: none)."""
    sentence = plan_clauses()[name].sentence_zh
    labels = lever_guide(name, "zh").label + lever_guide(name, "en").label
    for run in HAN.findall(sentence):
        for i in range(len(run) - 3):
            if run[i : i + 4] not in labels:
                return run[i : i + 4]
    return None


def lever_found_by_its_sentence() -> tuple[str, str]:
    """A lever quantified in the plan, and a word of its plan sentence that is not in its labels."""
    return next(
        (n, w)
        for n, c in plan_clauses().items()
        if c.relation == "quantified" and n in catalogue.CONTROL_NAMES and (w := sentence_word(n))
    )


def test_search_finds_a_lever_by_a_word_of_its_plan_sentence():
    name, word = lever_found_by_its_sentence()
    assert name in controls.matching(word, "zh")
    assert controls.matching("qwxzzy", "en") == []
    assert controls.matching("  ", "en") is None
    assert set(search_levers("", "en")) <= set(catalogue.CONTROL_NAMES)


def test_wedges_chart_has_a_bar_and_a_whisker_per_row():
    table = wedges_table()
    for split, _ in wedges.SPLITS:
        rows = table[table["split"] == split]
        option = wedges.wedges_option(rows, split, Words("en"))
        bars, whiskers = option["series"]
        assert len(bars["data"]) == len(whiskers["data"]) == len(rows)
        for bar, (low, *mid, high) in zip(bars["data"], whiskers["data"], strict=True):
            assert low <= bar["value"] <= high or low == high
            assert mid == [bar["value"]] * 3
        assert option["yAxis"]["data"][0] == Words("en")("wedges.total")  # the total at the bottom


# --- in the browser -------------------------------------------------------------------------------


def small_screen(browser) -> tuple[object, Session]:  # noqa: F811
    context = browser.new_context(viewport=SMALL_SCREEN)
    page = context.new_page()
    session = Session(page)
    page.on("console", lambda m: session.errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: session.errors.append(f"page error: {e}"))
    return context, session


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_first_screen_at_1280_by_800(server, browser, lang):  # noqa: F811
    """At 1280x800 every top-bar button is inside the window, the tabs start on the first screen, and the
    main column scrolls to the targets table."""
    context, s = small_screen(browser)
    try:
        s.open(f"{server}/?preset=plan&lang={lang}")
        for selector in (".sq-lang-zh", ".sq-lang-en", ".sq-download-toml", ".sq-share"):
            box = s.page.locator(selector).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= SMALL_SCREEN["width"], selector
            assert box["y"] + box["height"] <= SMALL_SCREEN["height"] / 4, selector
        for selector in (".sq-cards", CHART, ".sq-tabs"):
            assert s.page.locator(selector).bounding_box()["y"] < SMALL_SCREEN["height"] - 60, selector
        last_row = s.page.locator(".sq-scorecard tbody tr").last
        last_row.evaluate("row => row.scrollIntoView({block: 'center'})")  # the main column scrolls, not the page
        s.page.wait_for_timeout(300)
        assert s.page.locator(".sq-topbar").bounding_box()["y"] == 0
        box = last_row.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= SMALL_SCREEN["height"]
        s.assert_no_errors()
    finally:
        context.close()


def test_bad_link_messages_are_in_chinese(server, sessions):  # noqa: F811
    s = sessions().open(f"{server}/?preset=plan&lang=zh&policy_start_year=2025.5&ev_subsidy=1234.5&pv_subsidy=1e9")
    errors = s.page.locator(".sq-link-error").all_inner_texts()
    assert len(errors) == 3
    for text in errors:
        assert latin_words(text) == [], text
    assert "1200" in errors[1] and "1400" in errors[1]
    s.assert_no_errors()


def test_slider_steps_replace_the_history_entry_and_presets_add_one(server, sessions):  # noqa: F811
    """Three slider steps leave the history as long as it was (the address still holds the value); a preset
    adds an entry, and back returns to the settings before it."""
    s = sessions().open(f"{server}/?preset=plan&lang=en")
    start = s.page.evaluate("history.length")
    for _ in range(3):
        press(s, "pv_subsidy", "ArrowRight")
    assert s.page.evaluate("history.length") <= start + 1
    s.page.wait_for_function("() => location.search.includes('pv_subsidy=')", timeout=WAIT_MS)
    moved, before = s.text(".sq-param-pv_subsidy .sq-control-value"), s.page.evaluate("history.length")
    s.page.locator(".sq-preset-baseline").click()
    s.wait_text(".sq-preset-active", "Baseline")
    s.settled()
    assert s.page.evaluate("history.length") == before + 1
    s.page.go_back()
    s.wait_text(".sq-preset-active", "Plan")
    s.settled()
    assert s.text(".sq-param-pv_subsidy .sq-control-value") == moved
    assert "pv_subsidy=" in s.page.url and "preset=plan" in s.page.url
    s.assert_no_errors()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_guide_opens_from_the_i_button_and_closes(server, sessions, lang):  # noqa: F811
    s = sessions().open(f"{server}/?preset=plan&lang={lang}")
    g = lever_guide("ev_subsidy", lang)
    s.page.locator(".sq-info-ev_subsidy").click()
    s.page.locator(".sq-guide").wait_for(timeout=WAIT_MS)
    text = s.text(".sq-guide")
    assert g.label in text
    assert g.sentence_zh in text  # the Chinese original in both languages
    if lang == "en":
        assert g.sentence_en in text and "billion yuan" in text
    words = Words(lang)
    for key in (f"guide.relation.{g.relation}", "guide.effect", guide.mechanism_key("ev_subsidy"), "guide.sign_down"):
        assert words(key).split("{")[0].casefold() in text.casefold(), key  # labels are set in capitals
    assert words("guide.current", value="").strip() in text
    s.page.locator(".sq-guide-close").click()
    s.page.locator(".sq-guide").wait_for(state="detached", timeout=WAIT_MS)
    assert s.page.locator(CHART).is_visible()
    s.assert_no_errors()


def test_search_filters_the_controls(server, sessions):  # noqa: F811
    """A Chinese word of a plan sentence shows its lever (its group open); nonsense says no lever matches; clearing
    the box restores every group."""
    name, word = lever_found_by_its_sentence()
    s = sessions().open(f"{server}/?preset=plan&lang=zh")
    groups = s.page.locator(".sq-group").count()
    box = s.page.locator(".sq-search input")
    box.fill(word)
    s.page.locator(f".sq-param-{name}").wait_for(timeout=WAIT_MS)
    assert s.page.locator(".sq-group").count() < groups
    box.fill("qwxzzy")
    s.page.locator(".sq-no-match").wait_for(timeout=WAIT_MS)
    assert "qwxzzy" in s.text(".sq-no-match")
    assert s.page.locator(".sq-group").count() == 0
    box.fill("")
    s.page.wait_for_function(f"() => document.querySelectorAll('.sq-group').length === {groups}", timeout=WAIT_MS)
    s.assert_no_errors()


def test_wedges_tab_shows_the_measured_split(server, sessions):  # noqa: F811
    s = sessions().open(f"{server}/?preset=plan&lang=en")
    s.page.locator(".sq-tab-wedges").click()
    for split, _ in wedges.SPLITS:
        s.page.locator(f'[data-testid="wedges-{split}"]').wait_for(timeout=WAIT_MS)
    note = s.text(".sq-wedges-note")
    assert f"{catalogue.EFFECTS_MEMBERS} common-random-number members" in note and "not a run" in note
    s.assert_no_errors()


def test_money_in_the_headline_uses_natural_units(server, sessions):  # noqa: F811
    s = sessions().open(f"{server}/?preset=plan&lang=en")
    assert re.search(r"(million|billion) yuan", s.text(".sq-cards"))
    assert "100 million" not in s.text(".sq-cards")
    s.assert_no_errors()


def test_the_guide_to_an_uncertainty_says_it_was_not_measured(server, sessions):  # noqa: F811
    """An uncertainty, found through the search box, has a guide too: range and values, no channel, no effect."""
    name = catalogue.UNCERTAINTIES[0].name
    s = sessions().open(f"{server}/?preset=plan&lang=en")
    s.page.locator(".sq-search input").fill(name)
    s.page.locator(f".sq-info-{name}").click()
    s.page.locator(f".sq-guide-{name}").wait_for(timeout=WAIT_MS)
    text = s.text(".sq-guide")
    assert Words("en")("guide.no_effect") in text
    assert s.page.locator(".sq-guide-channel").count() == 0
    s.assert_no_errors()
