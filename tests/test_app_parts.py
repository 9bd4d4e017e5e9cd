"""The page's parts that only show text are one widget each, with every text and number escaped and right;
the top bar's and the chart head's buttons are drawn in the browser from one widget and act on the server.

Rendered in this process (no browser); the browser tests (tests/test_app*.py) click them for real.
"""

from __future__ import annotations

import re
import warnings

import ipywidgets
import pytest
import solara

from abm.comparison import compare
from webapp import numbers
from webapp.catalogue import PEAK_YEAR, PRESETS
from webapp.components import emissions, ensemble, headlines, markup, scorecard, tabs, topbar
from webapp.runs import estimate
from webapp.state import parse_query
from webapp.text import LANGUAGES, Words

WORDS = Words("en")


@pytest.fixture(scope="module")
def plan():
    settings, _ = parse_query("preset=plan&lang=en", "en")
    outcome = estimate(settings)
    assert outcome is not None
    return settings, outcome


def render(element):
    """Render ``element`` here; returns (the widgets it made, by kind name, and the render context)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        before = set(ipywidgets.Widget.widgets)
        _, rc = solara.render(element, handle_error=False)
        made = [w for key, w in list(ipywidgets.Widget.widgets.items()) if key not in before]
    kinds: dict[str, list] = {}
    for widget in made:
        kinds.setdefault(type(widget).__name__, []).append(widget)
    return kinds, rc


def card(html: str, testid: str) -> str:
    """One headline card's HTML out of the cards'."""
    start = html.index(f"sq-card sq-card-{testid}")
    end = html.find('<div class="sq-card sq-card-', start + 1)
    return html[start : end if end > 0 else None]


def test_a_headline_card_escapes_its_texts():
    html = headlines.headline_card("x", "<T>", "1 & 2", "Mt", 'a "b" <c>', "sq-good")
    assert html.startswith('<div class="sq-card sq-card-x sq-good">')
    assert '<div class="sq-card-title">&lt;T&gt;</div>' in html
    assert '<span class="sq-card-value">1 &amp; 2</span><span class="sq-card-unit">Mt</span>' in html
    assert 'a "b" &lt;c&gt;' in html
    assert "sq-card-unit" not in headlines.headline_card("y", "t", "2030", "", "n")  # no unit, no unit span


def test_the_headline_cards_are_one_widget_with_the_answers_numbers(plan):
    _, outcome = plan
    kinds, rc = render(headlines.Headlines(outcome, WORDS))
    try:
        assert "Html" not in kinds and len(kinds["StaticHTML"]) == 1
        widget = kinds["StaticHTML"][0]
        assert widget.attributes == {"class": "sq-cards"}
        html = widget.unsafe_innerHTML
        ids = re.findall(r'class="sq-card sq-card-([a-z0-9-]+)', html)
        assert ids == ["probability", "peak-year", "peak-level", "co2-target-year", "targets-met", "fiscal"]
        cur = outcome.current
        co2 = float(cur.band(cur.headline)[0].iloc[cur.years.index(PEAK_YEAR)])
        assert f'<span class="sq-card-value">{numbers.fmt(co2)}</span>' in card(html, "co2-target-year")
        probability = f"{cur.peak_probability.value * numbers.PERCENT:.0f}"
        assert f'<span class="sq-card-value">{probability}</span>' in card(html, "probability")
        met = f"{int(cur.scorecard['met'].sum())} / {len(cur.scorecard)}"
        assert f'<span class="sq-card-value">{met}</span>' in card(html, "targets-met")
        assert WORDS("card.peak_year") in card(html, "peak-year")
    finally:
        rc.close()


def test_the_answer_status_is_one_widget_with_its_progress(plan):
    _, outcome = plan
    kinds, rc = render(ensemble.AnswerStatus(outcome, (3, 20), True, None, WORDS))
    try:
        assert "Html" not in kinds and "ProgressLinear" not in kinds and len(kinds["StaticHTML"]) == 1
        widget = kinds["StaticHTML"][0]
        assert widget.attributes["class"] == "sq-answer sq-answer-earlier"
        html = widget.unsafe_innerHTML
        assert 'class="sq-answer-kind sq-kind-earlier"' in html
        assert "width: 15.0%" in html
        assert WORDS("answer.progress", done=3, total=20) in html
        assert WORDS("answer.members", n=len(outcome.current.values)) in html
    finally:
        rc.close()


def test_the_reason_for_exact_runs_only_is_a_second_widget(plan):
    _, outcome = plan
    kinds, rc = render(ensemble.AnswerStatus(outcome, None, False, ("answer.exact_note", {}), WORDS))
    try:
        found = {w.attributes["class"]: w for w in kinds["StaticHTML"]}
        assert set(found) == {f"sq-answer sq-answer-{outcome.kind}", "sq-exact-only"}
        assert WORDS("answer.exact_only", why=WORDS("answer.exact_note")) in found["sq-exact-only"].unsafe_innerHTML
    finally:
        rc.close()


def test_the_top_bars_presets_and_languages_are_one_widget_each_and_navigate(plan):
    settings, outcome = plan
    went = []
    kinds, rc = render(topbar.TopBar(settings, outcome, WORDS, went.append))
    try:
        assert "Btn" not in kinds and "BtnToggle" not in kinds
        (presets,) = kinds["PresetButtons"]
        assert [p["name"] for p in presets.items] == PRESETS and presets.active == "plan"
        assert presets.label == WORDS("preset.label")
        presets.vue_pick("baseline")
        assert went[-1].preset == "baseline"
        (languages,) = kinds["LanguageToggle"]
        assert [item["code"] for item in languages.items] == list(LANGUAGES)
        languages.vue_pick(LANGUAGES.index("zh"))
        assert went[-1].lang == "zh" and went[-1].preset == "plan"
        (brand,) = kinds["StaticHTML"]
        assert WORDS("app.title") in brand.unsafe_innerHTML and brand.attributes == {"class": "sq-brand"}
    finally:
        rc.close()


def test_the_chart_head_pins_and_unpins(plan):
    settings, outcome = plan
    calls = []
    pinned = settings.pinned("A: <mine>").pins
    kinds, rc = render(
        emissions.EmissionsChart(outcome, WORDS, [], (pinned, lambda: calls.append("pin"), calls.append))
    )
    try:
        (head,) = kinds["ChartHead"]
        assert "Btn" not in kinds  # the Pin button and the chips' × are drawn by the head
        assert head.title == WORDS("chart.title") and not head.pins_full
        assert head.pins == [{"name": "A: <mine>", "title": pinned[0].query()}]  # Vue escapes it in the browser
        head.vue_pin()
        head.vue_unpin(0)
        assert calls == ["pin", 0]
        (menu,) = kinds["Select"]
        menu.v_model = "sectors"
        assert head.title == WORDS("graph.sectors")
    finally:
        rc.close()


def test_the_scorecard_tab_is_one_widget_with_its_note_and_every_target(plan):
    _, outcome = plan
    kinds, rc = render(scorecard.Scorecard(outcome, WORDS, []))
    try:
        assert "Html" not in kinds and len(kinds["StaticHTML"]) == 1
        widget = kinds["StaticHTML"][0]
        assert widget.attributes == {"class": "sq-panel sq-scorecard"}
        html = widget.unsafe_innerHTML
        assert html.startswith(f'<div class="sq-panel-note">{markup.text(WORDS("score.note"))}</div>')
        assert html.count('<tr class="sq-target sq-target-') == len(outcome.current.scorecard)
    finally:
        rc.close()


def test_the_cost_table_has_a_row_per_horizon_with_its_numbers(plan):
    _, outcome = plan
    cur, base = outcome.current.trajectory, outcome.baseline.trajectory
    last = int(cur["year"].max())
    summaries = [compare(cur, base, end=y) for y in (PEAK_YEAR, last)]
    html = tabs.fiscal_table_html(summaries, WORDS)
    for s in summaries:
        row = html[html.index(f'<tr class="sq-fiscal-{s.end_year}">') :]
        row = row[: row.index("</tr>")]
        assert f"<td>{numbers.fmt(s.avoided_mt)}</td>" in row
        assert f"<td>{markup.text(numbers.money_text(s.fiscal_cost, WORDS))}</td>" in row
    assert html.endswith(f'<div class="sq-panel-note">{markup.text(WORDS("fiscal.units"))}</div>')


def test_the_targets_card_says_when_an_answer_judges_only_some_targets():
    total = len(headlines.TARGET_MAP)
    assert headlines.targets_partial_note(total, WORDS) == ""
    note = headlines.targets_partial_note(9, WORDS)
    assert note == " · " + WORDS("card.targets_partial", n=9, total=total)
    assert f"9 of the {total} targets" in note
    zh = headlines.targets_partial_note(9, Words("zh"))
    assert f"{total}项目标中的9项" in zh
