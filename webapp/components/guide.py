"""The guide to one lever: where it comes from in the plan, what it is, its values and its measured effect."""

from __future__ import annotations

import math
from collections.abc import Callable

import solara

from abm.lever_guide import LeverGuide, MeasuredEffect, lever_guide
from abm.scenario import Scenario
from experiments.effects import mechanism
from webapp.catalogue import EFFECTS_HOUSEHOLDS, EFFECTS_MEMBERS, PRESETS, REGISTRY
from webapp.components.html import div, span
from webapp.numbers import fmt, money_text, value_text
from webapp.text import Words

LOW_TO_HIGH = "low_to_high"  # the effects table's comparison shown: the lever across its whole range
SIGN_KEYS = {"-": "sign_down", "+": "sign_up", "0": "sign_none"}


def mechanism_key(name: str) -> str:
    """The app's words key of the way lever ``name`` acts (agents' choices, rules on agents, fixed paths, timing)."""
    slug = mechanism(name).replace("'", "").replace(" ", "_")
    return f"guide.mechanism.{slug}"


def effect_lines(guide: LeverGuide, effect: MeasuredEffect, words: Words) -> list[str]:
    """The measured effect in words: the change of CO2 in 2030 with its band, the spending, yuan per tonne."""
    p = REGISTRY[guide.name]
    lines = [
        words(
            "guide.effect_co2",
            start=value_text(p, effect.start, words),
            end=value_text(p, effect.end, words),
            delta=f"{effect.delta_co2_2030_mt:+.2f}",
            q05=f"{effect.delta_co2_2030_mt_q05:+.2f}",
            q95=f"{effect.delta_co2_2030_mt_q95:+.2f}",
            unit=words("unit.MtCO2"),
        )
    ]
    if math.isfinite(effect.fiscal_cost) and effect.fiscal_cost != 0:
        lines.append(words("guide.effect_fiscal", value=money_text(effect.fiscal_cost, words)))
    if math.isfinite(effect.yuan_per_tonne):
        lines.append(words("guide.effect_per_tonne", value=fmt(effect.yuan_per_tonne, 0)))
    return lines


def _row(label: str, *children: object, cls: str = "") -> solara.Element:
    return div(f"sq-guide-row {cls}".strip(), [div("sq-guide-label", [label]), div("sq-guide-value", list(children))])


@solara.component
def GuidePanel(  # noqa: N802
    name: str, scenario: Scenario, words: Words, on_close: Callable[[], None]
) -> None:
    """A side sheet with the guide to lever (or uncertainty) ``name``; closing it returns to the page as it was."""
    guide = solara.use_memo(lambda: lever_guide(name, words.lang), [name, words.lang])
    p = REGISTRY[name]
    with div(f"sq-guide sq-guide-{name}", role="dialog", **{"aria-label": guide.label}):
        with div("sq-guide-head"):
            div("sq-guide-title", [guide.label])
            solara.Button(
                words("guide.close"), icon_name="mdi-close", text=True, on_click=on_close, classes=["sq-guide-close"]
            )
        with div("sq-guide-body"):
            div("sq-guide-meaning", [guide.meaning])
            if guide.relation != "none":
                with div("sq-guide-plan"):
                    div("sq-guide-label", [words("guide.plan", section=guide.section)])
                    div("sq-guide-sentence", [guide.sentence])
                    if words.lang != "zh":
                        div("sq-guide-original", [words("guide.original"), " ", guide.sentence_zh])
            _row(words("guide.relation"), words(f"guide.relation.{guide.relation}"), cls="sq-guide-relation")
            assert p.low is not None and p.high is not None
            _row(
                words("guide.range"),
                f"{value_text(p, p.low, words, unit=False)} – {value_text(p, p.high, words)}",
                cls="sq-guide-range",
            )
            values = [
                span("sq-guide-preset", f"{words(f'preset.{preset}')}: {value_text(p, scenario_value, words)}")
                for preset, scenario_value in guide.presets.items()
                if preset in PRESETS
            ]
            values.append(
                span("sq-guide-current", words("guide.current", value=value_text(p, scenario.values[name], words)))
            )
            _row(words("guide.values"), *values, cls="sq-guide-values")
            if guide.kind == "lever":  # an uncertainty is a fact about the future: it acts through no one
                channel = [div("", [words(mechanism_key(name))])]
                if words.lang != "zh" and guide.channel:
                    channel.append(div("sq-guide-channel-text", [guide.channel]))
                _row(words("guide.channel"), *channel, cls="sq-guide-channel")
            if guide.expected_sign in SIGN_KEYS:
                _row(words("guide.sign"), words(f"guide.{SIGN_KEYS[guide.expected_sign]}"), cls="sq-guide-sign")
            effect = guide.effects.get(LOW_TO_HIGH)
            with div("sq-guide-effect"):
                div("sq-guide-label", [words("guide.effect")])
                if effect is None:
                    div("sq-guide-value", [words("guide.no_effect")])
                else:
                    for line in effect_lines(guide, effect, words):
                        div("sq-guide-value", [line])
                    div(
                        "sq-guide-measured",
                        [
                            words(
                                "guide.measured",
                                preset=words("preset.plan"),
                                members=EFFECTS_MEMBERS,
                                households=f"{EFFECTS_HOUSEHOLDS:,}",
                            )
                        ],
                    )
