"""Browser app: choose a scenario, move the plan's instruments, see emissions and the scorecard.

Start with ``solara run app.py``. The app holds no model logic: it builds a scenario
from the registry's levers and calls :func:`abm.run.run`, the same entry point as the CLI.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import solara

from abm.model import DEFAULT_HOUSEHOLDS
from abm.parameters import registry
from abm.run import RunResult, run
from abm.scenario import ScenarioError, builtin_names, load_scenario
from abm.scorecard import HEADLINE, series

LEVERS = [p for p in registry().of_kind("lever") if p.name != "policy_start_year"]

preset = solara.reactive("plan")
settings = solara.reactive(dict(load_scenario("plan").levers()))


def simulate(preset_name: str, lever_values: dict[str, float]) -> tuple[RunResult, RunResult]:
    """Run the chosen settings and the baseline with the same seed."""
    scenario = load_scenario(preset_name).with_settings(lever_values, where="app")
    return run(scenario, seed=1, households=DEFAULT_HOUSEHOLDS), run("baseline", seed=1, households=DEFAULT_HOUSEHOLDS)


@solara.component
def LeverControl(name: str) -> None:  # noqa: N802 (Solara components are capitalised)
    p = registry()[name]
    value = settings.value[name]

    def set_value(new: float) -> None:
        settings.value = {**settings.value, name: float(new)}

    if p.unit == "switch":
        solara.Checkbox(label=p.description, value=bool(value), on_value=lambda on: set_value(1.0 if on else 0.0))
    else:
        assert p.low is not None and p.high is not None
        step = (p.high - p.low) / 100.0 if p.high > p.low else 1.0
        solara.SliderFloat(
            label=f"{p.description} ({p.unit})", value=value, min=p.low, max=p.high, step=step, on_value=set_value
        )


@solara.component
def Page() -> None:  # noqa: N802 (Solara looks up Page)
    solara.Title("Suqian carbon peak simulator")

    def choose(name: str) -> None:
        preset.value = name
        settings.value = dict(load_scenario(name).levers())

    result = solara.use_memo(
        lambda: _safe_simulate(preset.value, settings.value), dependencies=[preset.value, settings.value]
    )

    with solara.Sidebar():
        solara.Select(label="Preset", values=builtin_names(), value=preset.value, on_value=choose)
        for p in LEVERS:
            LeverControl(p.name)

    if isinstance(result, str):
        solara.Error(result)
        return
    current, baseline = result
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for label, res, style in (("current settings", current, "-"), ("baseline", baseline, "--")):
        s = series(res.trajectory, HEADLINE)
        ax.plot(s.index, s.to_numpy(), style, label=label)
    ax.axvline(2030, color="firebrick", ls="-.")
    ax.scatter([current.peak_year], [current.peak_mt], color="black", zorder=5)
    ax.set_ylabel("CO2 including net imported electricity (Mt)")
    ax.legend()
    solara.Markdown(f"**Peak:** {current.peak_year}, {current.peak_mt:.1f} Mt (baseline {baseline.peak_year})")
    solara.FigureMatplotlib(fig)
    plt.close(fig)
    card = current.scorecard
    solara.Markdown(f"**Targets met:** {int(card['met'].sum())} of {len(card)}")
    solara.DataFrame(card)


def _safe_simulate(preset_name: str, lever_values: dict[str, float]) -> tuple[RunResult, RunResult] | str:
    try:
        return simulate(preset_name, lever_values)
    except ScenarioError as err:
        return str(err)
