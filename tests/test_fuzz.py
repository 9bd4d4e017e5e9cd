"""Fuzzing the file readers: any scenario or spec is either a clean error naming the file or a valid object.

Generated contents mix valid keys and values with wrong types, huge, fractional and negative
numbers, unknown keys, nested tables and strings with odd Unicode. Small valid specs are run
through ``suqian-abm sweep --workers 0``: they finish, and a refused spec leaves no folder.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abm.cli import main
from abm.parameters import registry
from abm.scenario import SECTIONS, Scenario, ScenarioError, load_scenario, parse_scenario
from experiments.spec import DESIGN_KEYS, DESIGNS, MAX_RUNS, ExperimentSpec, SpecError, load_spec, parse_spec

REG = registry()
NAMES = sorted(REG)
LEVERS = [p.name for p in REG.of_kind("lever")]
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

odd_text = st.text(
    alphabet=st.sampled_from(["a", "Z", "_", ".", "/", "5", "５", "٣", " ", "\t", "\n", "\x00", "é", "😀", "\u202e"]),
    max_size=12,
)
numbers = st.one_of(
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-1e6, 1e6).map(lambda x: round(x, 1)),
    st.sampled_from([0, 1, 2020, 2021.5, 2030, 2060, 1e308, -1e308, 10**9, 2**30]),
)
scalars = st.one_of(numbers, st.booleans(), odd_text)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(st.one_of(odd_text, st.sampled_from(NAMES)), scalars, max_size=2),
)
keys = st.one_of(st.sampled_from(NAMES), odd_text)


def in_range(name: str) -> st.SearchStrategy[object]:
    """A value the registry accepts for ``name`` (an int for whole-number units)."""
    p = REG[name]
    if not p.adjustable:
        return st.just(p.default)
    assert p.low is not None and p.high is not None
    if p.unit == "switch":
        return st.sampled_from([0, 1])
    if p.whole:
        return st.integers(int(p.low), int(p.high))
    return st.floats(p.low, p.high)


def setting() -> st.SearchStrategy[tuple[str, object]]:
    """A (key, value) pair: mostly registry names, with valid or wild values."""
    valid = st.sampled_from(NAMES).flatmap(lambda n: st.tuples(st.just(n), in_range(n)))
    return st.one_of(valid, valid, st.tuples(keys, values))


sections = st.lists(setting(), max_size=4).map(dict)
scenario_dicts = st.fixed_dictionaries(
    {},
    optional={
        "name": st.one_of(odd_text, scalars),
        "description": st.one_of(odd_text, scalars),
        **{section: st.one_of(sections, sections, values) for section in SECTIONS},
        "extra": values,
    },
)


def toml_value(value: object) -> str:
    """``value`` written as TOML (inline tables and arrays; JSON string escapes are TOML escapes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(data: dict[str, object]) -> str:
    return "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in data.items())


def check_scenario(result: Scenario) -> None:
    for name, value in result.values.items():
        p = REG[name]
        assert math.isfinite(value)
        if p.adjustable:
            assert p.low <= value <= p.high, name
            assert not p.whole or value == int(value), name
        else:
            assert value == p.default, name
    levers_set = any(result[p.name] != p.default for p in REG.of_kind("lever") if p.name != "policy_start_year")
    assert result["policy_start_year"] <= result["end_year"] or not levers_set


# scenarios ------------------------------------------------------------------------------------


@FUZZ
@given(data=scenario_dicts)
def test_parsed_scenario_is_valid_or_a_clean_error(data):
    try:
        result = parse_scenario(data, "fuzz.toml")
    except ScenarioError as err:
        assert "fuzz.toml" in str(err)
        assert all("fuzz.toml" in line for line in str(err).splitlines() if not line.startswith("  "))
    else:
        check_scenario(result)


@FUZZ
@given(data=scenario_dicts, tail=st.one_of(st.just(b""), st.binary(max_size=8)))
def test_scenario_file_is_valid_or_a_clean_error_naming_it(tmp_path_factory, data, tail):
    path = tmp_path_factory.mktemp("scenario") / "fuzz.toml"
    path.write_bytes(toml_document(data).encode("utf-8", "surrogatepass") + tail)
    try:
        result = load_scenario(path)
    except ScenarioError as err:
        assert str(path) in str(err)
    else:
        check_scenario(result)


# specs ----------------------------------------------------------------------------------------------


def valid_range(name: str) -> st.SearchStrategy[list[object]]:
    """A [low, high] inside the registry's range of an adjustable parameter."""
    p = REG[name]
    assert p.low is not None and p.high is not None
    inside = st.lists(in_range(name), min_size=2, max_size=2, unique=True).map(sorted)
    return st.one_of(inside, st.just([p.low, p.high]))


def factor_range(name: str) -> st.SearchStrategy[object]:
    p = REG[name]
    if not p.adjustable:
        return st.just([p.default, p.default + 1])
    return st.one_of(valid_range(name), valid_range(name), values)


factor_tables = st.lists(
    st.one_of(st.sampled_from(LEVERS + NAMES).flatmap(lambda n: st.tuples(st.just(n), factor_range(n)))),
    max_size=3,
).map(dict)
design_tables = st.fixed_dictionaries(
    {"kind": st.one_of(st.sampled_from(DESIGNS), scalars)},
    optional={
        "samples": st.one_of(st.integers(1, 2), numbers),
        "levels": st.one_of(st.just(2), numbers),
        "replications": st.one_of(st.integers(1, 2), numbers),
        "seed": st.one_of(st.integers(0, 2**32), numbers),
        "second_order": st.one_of(st.booleans(), scalars),
        "colour": values,
    },
)
output_tables = st.fixed_dictionaries(
    {},
    optional={
        "indicators": st.one_of(st.just(["gdp", "fiscal_cost"]), st.lists(odd_text, max_size=2), values),
        "sectors": st.one_of(st.just("all"), st.just(["total", "transport"]), st.lists(odd_text, max_size=2), values),
    },
)
wild_specs = st.fixed_dictionaries(
    {
        "households": st.one_of(st.just(10), st.just(12), numbers),
        "end_year": st.one_of(st.integers(2022, 2024), numbers),
        "design": st.one_of(design_tables, design_tables, values),
        "factors": st.one_of(factor_tables, factor_tables, values),
    },
    optional={
        "name": st.one_of(odd_text, scalars),
        "description": odd_text,
        "scenarios": st.one_of(
            st.just(["plan"]), st.just(["baseline", "plan"]), st.lists(odd_text, max_size=2), values
        ),
        "outputs": st.one_of(output_tables, output_tables, values),
        "extra": values,
    },
)
RUNNABLE = [n for n in LEVERS if n != "policy_start_year"]  # the plan's policies start in 2021
small_specs = st.fixed_dictionaries(
    {
        "households": st.just(10),
        "end_year": st.integers(2022, 2023),
        "scenarios": st.just(["plan"]),
        "design": st.fixed_dictionaries(
            {"kind": st.sampled_from(DESIGNS), "samples": st.just(1), "levels": st.just(2), "seed": st.integers(0, 9)}
        ),
        "factors": st.lists(
            st.sampled_from(RUNNABLE).flatmap(lambda n: st.tuples(st.just(n), valid_range(n))),
            min_size=2,
            max_size=2,
            unique_by=lambda pair: pair[0],
        ).map(dict),
        "outputs": st.one_of(
            st.just({}),
            st.just({"indicators": ["gdp", "fiscal_cost"], "sectors": "all"}),
            st.just({"sectors": ["total", "transport"]}),
        ),
    }
)


def mutated(spec: dict[str, object]) -> st.SearchStrategy[dict[str, object]]:
    """``spec`` with one entry (at the top or in a table) replaced by a wild value."""
    tables = [k for k, v in spec.items() if isinstance(v, dict)]

    def top(pair: tuple[str, object]) -> dict[str, object]:
        return {**spec, pair[0]: pair[1]}

    def inner(triple: tuple[str, str, object]) -> dict[str, object]:
        table, key, value = triple
        return {**spec, table: {**spec[table], key: value}}

    return st.one_of(
        st.tuples(st.sampled_from([*spec, "extra"]), values).map(top),
        st.tuples(st.sampled_from(tables), st.one_of(keys, st.sampled_from(sorted(DESIGN_KEYS))), values).map(inner),
    )


spec_dicts = st.one_of(wild_specs, small_specs, small_specs.flatmap(mutated))


def check_spec(spec: ExperimentSpec) -> None:
    assert 1 <= spec.runs <= MAX_RUNS
    for f in spec.factors:
        p = REG[f.name]
        assert p.low <= f.low < f.high <= p.high


@FUZZ
@given(data=spec_dicts)
def test_parsed_spec_is_valid_or_a_clean_error(data):
    try:
        spec = parse_spec(data, "fuzz.toml")
    except SpecError as err:
        assert "fuzz.toml" in str(err)
    else:
        check_spec(spec)


@settings(FUZZ, max_examples=15)
@given(data=spec_dicts)
def test_small_valid_specs_sweep_cleanly_and_refused_ones_write_nothing(tmp_path_factory, capsys, data):
    folder = tmp_path_factory.mktemp("sweep")
    path = folder / "fuzz.toml"
    path.write_text(toml_document(data), encoding="utf-8", errors="surrogatepass")
    out = folder / "out"
    try:
        spec = load_spec(path)
    except SpecError as err:
        assert str(path) in str(err)
        assert main(["sweep", str(path), "--out", str(out), "--workers", "0"]) == 2
        assert str(path) in capsys.readouterr().err
        assert not out.exists()
        return
    check_spec(spec)
    if spec.runs > 4 or spec.households > 20 or (spec.end_year or 2060) > 2024:
        return  # too slow to run here; the load alone was checked
    assert main(["sweep", str(path), "--out", str(out), "--workers", "0"]) == 0
    assert len(list(Path(out, "results").glob("part-*.parquet"))) == spec.runs
