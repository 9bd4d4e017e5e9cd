"""Lever effects: each lever moved on its own, with common random numbers, and the plan's gap split by group.

For every lever (or those chosen) the scenario runs with the lever at its registry low and
at its high, and at its baseline value (the resolved value in ``baseline.toml``) and at the
scenario's value; every other setting stays as the scenario has it. Member ``i`` of the
ensemble uses the same seed in every setting (``member_seeds``), so the difference between
two settings of one member is a paired difference: common random numbers, as far as the
model's draws line up between settings. A setting met twice (the scenario's value is the
registry low, say) is run once and shared, so its paired difference with itself is exactly 0.

``effects.csv``, one row per lever and comparison (``low_to_high``, ``baseline_to_scenario``):
deltas are ``to`` minus ``from``, in MtCO2, as the mean over members with the 5 % and 95 %
quantiles of the paired differences (``_q05``, ``_q95``):

* ``delta_co2_2030_mt``: CO2 with net imported electricity (sector total) in 2030;
* ``delta_co2_territorial_2030_mt``: territorial CO2 in 2030;
* ``delta_cumulative_2021_2035_mt`` and ``delta_cumulative_2021_2060_mt``: CO2 with
  electricity summed over those years, blank when the run does not reach the last one;
* ``delta_fiscal_cost``: subsidies paid (the trajectory's ``fiscal_cost``, total), summed
  over 2021 to the end year, 100 million yuan;
* ``yuan_per_tonne_avoided``: the mean fiscal delta over the mean CO2 avoided (with
  electricity) over the same years, in yuan per tCO2; blank when nothing is avoided, 0 for
  a lever that costs the budget nothing, negative when it saves subsidies as it avoids CO2;
* ``expected_sign`` from the registry and ``sign_ok``: on ``low_to_high`` rows true unless
  the whole 5-95 % band lies on the wrong side of zero (above 0 for ``-``, below 0 for
  ``+``); for ``0`` true when the band holds 0. The band judged is that of the cumulative
  2021-2035 delta when the run reaches 2035 (it sees levers that act after 2030, such as
  ``coal_exit_year`` and ``carbon_price_2060``), else that of the 2030 delta. On
  ``baseline_to_scenario`` rows the expected sign is turned round when the scenario lowers
  the lever, and ``sign_ok`` is blank when it keeps the baseline value.

``policy_start_year`` above the end year is capped at the end year (a run must reach the
year its policies start).

Wedges (``wedges.csv``, ``wedges.png``) split the scenario-vs-baseline gap in 2030 by the
registry's instrument groups, one group at a time from the baseline: the reference is the
scenario with every lever at its baseline value; each group's wedge is the change when
only that group's levers take the scenario's values; the residual is the whole gap less
the wedges, what the groups do together beyond their separate effects (``policy_start_year``,
in the ``policy`` group, moves when every other group's instruments start, so much of its
effect shows there). The same gap is split a second way, by mechanism: the levers that act
through agents' choices, the rules applied to agents when they renew, buy or move
(standards and mandates), the fixed paths the government sets where no agent decides
(capacities, ramps, sinks), and the policy start year (see :func:`mechanism`);
each again alone from the reference, with the residual. ``wedges.csv`` says which split a
row belongs to (``split``: ``group`` or ``mechanism``). ``effects.png`` shows the
low-to-high deltas with their bands.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from abm.figures import save
from abm.model import DEFAULT_HOUSEHOLDS
from abm.outputs import staged_folder
from abm.parameters import registry
from abm.run import run
from abm.scenario import Scenario, load_scenario
from experiments.ensemble import member_seeds
from experiments.runner import map_in_processes

MAX_MEMBERS = 1_000
YEAR = 2030
FIRST = 2021  # first year the cumulative sums and fiscal costs count
WINDOWS = (2035, 2060)  # last years of the cumulative sums
HEADLINE, TERRITORIAL, FISCAL = "co2_with_electricity", "co2_territorial", "fiscal_cost"
COMPARISONS = ("low_to_high", "baseline_to_scenario")
MEASURES = (
    "delta_co2_2030_mt",
    "delta_co2_territorial_2030_mt",
    "delta_cumulative_2021_2035_mt",
    "delta_cumulative_2021_2060_mt",
    "delta_fiscal_cost",
)
COLUMNS = [
    "lever",
    "comparison",
    "from",
    "to",
    "unit",
    *[f"{m}{s}" for m in MEASURES for s in ("", "_q05", "_q95")],
    "yuan_per_tonne_avoided",
    "expected_sign",
    "sign_ok",
]
TOLERANCE = 1e-9  # Mt: a band edge this close to zero counts as zero

Setting = tuple[tuple[str, float], ...]  # lever overrides, sorted by name


@dataclass(frozen=True)
class Outcome:
    """What one run of one setting contributes: the yearly series the effects are made of."""

    co2: dict[int, float]  # CO2 with net imported electricity, total, Mt
    territorial: dict[int, float]  # territorial CO2, total, Mt
    fiscal: dict[int, float]  # subsidies paid, 100 million yuan


@dataclass(frozen=True)
class Effects:
    """The effects table, the wedges table and what produced them."""

    scenario: str
    members: int
    end_year: int
    table: pd.DataFrame
    wedges: pd.DataFrame


def lever_names() -> list[str]:
    """Every lever of the registry, in registry order."""
    return [p.name for p in registry().of_kind("lever")]


def check_levers(names: Sequence[str] | None) -> list[str]:
    """The levers to study: ``names`` checked against the registry (every lever if None or empty)."""
    known = lever_names()
    if not names:
        return known
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"--levers: not a lever of the registry: {', '.join(unknown)}; levers: {', '.join(known)}")
    return list(dict.fromkeys(names))


def check_members(members: int) -> int:
    """``members`` if it is between 1 and :data:`MAX_MEMBERS`; ValueError otherwise."""
    if not 1 <= members <= MAX_MEMBERS:
        raise ValueError(f"--members must be between 1 and {MAX_MEMBERS:,}, got {members}")
    return members


def _key(overrides: Mapping[str, float]) -> Setting:
    return tuple(sorted((k, float(v)) for k, v in overrides.items()))


def _outcome(task: tuple[str, int | None, Setting, int, int]) -> Outcome:
    """Run one setting of one member (in a worker process: only names and numbers travel)."""
    scenario_ref, end_year, setting, seed, households = task
    scenario = _scenario(scenario_ref, end_year).with_settings(dict(setting), where="lever effects")
    t = run(scenario, seed=seed, households=households).trajectory
    total = t[t["sector"] == "total"]

    def series(indicator: str) -> dict[int, float]:
        rows = total[total["indicator"] == indicator]
        return {int(y): float(v) for y, v in zip(rows["year"], rows["value"], strict=True)}

    return Outcome(series(HEADLINE), series(TERRITORIAL), series(FISCAL))


def _scenario(scenario_ref: str, end_year: int | None) -> Scenario:
    scenario = load_scenario(scenario_ref)
    return scenario.with_settings({"end_year": end_year}, where="--end-year") if end_year is not None else scenario


def _capped(name: str, value: float, end_year: int) -> float:
    return min(value, float(end_year)) if name == "policy_start_year" else value


def _cumulative(series: Mapping[int, float], last: int) -> float:
    return float(sum(v for y, v in series.items() if FIRST <= y <= last))


def _measures(a: Outcome, b: Outcome, end_year: int) -> dict[str, float]:
    """``b`` minus ``a`` for each measure (NaN where the run is too short)."""
    row = {
        "delta_co2_2030_mt": b.co2[YEAR] - a.co2[YEAR],
        "delta_co2_territorial_2030_mt": b.territorial[YEAR] - a.territorial[YEAR],
        "delta_fiscal_cost": _cumulative(b.fiscal, end_year) - _cumulative(a.fiscal, end_year),
        "delta_cumulative_run": _cumulative(b.co2, end_year) - _cumulative(a.co2, end_year),
    }
    for last in WINDOWS:
        delta = _cumulative(b.co2, last) - _cumulative(a.co2, last) if end_year >= last else float("nan")
        row[f"delta_cumulative_{FIRST}_{last}_mt"] = delta
    return row


def sign_ok(sign: str, q05: float, q95: float) -> bool:
    """True unless the band [q05, q95] lies wholly on the wrong side of zero; for ``0``, true when it holds zero.

    ``±`` (channels that pull opposite ways, each named in the registry) has no wrong side.
    """
    if sign == "±":
        return True
    if sign == "-":
        return q05 <= TOLERANCE
    if sign == "+":
        return q95 >= -TOLERANCE
    return q05 <= TOLERANCE and q95 >= -TOLERANCE


def sign_basis(end_year: int) -> str:
    """The measure ``sign_ok`` judges: the cumulative delta to 2035 when the run reaches it, else the 2030 delta."""
    return f"delta_cumulative_{FIRST}_{WINDOWS[0]}_mt" if end_year >= WINDOWS[0] else "delta_co2_2030_mt"


def _summary(deltas: list[dict[str, float]]) -> dict[str, float]:
    row: dict[str, float] = {}
    for measure in MEASURES:
        values = np.array([d[measure] for d in deltas], dtype=float)
        if np.isnan(values).any():
            row.update({measure: np.nan, f"{measure}_q05": np.nan, f"{measure}_q95": np.nan})
        else:
            row.update(
                {
                    measure: float(values.mean()),
                    f"{measure}_q05": float(np.quantile(values, 0.05)),
                    f"{measure}_q95": float(np.quantile(values, 0.95)),
                }
            )
    avoided = -float(np.mean([d["delta_cumulative_run"] for d in deltas]))
    row["yuan_per_tonne_avoided"] = row["delta_fiscal_cost"] * 1e8 / (avoided * 1e6) if avoided > TOLERANCE else np.nan
    return row


MECHANISMS = ("agents' choices", "rules on agents", "fixed paths", "policy timing")


def mechanism(name: str) -> str:
    """How a lever reaches CO2, from its registry channel.

    ``agents' choices``: agents weigh it in a decision (benefit-cost logit, hazard);
    ``rules on agents``: a standard or mandate applied when agents renew capacity, buy or
    move (channel ``rule: ...``); ``fixed paths``: quantities the government sets where no
    agent decides (channel ``fixed path: ...``); ``policy timing``: the policy start year.
    """
    p = registry()[name]
    if name == "policy_start_year":
        return "policy timing"
    if p.channel.startswith("fixed path:"):
        return "fixed paths"
    return "rules on agents" if p.channel.startswith("rule:") else "agents' choices"


def estimate(
    scenario: str,
    members: int,
    levers: Sequence[str] | None = None,
    households: int = DEFAULT_HOUSEHOLDS,
    root_seed: int = 1,
    end_year: int | None = None,
    workers: int = 1,
    progress: bool = True,
) -> Effects:
    """The effects of ``levers`` (every lever if None) in ``scenario`` (a built-in name or a file path)."""
    check_members(members)
    names = check_levers(levers)
    reg = registry()
    base = _scenario(scenario, end_year)
    last = int(base["end_year"])
    if last < YEAR:
        raise ValueError(f"--end-year must be {YEAR} or later (the effects are read in {YEAR}), got {last}")
    baseline = load_scenario("baseline")
    everything = lever_names()
    at_baseline = {n: _capped(n, baseline[n], last) for n in everything}

    # the settings each comparison needs, as overrides of the scenario; the scenario itself is ()
    comparisons: list[tuple[str, str, float, float, Setting, Setting]] = []
    for name in names:
        p = reg[name]
        assert p.low is not None and p.high is not None
        value = base[name]
        points = {
            "low_to_high": (_capped(name, p.low, last), _capped(name, p.high, last)),
            "baseline_to_scenario": (at_baseline[name], value),
        }
        for comparison, (a, b) in points.items():
            ka = () if a == value else _key({name: a})
            kb = () if b == value else _key({name: b})
            comparisons.append((name, comparison, a, b, ka, kb))
    reference = _key({n: at_baseline[n] for n in everything if at_baseline[n] != base[n]})
    groups = list(dict.fromkeys(reg[n].group for n in everything))
    wedge_settings = {
        g: _key({n: at_baseline[n] for n in everything if reg[n].group != g and at_baseline[n] != base[n]})
        for g in groups
    }
    mechanism_settings = {
        m: _key({n: at_baseline[n] for n in everything if mechanism(n) != m and at_baseline[n] != base[n]})
        for m in MECHANISMS
    }
    settings = list(
        dict.fromkeys(
            [
                (),
                reference,
                *wedge_settings.values(),
                *mechanism_settings.values(),
                *(s for c in comparisons for s in c[4:]),
            ]
        )
    )

    seeds = member_seeds(root_seed, members)
    tasks = [(scenario, end_year, s, seed, households) for seed in seeds for s in settings]
    outcomes = iter(_run_all(tasks, workers, progress))
    by = {(i, s): next(outcomes) for i in range(members) for s in settings}  # the order of ``tasks``
    ids = range(members)

    rows = []
    for name, comparison, a, b, ka, kb in comparisons:
        deltas = [_measures(by[i, ka], by[i, kb], last) for i in ids]
        sign = reg[name].expected_sign
        row = {"lever": name, "comparison": comparison, "from": a, "to": b, "unit": reg[name].unit}
        row.update(_summary(deltas))
        row["expected_sign"] = sign
        basis = sign_basis(last)
        if comparison == "baseline_to_scenario" and a == b:
            row["sign_ok"] = None
        else:
            turned = {"-": "+", "+": "-"}.get(sign, sign) if b < a else sign
            row["sign_ok"] = sign_ok(turned, row[f"{basis}_q05"], row[f"{basis}_q95"])
        rows.append(row)
    table = pd.DataFrame(rows, columns=COLUMNS)

    wedge_rows = []
    gap = np.array([by[i, ()].co2[YEAR] - by[i, reference].co2[YEAR] for i in ids])
    for split, split_settings in (("group", wedge_settings), ("mechanism", mechanism_settings)):
        parts = np.zeros(members)
        for part_name, setting in split_settings.items():
            part = np.array([by[i, setting].co2[YEAR] - by[i, reference].co2[YEAR] for i in ids])
            parts += part
            wedge_rows.append(_wedge_row(split, part_name, part))
        wedge_rows.append(_wedge_row(split, "residual (interaction)", gap - parts))
        wedge_rows.append(_wedge_row(split, "total gap", gap))
    wedges = pd.DataFrame(wedge_rows)
    reference_level = float(np.mean([by[i, reference].co2[YEAR] for i in ids]))
    wedges.attrs["reference_mt"] = reference_level
    return Effects(base.name, members, last, table, wedges)


def _wedge_row(split: str, part: str, values: np.ndarray) -> dict[str, object]:
    return {
        "split": split,
        "part": part,
        "delta_co2_2030_mt": float(values.mean()),
        "delta_co2_2030_mt_q05": float(np.quantile(values, 0.05)),
        "delta_co2_2030_mt_q95": float(np.quantile(values, 0.95)),
    }


def _run_all(tasks: list[tuple[str, int | None, Setting, int, int]], workers: int, progress: bool) -> list[Outcome]:
    """Every task's outcome, in order; in a process pool when ``workers`` > 1."""
    return map_in_processes(_outcome, tasks, workers, progress)


def draw_effects(effects: Effects) -> Figure:
    """Horizontal bars: the mean low-to-high delta of each lever with its 5-95 % band."""
    basis = sign_basis(effects.end_year)
    rows = effects.table[effects.table["comparison"] == "low_to_high"].iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, 1.6 + 0.28 * len(rows)))
    y = np.arange(len(rows))
    colours = ["C0" if ok else "firebrick" for ok in rows["sign_ok"]]
    mean = rows[basis].to_numpy()
    low, high = rows[f"{basis}_q05"].to_numpy(), rows[f"{basis}_q95"].to_numpy()
    ax.barh(y, mean, color=colours, alpha=0.8)
    ax.errorbar(mean, y, xerr=[mean - low, high - mean], fmt="none", ecolor="black", lw=1, capsize=2)
    ax.set_yticks(y, [f"{n} ({s})" for n, s in zip(rows["lever"], rows["expected_sign"], strict=True)], fontsize=8)
    ax.axvline(0, color="grey", lw=0.8)
    what = "2030 CO2" if basis == "delta_co2_2030_mt" else f"CO2 summed {FIRST}-{WINDOWS[0]}"
    ax.set_xlabel(f"change in {what} with net imported electricity, lever low to high (Mt)")
    ax.set_title(
        f"Lever effects in scenario '{effects.scenario}', {effects.members} members (bars: mean; lines: 5-95 %;"
        " red: sign not as expected)",
        fontsize=9,
    )
    fig.tight_layout()
    return fig


def draw_wedges(effects: Effects) -> Figure:
    """Waterfall from the scenario with baseline levers to the scenario in 2030: one wedge per group and the residual."""
    w = effects.wedges
    start = float(w.attrs.get("reference_mt", 0.0))
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8), sharey=True, gridspec_kw={"width_ratios": [3, 2]})
    titles = {"group": "by instrument group", "mechanism": "by mechanism"}
    for ax, split in zip(axes, ("group", "mechanism"), strict=True):
        _waterfall(ax, w[(w["split"] == split) & (w["part"] != "total gap")], start, effects.scenario)
        ax.set_title(titles[split], fontsize=9)
    axes[0].set_ylabel(f"CO2 with net imported electricity in {YEAR} (Mt)")
    fig.suptitle(
        f"The scenario-vs-baseline gap in {YEAR} (each part alone from the baseline levers; "
        f"mean of {effects.members} members)",
        fontsize=9,
    )
    fig.tight_layout()
    return fig


def _waterfall(ax: plt.Axes, parts: pd.DataFrame, start: float, scenario: str) -> None:
    """One waterfall: the reference bar, one bar per part, the scenario's bar."""
    level = start
    labels = ["levers at baseline"]
    ax.bar(0, start, color="grey", alpha=0.7)
    for i, (part, delta) in enumerate(zip(parts["part"], parts["delta_co2_2030_mt"], strict=True), start=1):
        colour = "grey" if part.startswith("residual") else ("C2" if delta < 0 else "C3")
        ax.bar(i, delta, bottom=level, color=colour, hatch="//" if part.startswith("residual") else None, alpha=0.85)
        level += delta
        labels.append(part)
    ax.bar(len(labels), level, color="C0", alpha=0.7)
    labels.append(f"scenario '{scenario}'")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right", fontsize=8)
    spread = abs(start - level) + 1.0
    ax.set_ylim(max(min(start, level) - 0.3 * spread, 0.0), max(start, level) + 0.15 * spread)


def _band(row: Mapping[str, object], measure: str) -> str:
    """``mean [q05, q95]`` of one measure, in two decimals."""
    mean, q05, q95 = (float(row[f"{measure}{s}"]) for s in ("", "_q05", "_q95"))  # type: ignore[arg-type]
    if np.isnan(mean):
        return "n/a"
    return f"{mean:+.2f} [{q05:+.2f}, {q95:+.2f}]"


def markdown_table(table: pd.DataFrame, comparison: str = "low_to_high") -> str:
    """The effects of one comparison as a markdown table, one lever a row, in the registry's order."""
    lines = [
        "| lever | acts through | from → to | Δ CO2 2030 (Mt) | Δ CO2 2021–2035 (Mt) | Δ CO2 2021–2060 (Mt)"
        " | Δ fiscal cost (100 M yuan) | yuan/t avoided | expected | agrees |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    rows = table[table["comparison"] == comparison]
    for row in rows.to_dict("records"):
        name = str(row["lever"])
        cost, fiscal = row["yuan_per_tonne_avoided"], float(row["delta_fiscal_cost"])
        # a cost per tonne means something only when the lever costs money (above 1 million yuan)
        per_tonne = "" if pd.isna(cost) or fiscal < 0.01 else f"{float(cost):,.0f}"
        agrees = "" if pd.isna(row["sign_ok"]) else ("yes" if bool(row["sign_ok"]) else "**no**")
        lines.append(
            f"| `{name}` | {mechanism(name)} | {row['from']:g} → {row['to']:g} {row['unit']} "
            f"| {_band(row, 'delta_co2_2030_mt')} | {_band(row, 'delta_cumulative_2021_2035_mt')} "
            f"| {_band(row, 'delta_cumulative_2021_2060_mt')} | {float(row['delta_fiscal_cost']):+.1f} "
            f"| {per_tonne} | `{row['expected_sign']}` | {agrees} |"
        )
    return "\n".join(lines)


def markdown_wedges(wedges: pd.DataFrame, split: str) -> str:
    """One split of the wedges as a markdown table."""
    lines = ["| part | Δ CO2 2030 (Mt) | 5–95 % |", "|---|---|---|"]
    for row in wedges[wedges["split"] == split].to_dict("records"):
        lines.append(
            f"| {row['part']} | {float(row['delta_co2_2030_mt']):+.2f} "
            f"| {float(row['delta_co2_2030_mt_q05']):+.2f} to {float(row['delta_co2_2030_mt_q95']):+.2f} |"
        )
    return "\n".join(lines)


def write_effects(effects: Effects, out: Path, overwrite: bool = False) -> None:
    """effects.csv, wedges.csv, effects.png and wedges.png, written all or nothing."""
    with staged_folder(out, overwrite, kind="effects") as tmp:
        effects.table.to_csv(tmp / "effects.csv", index=False, float_format="%.6g")
        effects.wedges.to_csv(tmp / "wedges.csv", index=False, float_format="%.6g")
        save(draw_effects(effects), tmp / "effects.png")
        save(draw_wedges(effects), tmp / "wedges.png")
