"""The app's first page is light: the control panel is one widget the browser draws, static text is one widget,
ECharts comes minified and is loaded while the page boots.

Unit tests render the control panel in this process (no browser); the browser tests reuse the
server and browser fixtures of ``tests/test_app.py`` (skipped without Chromium, failing under CI,
as there). How long the first page takes is measured by ``benchmarks/app_pageload.py``, not here.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
import solara
from app_browser import CHART, WAIT_MS, Session, press
from test_app import browser, chromium, playwright, server, sessions  # noqa: F401 (fixtures)

from abm import cli
from webapp import catalogue
from webapp.components import controls, echarts, markup
from webapp.numbers import value_text
from webapp.state import parse_query
from webapp.text import Words

ALL_GROUPS = list(dict.fromkeys(p.group for p in catalogue.CONTROLS))
CLOSED_GROUP = next(g for g in dict.fromkeys(p.group for p in catalogue.LEVERS) if g != catalogue.OPEN_GROUP)
CLOSED_LEVER = next(p for p in catalogue.LEVERS if p.group == CLOSED_GROUP and p.unit != catalogue.SWITCH)


# --- the control panel: one widget, drawn by the browser -----------------------------------------


def render_panel(query: str = "preset=plan&lang=en"):
    """The control panel of ``query``'s settings, rendered here; returns (the LeverPanel widget, render context)."""
    settings, _ = parse_query(query, "en")
    seen: dict[str, list] = {"commit": [], "guide": [], "reset": []}
    panel = controls.ControlPanel(
        settings,
        settings.scenario(),
        Words(settings.lang),
        lambda name, value: seen["commit"].append((name, value)),
        lambda: seen["reset"].append(True),
        on_guide=lambda name: seen["guide"].append(name),
    )
    box, rc = solara.render(panel, handle_error=False)
    (widget,) = box.children
    assert isinstance(widget, controls.LeverPanel)
    widget.seen = seen
    return widget, rc


def test_the_panel_is_one_widget_that_describes_every_control_and_group():
    panel, rc = render_panel()
    try:
        assert set(panel.controls) == {p.name for p in catalogue.CONTROLS}
        listed = [n for section in panel.sections for g in section["groups"] for n in g["names"]]
        assert sorted(listed) == sorted(p.name for p in catalogue.CONTROLS)  # each once
        assert [g["key"] for s in panel.sections for g in s["groups"]] == ALL_GROUPS
        assert panel.initially_open == [catalogue.OPEN_GROUP]
        assert panel.values == {
            p.name: catalogue.preset_scenario(catalogue.PLAN).values[p.name] for p in catalogue.CONTROLS
        }
        assert panel.changed_text == ""  # nothing changed: no reset button
    finally:
        rc.close()


def test_the_panel_marks_what_changed_from_the_preset():
    lever = CLOSED_LEVER
    panel, rc = render_panel(f"preset=plan&lang=en&{lever.name}={lever.high:g}")
    try:
        assert panel.values[lever.name] == lever.high != panel.preset_values[lever.name]
        assert panel.changed_text == "1 changed"
    finally:
        rc.close()


def test_what_the_browser_formats_matches_the_servers_value_text():
    """The browser formats a value from ``scale``, ``text_digits`` and ``unit``, as value_text does."""
    words = Words("zh")
    for p in catalogue.CONTROLS:
        if p.unit == catalogue.SWITCH or p.unit == "year":
            continue
        c = controls.describe_control(p, p.default, words)
        shown = f"{p.default * c['scale']:,.{c['text_digits']}f} {c['unit']}"
        assert shown == value_text(p, p.default, words), p.name


def test_a_search_finds_a_control_in_a_closed_group_and_clearing_shows_all():
    panel, rc = render_panel()
    try:
        panel.query = CLOSED_LEVER.name
        assert panel.shown == [CLOSED_LEVER.name]
        panel.query = "qwxzzy"
        assert panel.shown == []
        panel.query = ""
        assert panel.shown is None
    finally:
        rc.close()


def test_the_browsers_reports_reach_the_page_and_nonsense_is_ignored():
    panel, rc = render_panel()
    try:
        panel.vue_commit({"name": CLOSED_LEVER.name, "value": "1.5"})
        panel.vue_commit({"name": "no_such_lever", "value": 1})
        panel.vue_commit({"name": CLOSED_LEVER.name, "value": "many"})
        panel.vue_commit(["not", "a", "dict"])
        panel.vue_guide(CLOSED_LEVER.name)
        panel.vue_guide("no_such_lever")
        panel.vue_reset()
        assert panel.seen == {"commit": [(CLOSED_LEVER.name, 1.5)], "guide": [CLOSED_LEVER.name], "reset": [True]}
    finally:
        rc.close()


# --- static text as one widget ------------------------------------------------------------------


def test_markup_escapes_text_and_attributes():
    html = markup.element("td", markup.text("<b>&"), "sq-x", title='say "hi" <now>')
    assert html == '<td class="sq-x" title="say &quot;hi&quot; &lt;now&gt;">&lt;b&gt;&amp;</td>'
    assert markup.element("span", "", "", title="") == "<span></span>"  # empty attributes are left out


def test_the_scale_under_a_slider_marks_the_plan_and_the_range():
    words = Words("en")
    p = CLOSED_LEVER
    plan = catalogue.preset_scenario(catalogue.PLAN).values[p.name]
    parts = controls.scale_parts(p, plan, words)
    assert [cls for cls, _, _ in parts] == ["sq-plan-tick", "sq-scale-range", "sq-plan-text"]
    frac = (plan - p.low) / (p.high - p.low)
    assert parts[0][2]["style"].endswith(f"{frac:.4f})")


# --- ECharts: minified, and loaded while the page boots -----------------------------------------


def test_charts_load_the_minified_echarts_that_solara_assets_ship():
    template = echarts.guarded_echarts_template()
    assert f"/dist/{echarts.ECHARTS_FILE}`" in template and "/dist/echarts.js`" not in template
    assert f'const version = "{echarts.ECHARTS_VERSION}"' in template
    import solara.server.settings

    shipped = solara.server.settings.assets.proxy_cache_dir / f"echarts@{echarts.ECHARTS_VERSION}/dist"
    assert (shipped / echarts.ECHARTS_FILE).is_file()


def test_the_page_preloads_the_same_echarts_file_the_charts_load():
    script = resources.files("webapp").joinpath("assets/custom.js").read_text(encoding="utf-8")
    assert f"/echarts@{echarts.ECHARTS_VERSION}/dist/{echarts.ECHARTS_FILE}" in script


def test_the_app_command_serves_the_apps_assets(monkeypatch):
    """``suqian-abm app`` points Solara's documented asset setting at webapp/assets (where custom.js is)."""
    seen = {}

    def fake_execve(path, argv, env):
        seen.update(env)
        raise SystemExit(0)

    monkeypatch.setattr(cli.os, "execve", fake_execve)
    monkeypatch.delenv("SOLARA_ASSETS_EXTRA_LOCATIONS", raising=False)
    with pytest.raises(SystemExit):
        cli.main(["app", "--port", "8799"])
    folders = seen["SOLARA_ASSETS_EXTRA_LOCATIONS"].split(",")
    assert any((Path(f) / "custom.js").is_file() and Path(f).parent.name == "webapp" for f in folders)


# --- in the browser ------------------------------------------------------------------------------


def test_a_closed_groups_controls_appear_when_it_is_opened(server, sessions):  # noqa: F811
    s: Session = sessions().open(f"{server}/?preset=plan&lang=en")
    control = s.page.locator(f".sq-param-{CLOSED_LEVER.name}")
    assert control.count() == 0  # not made before its group is opened
    s.page.locator(f".sq-group-{CLOSED_GROUP} .sq-group-header").click()
    control.wait_for(timeout=WAIT_MS)
    assert s.text(f".sq-param-{CLOSED_LEVER.name} .sq-control-value").strip()
    assert "plan:" in s.text(f".sq-param-{CLOSED_LEVER.name} .sq-scale")
    s.assert_no_errors()


def test_the_search_finds_a_lever_in_a_closed_group_and_its_slider_works(server, sessions):  # noqa: F811
    s: Session = sessions().open(f"{server}/?preset=plan&lang=en")
    s.page.locator(".sq-search input").fill(CLOSED_LEVER.name)
    s.page.locator(f".sq-param-{CLOSED_LEVER.name}").wait_for(timeout=WAIT_MS)
    value = s.text(f".sq-param-{CLOSED_LEVER.name} .sq-control-value")
    press(s, CLOSED_LEVER.name, "End")  # the chart shows the new run
    assert s.text(f".sq-param-{CLOSED_LEVER.name} .sq-control-value") != value
    assert f"{CLOSED_LEVER.name}=" in s.page.evaluate("location.search")
    s.assert_no_errors()


def test_the_chart_is_drawn_with_minified_echarts(server, sessions):  # noqa: F811
    """A fresh page asks for echarts.min.js once (while it boots), never for the unminified file."""
    s: Session = sessions()
    asked: list[str] = []
    s.page.on("request", lambda r: asked.append(r.url) if "/echarts@" in r.url else None)
    s.open(f"{server}/?preset=plan&lang=en")
    s.page.locator(f"{CHART} canvas").wait_for(timeout=WAIT_MS)
    assert [re.sub(r".*/dist/", "", u) for u in asked] == [echarts.ECHARTS_FILE]
    s.assert_no_errors()


def test_every_controls_value_reads_as_the_server_writes_it(server, sessions):  # noqa: F811
    """Each group opened in a Chinese page: every value the browser formats equals webapp.numbers.value_text."""
    s: Session = sessions().open(f"{server}/?preset=plan&lang=zh")
    words = Words("zh")
    values = catalogue.preset_scenario(catalogue.PLAN).values
    for group in ALL_GROUPS:
        if group != catalogue.OPEN_GROUP:
            s.page.locator(f".sq-group-{group} .sq-group-header").click()
    for p in catalogue.CONTROLS:
        control = s.page.locator(f".sq-param-{p.name}")
        control.wait_for(timeout=WAIT_MS)
        where = ".v-label" if p.unit == catalogue.SWITCH else ".sq-control-value"
        assert control.locator(where).inner_text().strip() == value_text(p, values[p.name], words), p.name
    s.assert_no_errors()
