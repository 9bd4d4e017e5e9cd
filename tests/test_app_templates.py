"""The app's Vue templates, compiled before the page is served (webapp/components/compiled.py)."""

from __future__ import annotations

import importlib
import shutil

import ipyvue
import pytest
import solara
import solara.widgets
from solara.components.title import TitleWidget

from webapp.components import build_templates, compiled
from webapp.components.address import AddressSync
from webapp.components.buttons import Download, ShareLink
from webapp.components.controls import LeverPanel
from webapp.components.echarts import GuardedEchartsWidget
from webapp.components.emissions import ChartHead
from webapp.components.markup import StaticHTML
from webapp.components.topbar import LanguageToggle, PresetButtons

WIDGETS = {
    "address_sync": AddressSync,
    "chart_head": ChartHead,
    "download": Download,
    "echarts": GuardedEchartsWidget,
    "language_toggle": LanguageToggle,
    "lever_panel": LeverPanel,
    "preset_buttons": PresetButtons,
    "share_link": ShareLink,
    "solara_html": StaticHTML,
}


def test_the_compiled_module_is_built_from_the_current_sources() -> None:
    assert compiled.stale() == [], (
        "these Vue templates changed since webapp/components/vue/compiled.mjs was built: "
        "run `python -m webapp.components.build_templates`"
    )


def test_every_template_is_compiled_and_exported() -> None:
    assert set(compiled.sources()) == set(WIDGETS) | {compiled.SOLARA_ROUTER, compiled.SOLARA_TITLE}
    module = compiled.compiled_module()
    for name in compiled.sources():
        assert f"export const {name} = " in module


@pytest.mark.parametrize("name", sorted(WIDGETS))
def test_a_template_widget_names_its_compiled_component(name: str) -> None:
    widget = WIDGETS[name]()
    try:
        assert isinstance(widget.template, ipyvue.Template)
        assert widget.template.esm_module == compiled.MODULE_NAME
        assert widget.template.esm_export == name
        assert widget.template.template is None  # nothing left for the browser to compile
    finally:
        widget.close()


def test_a_template_edited_since_the_build_is_sent_as_source(monkeypatch: pytest.MonkeyPatch) -> None:
    sources = compiled.sources()
    outdated = dict(sources, lever_panel=sources["lever_panel"] + "<!-- edited -->")
    monkeypatch.setattr(compiled, "compiled_module", lambda: compiled.header(outdated) + "\n")
    compiled._fresh.cache_clear()
    try:
        assert compiled.stale() == ["lever_panel"]
        assert compiled.template("lever_panel") == sources["lever_panel"]
        assert isinstance(compiled.template("chart_head"), ipyvue.Template)
    finally:
        compiled._fresh.cache_clear()


def test_a_missing_module_leaves_every_template_as_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compiled, "compiled_module", lambda: "")
    compiled._fresh.cache_clear()
    try:
        assert compiled.stale() == sorted(compiled.sources())
        assert compiled.template("echarts") == compiled.sources()["echarts"]
    finally:
        compiled._fresh.cache_clear()


@pytest.mark.parametrize(
    "first_line",
    ["", "export const x = 1;", "// sources: not json", '// sources: ["a list"]', "// other: {}"],
)
def test_a_module_without_a_readable_header_was_built_from_nothing(first_line: str) -> None:
    assert compiled.compiled_digests(first_line + "\nmore") == {}


def test_the_header_round_trips() -> None:
    texts = {"b": "two", "a": "one"}
    assert compiled.compiled_digests(compiled.header(texts) + "\nbody") == {
        "a": compiled.digest("one"),
        "b": compiled.digest("two"),
    }


def test_an_unknown_template_is_named_in_the_error() -> None:
    with pytest.raises(KeyError, match="no_such_template"):
        compiled.template("no_such_template")


def _compiler_installed() -> bool:
    package = build_templates.DEFAULT_COMPILER_DIR / "node_modules" / "@vue" / "compiler-sfc" / "package.json"
    return shutil.which("node") is not None and package.exists()


@pytest.mark.skipif(not _compiler_installed(), reason="needs Node.js and Vue's compiler (build_templates installs it)")
def test_the_build_reproduces_the_committed_module() -> None:
    built = build_templates.compile_module(compiled.sources(), build_templates.DEFAULT_COMPILER_DIR)
    assert built == compiled.compiled_module()


@pytest.mark.skipif(not _compiler_installed(), reason="needs Node.js and Vue's compiler (build_templates installs it)")
def test_the_build_refuses_a_template_with_styles() -> None:
    texts = {"styled": "<template><div/></template>\n<style>.sq-x { color: red; }</style>\n"}
    with pytest.raises(SystemExit, match=r"styled\.vue: <style>"):
        build_templates.compile_module(texts, build_templates.DEFAULT_COMPILER_DIR)


def test_the_page_module_outlives_the_template_widgets(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list = []

    def module() -> object:
        made.append(compiled.Module(name=compiled.MODULE_NAME, code="", dependencies=[]))
        return made[-1]

    monkeypatch.setattr(compiled, "templates_module", module)
    toggle: list = []

    @solara.component
    def Demo() -> None:  # noqa: N802
        compiled.use_compiled_templates()
        shown, set_shown = solara.use_state(True)
        toggle[:] = [set_shown]
        with solara.Column():
            if shown:
                ChartHead.element(title="first").key("first")
            ChartHead.element(title="second").key("second")

    _box, rc = solara.render(Demo(), handle_error=False)
    first, second = rc.find(ChartHead).widgets
    first_template = first.template
    toggle[0](False)
    assert len(made) == 1 and made[0].comm is not None  # made once, still open
    assert first.comm is None and first_template.comm is None  # closed with the widget that used it
    assert second.comm is not None and second.template.comm is not None
    rc.close()


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> dict:
    """An empty template registry for ipyvue's template widgets (as each page has its own under Solara)."""
    fresh: dict = {}
    monkeypatch.setattr(importlib.import_module("ipyvue.Template"), "template_registry", fresh)
    monkeypatch.setattr(compiled, "templates_module", lambda: compiled.Module(name=compiled.MODULE_NAME, code=""))
    return fresh


def _solara_widgets_of_a_page() -> tuple:
    @solara.component
    def Demo() -> None:  # noqa: N802
        compiled.use_compiled_templates()  # first, as Page does: Solara's router and title are made later
        with solara.Column():
            solara.widgets.Navigator.element(location="/")
            TitleWidget.element(title="a title", level=0)

    _box, rc = solara.render(Demo(), handle_error=False)
    return rc, rc.find(solara.widgets.Navigator).widget, rc.find(TitleWidget).widget


def test_solaras_router_and_title_find_their_templates_compiled(registry: dict) -> None:
    rc, navigator, title = _solara_widgets_of_a_page()
    try:
        assert navigator.template.esm_module == compiled.MODULE_NAME
        assert navigator.template.esm_export == compiled.SOLARA_ROUTER
        assert title.template.esm_export == compiled.SOLARA_TITLE
        assert set(registry) == {compiled.template_file(w) for w in (solara.widgets.Navigator, TitleWidget)}
    finally:
        rc.close()


def test_a_changed_solara_template_is_left_to_solara(registry: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    sources = compiled.sources()
    upgraded = dict(sources, solara_router=sources["solara_router"] + "<!-- a newer Solara -->")
    monkeypatch.setattr(compiled, "compiled_module", lambda: compiled.header(upgraded) + "\n")
    compiled._fresh.cache_clear()
    try:
        rc, navigator, title = _solara_widgets_of_a_page()
        try:
            assert navigator.template.esm_module is None  # Solara's own, compiled in the page
            assert navigator.template.template == sources["solara_router"]
            assert title.template.esm_export == compiled.SOLARA_TITLE
        finally:
            rc.close()
    finally:
        compiled._fresh.cache_clear()
