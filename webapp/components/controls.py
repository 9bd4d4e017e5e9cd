"""The controls panel: a slider or switch for every lever and uncertainty, grouped as in the registry.

The panel is one widget (:class:`LeverPanel`, template ``vue/lever_panel.vue``) drawn by the browser:
a page's controls cost one widget instead of about fifteen each, so a page opens sooner and a
crowd of pages costs the server less. The server sends what the controls show (labels, ranges,
the plan's values, in the page's language), the scenario's values, and answers a search;
the browser reports a value set, the guide asked for, and a reset.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import solara
import traitlets

from abm.lever_guide import label, search_levers
from abm.parameters import Parameter
from abm.scenario import Scenario
from webapp.catalogue import CONTROL_NAMES, CONTROLS, LEVERS, OPEN_GROUP, PLAN, SWITCH, UNCERTAINTIES
from webapp.components.compiled import CompiledTemplate
from webapp.numbers import PERCENT, decimals, is_percent, slider_step, step_digits, value_text
from webapp.palette import CURRENT_COLOUR
from webapp.state import Settings, preset_scenario
from webapp.text import LANGUAGES, Words

SLIDER_INSET_PX = 10  # where the track starts inside the slider (half the thumb)


def matching(query: str, lang: str) -> list[str] | None:
    """The levers and uncertainties whose texts hold every word of ``query`` (None: no query, show all).

    Levers through :func:`abm.lever_guide.search_levers` (names, labels in both languages,
    meanings and the plan's sentences); uncertainties by name, labels and description.
    """
    if not query.strip():
        return None
    found = set(search_levers(query, lang))
    terms = [t.casefold() for t in query.split()]
    for p in UNCERTAINTIES:
        texts = [p.name, p.name.replace("_", " "), p.description, *(label(p.name, other) for other in LANGUAGES)]
        if all(any(t in text.casefold() for text in texts) for t in terms):
            found.add(p.name)
    return [p.name for p in [*LEVERS, *UNCERTAINTIES] if p.name in found]


def scale_parts(p: Parameter, plan_value: float, words: Words) -> list[tuple[str, str, dict[str, str]]]:
    """Under a slider, as (class, text, attributes): the plan's value marked on the track (▲), the range with
    its unit, the plan's value in words."""
    assert p.low is not None and p.high is not None
    frac = (plan_value - p.low) / (p.high - p.low) if p.high > p.low else 0.0
    left = f"left: calc({SLIDER_INSET_PX}px + (100% - {2 * SLIDER_INSET_PX}px) * {frac:.4f})"
    return [
        ("sq-plan-tick", "▲", {"style": left, "title": words("controls.plan_hint")}),
        ("sq-scale-range", f"{value_text(p, p.low, words, unit=False)} – {value_text(p, p.high, words)}", {}),
        ("sq-plan-text", words("controls.plan_mark", value=value_text(p, plan_value, words)), {}),
    ]


def _groups(params: list[Parameter]) -> dict[str, list[Parameter]]:
    """Parameters by their registry group, groups and parameters in registry order."""
    groups: dict[str, list[Parameter]] = {}
    for p in params:
        groups.setdefault(p.group, []).append(p)
    return groups


def _kind(p: Parameter) -> str:
    """How the browser shows and formats a control: "switch", "year" or "number"."""
    return SWITCH if p.unit == SWITCH else "year" if p.unit == "year" else "number"


def describe_control(p: Parameter, plan_value: float, words: Words) -> dict[str, object]:
    """What the browser needs to draw one control in ``words``' language (see ``vue/lever_panel.vue``).

    The value beside the label is formatted in the browser, as :func:`webapp.numbers.value_text`
    does: the value times ``scale``, ``text_digits`` decimals, then ``unit``; values sent back are
    rounded to ``digits`` decimals (the slider's step).
    """
    assert p.low is not None and p.high is not None
    step = slider_step(p)
    control: dict[str, object] = {
        "name": p.name,
        "kind": _kind(p),
        "label": words.param(p.name),
        "hint": words.hint(p.name),
        "min": p.low,
        "max": p.high,
        "step": step,
        "digits": decimals(step),
        "text_digits": step_digits(p),
        "scale": PERCENT if is_percent(p) else 1.0,
        "unit": words.unit(p.unit),
        "plan_text": words("controls.plan_mark", value=value_text(p, plan_value, words)),
    }
    if p.unit != SWITCH:
        tick, scale_range, _plan = scale_parts(p, plan_value, words)
        control["tick_style"] = tick[2]["style"]
        control["range_text"] = scale_range[1]
    return control


@lru_cache(maxsize=len(LANGUAGES))
def describe_panel(lang: str) -> tuple[dict[str, dict[str, object]], list[dict[str, object]], dict[str, str]]:
    """The panel's controls (by name), its sections with their groups, and its fixed texts, in ``lang``.

    Made once per language and shared by every page (not to be changed: they are sent as they are).
    """
    words = Words(lang)
    plan_values = preset_scenario(PLAN).values
    controls = {p.name: describe_control(p, plan_values[p.name], words) for p in CONTROLS}
    sections = [
        {
            "key": key,
            "title": words(title),
            "groups": [
                {"key": group, "title": words(f"group.{group}"), "names": [p.name for p in members]}
                for group, members in _groups(params).items()
            ],
        }
        for key, title, params in (
            ("levers", "controls.levers", LEVERS),
            ("uncertainties", "controls.uncertainties", UNCERTAINTIES),
        )
    ]
    texts = {
        "placeholder": words("search.placeholder"),
        "none": words("search.none", query="{query}"),
        "changed": words("controls.changed", n="{n}"),
        "reset": words("preset.reset"),
        "on": words("controls.on"),
        "off": words("controls.off"),
        "guide_open": words("guide.open"),
        "plan_hint": words("controls.plan_hint"),
    }
    return controls, sections, texts


class LeverPanel(CompiledTemplate):
    """The search box and every lever and uncertainty in expandable groups, drawn by the browser as one widget."""

    template_name = "lever_panel"
    controls = traitlets.Dict().tag(sync=True)  # name -> what describe_control gives
    sections = traitlets.List().tag(sync=True)  # [{key, title, groups: [{key, title, names}]}]
    texts = traitlets.Dict().tag(sync=True)
    values = traitlets.Dict().tag(sync=True)  # name -> the scenario's value
    preset_values = traitlets.Dict().tag(sync=True)  # name -> the preset's value (changed controls are marked)
    preset_text = traitlets.Unicode("").tag(sync=True)
    changed_text = traitlets.Unicode("").tag(sync=True)  # empty: nothing changed (no reset button)
    initially_open = traitlets.List().tag(sync=True)  # the groups open when the page opens
    colour = traitlets.Unicode(CURRENT_COLOUR).tag(sync=True)
    lang = traitlets.Unicode("en").tag(sync=True)
    query = traitlets.Unicode("").tag(sync=True)  # the search box, as typed in the browser
    shown = traitlets.List(allow_none=True, default_value=None).tag(sync=True)  # what the search finds (None: all)
    on_commit = traitlets.Callable(allow_none=True, default_value=None)
    on_reset = traitlets.Callable(allow_none=True, default_value=None)
    on_guide = traitlets.Callable(allow_none=True, default_value=None)

    @traitlets.observe("query", "lang")
    def _search(self, _change: object) -> None:
        self.shown = matching(self.query, self.lang)

    def vue_commit(self, data: object = None) -> None:
        """The browser set a control: ``{"name": ..., "value": ...}`` (anything else is ignored)."""
        if not isinstance(data, dict) or data.get("name") not in self.controls or self.on_commit is None:
            return
        try:
            value = float(data["value"])
        except (TypeError, ValueError, KeyError):
            return
        self.on_commit(str(data["name"]), value)

    def vue_reset(self, _data: object = None) -> None:
        if self.on_reset is not None:
            self.on_reset()

    def vue_guide(self, name: object = None) -> None:
        if name in self.controls and self.on_guide is not None:
            self.on_guide(str(name))


@solara.component
def ControlPanel(  # noqa: N802
    settings: Settings,
    scenario: Scenario,
    words: Words,
    on_commit: Callable[[str, float], None],
    on_reset: Callable[[], None],
    on_guide: Callable[[str], None],
) -> None:
    """A search box, then the levers grouped by their registry group and the uncertainties, in expandable panels.

    Typing in the search box shows only the matching controls, their groups open; clearing it
    restores the panels as they were. A group's controls are drawn when it is first opened.
    """
    controls, sections, texts = describe_panel(words.lang)
    preset_values = preset_scenario(settings.preset).values
    changed = words("controls.changed", n=len(settings.overrides)) if settings.overrides else ""
    LeverPanel.element(
        controls=controls,
        sections=sections,
        texts=texts,
        values={name: scenario.values[name] for name in CONTROL_NAMES},
        preset_values={name: preset_values[name] for name in CONTROL_NAMES},
        preset_text=words("controls.from", preset=words(f"preset.{settings.preset}")),
        changed_text=changed,
        initially_open=[OPEN_GROUP],
        lang=words.lang,
        on_commit=on_commit,
        on_reset=on_reset,
        on_guide=on_guide,
    )
