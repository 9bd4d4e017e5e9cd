"""The app's Vue templates compiled before the page is served: the browser imports one ES module instead of compiling them.

A template widget otherwise sends its template's text and the browser compiles it, first
loading Vue's template compiler (0.8 MB). Here the templates' sources are the ``.vue`` files in
``webapp/components/vue/``, Solara's ECharts template with the app's guard
(:func:`webapp.components.echarts.guarded_echarts_template`) and Solara's raw-HTML template;
``python -m webapp.components.build_templates`` compiles them with Vue's own compiler, the
way jupyter-vue does in the browser, into ``vue/compiled.mjs``, whose first line records the
SHA-256 of each source. A :class:`CompiledTemplate` widget uses that module (jupyter-vue's
``esm_module``; the page makes one ``Module`` widget, :func:`use_compiled_templates`) while its source is unchanged since the build,
and otherwise sends its source to be compiled in the browser as before, so an edited template
works before it is rebuilt (tests/test_app_templates.py fails until it is).

Solara's own router and page title (``Navigator``, ``TitleWidget``) are template widgets too,
made by Solara around the app; their templates are compiled the same way, as they are, and
:func:`use_compiled_templates` puts the compiled ones in the page's template registry, where
those widgets look their template up by file (``ipyvue.Template.get_template``), before
they are made. With no template left to compile, the page never loads Vue's compiler.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

import ipyvue
import ipyvuetify
import solara
import solara.widgets
from ipyvue.esm import Module
from solara.components.title import TitleWidget

MODULE_NAME = "suqian-abm-templates"  # the name the page's import map gives the module
FOLDER = Path(__file__).with_name("vue")
COMPILED = FOLDER / "compiled.mjs"
HEADER = "// sources: "  # the compiled module's first line: this, then {name: SHA-256 of its source}
ECHARTS = "echarts"  # the name of Solara's ECharts template, guarded
SOLARA_HTML = "solara_html"  # Solara's templates compiled as they are: raw HTML (the app's StaticHTML),
SOLARA_ROUTER = "solara_router"  # the router (Navigator) and the page title (TitleWidget)
SOLARA_TITLE = "solara_title"
SOLARA_WIDGETS = {SOLARA_HTML: solara.widgets.HTML, SOLARA_ROUTER: solara.widgets.Navigator, SOLARA_TITLE: TitleWidget}


def template_file(widget: type[ipyvue.VueTemplate]) -> str:
    """The file a template widget class reads its template from, as ``ipyvue`` names it in its registry."""
    found = widget.template_file
    if isinstance(found, tuple):
        return os.path.normpath(os.path.join(os.path.dirname(found[0]), found[1]))
    return os.path.normpath(os.path.abspath(found))


@lru_cache(maxsize=1)
def sources() -> dict[str, str]:
    """Each template's name (the ``.vue`` file's stem, :data:`ECHARTS` or one of :data:`SOLARA_WIDGETS`) and its text."""
    from webapp.components.echarts import guarded_echarts_template  # echarts.py builds on this module

    found = {path.stem: path.read_text(encoding="utf-8") for path in sorted(FOLDER.glob("*.vue"))}
    found[ECHARTS] = guarded_echarts_template()
    for name, widget in SOLARA_WIDGETS.items():
        found[name] = Path(template_file(widget)).read_text(encoding="utf-8")
    return found


def digest(text: str) -> str:
    """The SHA-256 of a template's text, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def header(texts: dict[str, str]) -> str:
    """The compiled module's first line for these sources."""
    return HEADER + json.dumps({name: digest(text) for name, text in sorted(texts.items())})


def compiled_digests(module_text: str) -> dict[str, str]:
    """What a compiled module's first line says it was built from (empty when it says nothing)."""
    first = module_text.split("\n", 1)[0]
    if not first.startswith(HEADER):
        return {}
    try:
        found = json.loads(first[len(HEADER) :])
    except json.JSONDecodeError:
        return {}
    return found if isinstance(found, dict) else {}


@lru_cache(maxsize=1)
def compiled_module() -> str:
    """The text of ``vue/compiled.mjs`` (empty when there is none)."""
    return COMPILED.read_text(encoding="utf-8") if COMPILED.exists() else ""


def stale() -> list[str]:
    """The templates whose source changed since the module was built, or that it lacks."""
    built = compiled_digests(compiled_module())
    return sorted(name for name, text in sources().items() if built.get(name) != digest(text))


@lru_cache(maxsize=1)
def _fresh() -> frozenset[str]:
    return frozenset(sources()) - frozenset(stale())


def templates_module() -> Module:
    """A new widget of the compiled module; the page makes one (:func:`use_compiled_templates`)."""
    return Module(name=MODULE_NAME, code=compiled_module(), dependencies=[])


def _compiled_page() -> Module:
    """This page's module widget, with Solara's router and title templates registered compiled."""
    registry = importlib.import_module("ipyvue.Template").template_registry  # per page under Solara's server
    for name in (SOLARA_ROUTER, SOLARA_TITLE):
        if name in _fresh():
            registry[template_file(SOLARA_WIDGETS[name])] = ipyvue.Template(esm_module=MODULE_NAME, esm_export=name)
    return templates_module()


def use_compiled_templates() -> None:
    """Give this page the compiled module, once: call it first in the page's root component.

    Made in the component's body, not inside a widget's construction, the module lives as long
    as the page (a widget made while another is constructed is closed with that one), and
    Solara's router and title, made after every component's body has run, find their
    templates compiled.
    """
    solara.use_memo(_compiled_page, [])


def template(name: str) -> ipyvue.Template | str:
    """What a widget of template ``name`` sends: the compiled module's component, or else the source.

    A new ``Template`` widget for each widget: it is closed with the widget that made it.
    """
    if name not in sources():
        raise KeyError(f"no Vue template named {name!r} in {FOLDER}")
    if name not in _fresh():
        return sources()[name]
    return ipyvue.Template(esm_module=MODULE_NAME, esm_export=name)


class CompiledTemplate(ipyvuetify.VuetifyTemplate):
    """A Vuetify template widget whose template is ``vue/<template_name>.vue``, compiled beforehand (see module doc)."""

    template_name: ClassVar[str]

    def __init__(self, **kwargs: Any) -> None:
        self.template = template(self.template_name)
        super().__init__(**kwargs)
