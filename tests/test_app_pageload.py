"""The app's first page is light: only the open group's controls are made, static text is one widget,
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
from webapp.state import parse_query
from webapp.text import Words

ALL_GROUPS = list(dict.fromkeys(p.group for p in catalogue.CONTROLS))
CLOSED_GROUP = next(g for g in dict.fromkeys(p.group for p in catalogue.LEVERS) if g != catalogue.OPEN_GROUP)
CLOSED_LEVER = next(p for p in catalogue.LEVERS if p.group == CLOSED_GROUP and p.unit != catalogue.SWITCH)


def members(group: str) -> set[str]:
    return {p.name for p in catalogue.CONTROLS if p.group == group}


# --- the control panel: a group's controls are made when it is first opened ----------------------


def render_panel():
    """The control panel of the plan in English, rendered here; returns (widget tree, render context)."""
    settings, _ = parse_query("preset=plan&lang=en", "en")
    panel = controls.ControlPanel(
        settings, settings.scenario(), Words("en"), lambda *_: None, lambda: None, on_guide=lambda _: None
    )
    return solara.render(panel, handle_error=False)


def widgets(root) -> list:
    """Every widget under ``root`` (through ``children``), root first."""
    found, stack = [], [root]
    while stack:
        widget = stack.pop()
        found.append(widget)
        stack.extend(c for c in reversed(getattr(widget, "children", None) or []) if hasattr(c, "keys"))
    return found


def with_class(root, cls: str) -> list:
    return [w for w in widgets(root) if cls in (getattr(w, "class_", None) or "").split()]


def made_controls(root) -> set[str]:
    """The names of the controls the panel has made (their ``sq-param-NAME`` class)."""
    names = set()
    for widget in with_class(root, "sq-control"):
        names |= {c[len("sq-param-") :] for c in widget.class_.split() if c.startswith("sq-param-")}
    return names


def test_only_the_open_groups_controls_are_made_at_first():
    box, rc = render_panel()
    try:
        assert made_controls(box) == members(catalogue.OPEN_GROUP)
        assert len(with_class(box, "sq-group")) == len(ALL_GROUPS)  # every group is listed
    finally:
        rc.close()


def test_opening_a_group_makes_its_controls_and_closing_keeps_them():
    box, rc = render_panel()
    try:
        panels = with_class(box, "sq-panels")[0]  # the levers
        groups = list(dict.fromkeys(p.group for p in catalogue.LEVERS))
        index = groups.index(CLOSED_GROUP)
        panels.v_model = [*panels.v_model, index]
        assert made_controls(box) == members(catalogue.OPEN_GROUP) | members(CLOSED_GROUP)
        panels.v_model = []  # closing hides them; they are kept, not made again
        assert made_controls(box) == members(catalogue.OPEN_GROUP) | members(CLOSED_GROUP)
    finally:
        rc.close()


def test_a_search_makes_the_control_it_finds_in_a_closed_group():
    box, rc = render_panel()
    try:
        assert CLOSED_LEVER.name not in made_controls(box)
        with_class(box, "sq-search")[0].v_model = CLOSED_LEVER.name
        assert made_controls(box) == {CLOSED_LEVER.name}  # only what matches is shown
        with_class(box, "sq-search")[0].v_model = ""
        assert made_controls(box) == members(catalogue.OPEN_GROUP) | members(CLOSED_GROUP)
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
    template = echarts._guarded_echarts_template()
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
