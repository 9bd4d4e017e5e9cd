"""The controls panel: a slider or switch for every lever and uncertainty, grouped as in the registry."""

from __future__ import annotations

from collections.abc import Callable

import reacton.ipyvuetify as rv
import solara

from abm.lever_guide import label, search_levers
from abm.parameters import Parameter
from abm.scenario import Scenario
from webapp.catalogue import CONTROLS, LEVERS, OPEN_GROUP, PLAN, SWITCH, UNCERTAINTIES
from webapp.components.html import div, span
from webapp.numbers import decimals, slider_step, value_text
from webapp.palette import CURRENT_COLOUR
from webapp.state import Settings, preset_scenario
from webapp.text import LANGUAGES, Words

SLIDER_INSET_PX = 10  # where the track starts inside the slider (half the thumb)


@solara.component
def InfoButton(name: str, words: Words, on_guide: Callable[[str], None]) -> None:  # noqa: N802
    """The small "i" that opens the guide to a lever (a button: it works by touch and keyboard, not on hover)."""
    button = rv.Btn(
        icon="mdi-information-outline",  # the button's own icon: no separate icon widget
        variant="text",
        size="small",
        density="compact",
        class_=f"sq-info sq-info-{name}",
        attributes={"title": words("guide.open"), "aria-label": words("guide.open")},
    )
    rv.use_event(button, "click", lambda *_: on_guide(name))


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


@solara.component
def SliderControl(  # noqa: N802
    p: Parameter,
    value: float,
    preset_value: float,
    plan_value: float,
    words: Words,
    on_commit: Callable[[str, float], None],
    on_guide: Callable[[str], None],
) -> None:
    """A lever or uncertainty as a slider: label, value with unit, range from the registry, plan value marked.

    While the thumb is dragged only the value shown beside the label follows it; the value is
    sent when the thumb is released, or at once when it is moved with the keyboard.
    """
    shown_while_dragging, set_shown = solara.use_state(None)
    dragging = solara.use_ref(False)
    shown = value if shown_while_dragging is None else shown_while_dragging
    assert p.low is not None and p.high is not None
    step = slider_step(p)
    digits = decimals(step)

    def commit(data: object) -> None:
        set_shown(None)
        try:
            number = round(float(data), digits)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return
        on_commit(p.name, number)

    def on_value(data: float) -> None:
        if dragging.current:
            set_shown(data)
        else:  # keyboard
            commit(data)

    def on_start(*_args: object) -> None:
        dragging.current = True

    def on_end(_widget: object, _event: str, data: object) -> None:
        dragging.current = False
        commit(data)

    modified = " sq-modified" if value != preset_value else ""
    with div(f"sq-control sq-param-{p.name}{modified}"):
        with div("sq-control-head", title=words.hint(p.name)):
            span("sq-control-label", words.param(p.name))
            InfoButton(p.name, words, on_guide)
            span("sq-control-value", value_text(p, shown, words))
        slider = rv.Slider(
            v_model=value,
            on_v_model=on_value,
            min=p.low,
            max=p.high,
            step=step,
            hide_details=True,
            density="compact",
            color=CURRENT_COLOUR,
            track_color="#c5cdd8",
            thumb_size=16,
            class_="sq-slider",
        )
        rv.use_event(slider, "start", on_start)
        rv.use_event(slider, "end", on_end)
        with div("sq-scale"):
            for cls, content, attributes in scale_parts(p, plan_value, words):
                span(cls, content, **attributes)


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


@solara.component
def SwitchControl(  # noqa: N802
    p: Parameter,
    value: float,
    preset_value: float,
    plan_value: float,
    words: Words,
    on_commit: Callable[[str, float], None],
    on_guide: Callable[[str], None],
) -> None:
    """A lever of unit 'switch' (0/1) as an on/off switch, the plan's setting named beside it."""
    modified = " sq-modified" if value != preset_value else ""
    with div(f"sq-control sq-switch-control sq-param-{p.name}{modified}"):
        with div("sq-control-head", title=words.hint(p.name)):
            span("sq-control-label", words.param(p.name))
            InfoButton(p.name, words, on_guide)
            span("sq-plan-inline", words("controls.plan_mark", value=value_text(p, plan_value, words)))
        rv.Switch(
            v_model=value >= 0.5,
            on_v_model=lambda on: on_commit(p.name, 1.0 if on else 0.0),
            label=value_text(p, value, words),
            inset=True,
            density="compact",
            hide_details=True,
            color=CURRENT_COLOUR,
            class_="sq-switch mt-0",
        )


def _groups(params: list[Parameter]) -> dict[str, list[Parameter]]:
    """Parameters by their registry group, groups and parameters in registry order."""
    groups: dict[str, list[Parameter]] = {}
    for p in params:
        groups.setdefault(p.group, []).append(p)
    return groups


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
    restores the panels as they were. A group's controls are made when it is first opened or
    searched (then kept), so a new page makes only the open group's controls.
    """
    preset_values = preset_scenario(settings.preset).values
    plan_values = preset_scenario(PLAN).values
    sections = [("controls.levers", LEVERS), ("controls.uncertainties", UNCERTAINTIES)]
    # which panels are open is this session's own state, kept when the page is drawn again
    open_panels, set_open_panels = solara.use_state(
        {title: [i for i, g in enumerate(_groups(params)) if g == OPEN_GROUP] for title, params in sections}
    )
    # a group's controls are made when it is first opened (by hand or by a search) and then kept:
    # the page's first drawing makes only the open group's controls
    made, set_made = solara.use_state(frozenset({OPEN_GROUP}))
    query, set_query = solara.use_state("")
    shown = solara.use_memo(lambda: matching(query, words.lang), [query, words.lang])

    def keep_found() -> None:
        if shown:
            set_made(lambda now: now | {p.group for p in CONTROLS if p.name in shown})

    solara.use_effect(keep_found, [shown])
    with div("sq-controls"):
        rv.TextField(
            v_model=query,
            on_v_model=lambda text: set_query(text or ""),
            placeholder=words("search.placeholder"),
            prepend_inner_icon="mdi-magnify",
            clearable=True,
            hide_details=True,
            density="compact",
            variant="outlined",
            class_="sq-search",
        )
        if shown == []:
            div("sq-no-match", [words("search.none", query=query.strip())])
        with div("sq-controls-head"):
            span("sq-controls-preset", words("controls.from", preset=words(f"preset.{settings.preset}")))
            if settings.overrides:
                span("sq-modified-tag", words("controls.changed", n=len(settings.overrides)))
                solara.Button(
                    words("preset.reset"), on_click=on_reset, text=True, icon_name="mdi-restore", classes=["sq-reset"]
                )
        searching = shown is not None
        # every group a search shows is open: its controls are made now, and kept once the search is cleared
        found = frozenset(p.group for p in CONTROLS if searching and p.name in shown)
        made_now = made | found
        for title, all_params in sections:
            params = all_params if shown is None else [p for p in all_params if p.name in shown]
            if not params:
                continue
            div("sq-section-title", [words(title)])
            groups = list(_groups(params))

            def on_open(opened: list[int], title: str = title, groups: list[str] = groups) -> None:
                if searching:
                    return
                set_open_panels(lambda now: {**now, title: list(opened)})
                set_made(lambda now: now | {groups[i] for i in opened})

            with rv.ExpansionPanels(
                multiple=True,
                variant="accordion",
                flat=True,
                v_model=list(range(len(_groups(params)))) if searching else open_panels[title],
                on_v_model=on_open,
                class_="sq-panels",
            ):
                for group, members in _groups(params).items():
                    changed = sum(scenario.values[p.name] != preset_values[p.name] for p in members)
                    with rv.ExpansionPanel(class_=f"sq-group sq-group-{group}"):
                        with rv.ExpansionPanelTitle(class_="sq-group-header"), div("sq-group-title"):
                            span("", words(f"group.{group}"))
                            if changed:
                                span("sq-changed-badge", words("controls.changed", n=changed))
                        with rv.ExpansionPanelText():
                            for p in members if group in made_now else []:
                                control = SwitchControl if p.unit == SWITCH else SliderControl
                                control(
                                    p,
                                    scenario.values[p.name],
                                    preset_values[p.name],
                                    plan_values[p.name],
                                    words,
                                    on_commit,
                                    on_guide,
                                )
