"""Scenarios as files: which levers, uncertainties and parameters differ from the registry.

A scenario file is TOML::

    name = "plan"
    description = "The plan's instruments as written"
    [levers]
    ev_subsidy = 3000
    [context]
    carbon_price_2030 = 100
    [uncertainties]
    gdp_growth_2030 = 5.5
    [parameters]
    car_km = 11000

``[levers]`` are the city's instruments, ``[context]`` the national and provincial ones
(registry kind ``context``). Every key is checked against the registry: unknown keys, keys in the wrong section,
values of the wrong type and values out of range are rejected with a message naming
the file, the key and the allowed range; a file with several problems reports them all,
one line each. Dotted names may be written as nested tables (``[parameters.energy_2020]``).
``--set name=value`` goes through the same check, and a name given twice is refused.

A parameter's value is, in order of precedence: the scenario's setting, the shipped
calibration's point estimate (``abm/calibrated.py``; skipped with ``calibrated=False``)
and the registry default.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from abm.calibrated import calibrated_values, calibration_file
from abm.files import read_toml
from abm.parameters import Parameter, ParameterValueError, Registry, registry, show

SECTIONS = {"levers": "lever", "context": "context", "uncertainties": "uncertainty", "parameters": "parameter"}
TOP_LEVEL = {"name", "description", *SECTIONS}
MAX_NAME_CHARS = 200  # names become parts of output folder names
MAX_DESCRIPTION_CHARS = 10_000


class ScenarioError(ValueError):
    """A scenario file or setting is invalid; the message names where and why."""


def joined(origin: str, problems: list[str]) -> str:
    """One message for several problems of one file: a heading, then one line per problem."""
    if len(problems) == 1:
        return problems[0]
    return f"{origin}: {len(problems)} problems:\n" + "\n".join(f"  {p}" for p in problems)


def name_problem(value: object, key: str, where: str) -> str | None:
    """Why ``value`` cannot be a name (of a scenario or experiment), or None when it can.

    A name is 1 to MAX_NAME_CHARS characters, printable, without ``/`` or ``\\`` (it becomes
    part of a folder name) and not ``.`` or ``..``.
    """
    if not isinstance(value, str):
        return f"{where}: '{key}' must be a string, got {show(value)}"
    if not value.strip() or len(value) > MAX_NAME_CHARS:
        return f"{where}: '{key}' must have 1 to {MAX_NAME_CHARS} characters, got {len(value)}"
    if value.strip() in (".", "..") or any(c in "/\\" or unicodedata.category(c)[0] == "C" for c in value):
        return f"{where}: '{key}' {show(value)} must be printable text without '/' or '\\' (it names a folder)"
    return None


def flatten(table: Mapping[str, object], prefix: str = "") -> dict[str, object]:
    """Nested tables as dotted names: ``{"a": {"b": 1}}`` becomes ``{"a.b": 1}``.

    A name written twice, once quoted (``"a.b" = 1``) and once as a table (``[x.a] b = 2``),
    raises ScenarioError rather than letting one silently win.
    """
    flat: dict[str, object] = {}
    stack = [(prefix, table)]
    while stack:
        head, current = stack.pop()
        for key, value in current.items():
            name = f"{head}{key}"
            if isinstance(value, Mapping) and value:
                stack.append((f"{name}.", value))
            elif name in flat:
                raise ScenarioError(f"'{name}' is given twice (as a quoted dotted key and as a table); give it once")
            else:
                flat[name] = value
    return flat


def builtin_dir() -> Path:
    """Folder of the built-in scenario files."""
    return Path(str(resources.files("abm").joinpath("scenarios")))


def builtin_names() -> list[str]:
    """Names of the built-in scenarios."""
    return sorted(p.stem for p in builtin_dir().glob("*.toml"))


@dataclass(frozen=True)
class Scenario:
    """A fully resolved scenario: a value for every registry parameter."""

    name: str
    description: str
    origin: str
    settings: Mapping[str, float]
    values: Mapping[str, float] = field(repr=False)
    calibrated: bool = True

    def __getitem__(self, name: str) -> float:
        return self.values[name]

    def with_settings(self, settings: Mapping[str, object], where: str = "--set") -> Scenario:
        """A copy with more settings applied (validated like a file; every problem reported)."""
        reg = registry()
        merged = dict(self.settings)
        problems = []
        for key, value in settings.items():
            try:
                merged[key] = _check(reg, key, value, where, section=None)
            except ScenarioError as err:
                problems.append(str(err))
        if problems:
            raise ScenarioError(joined(where, problems))
        return _resolve(self.name, self.description, self.origin, merged, reg, self.calibrated)

    def levers(self) -> dict[str, float]:
        """Resolved value of every lever."""
        return {p.name: self.values[p.name] for p in registry().of_kind("lever")}

    def to_toml(self) -> str:
        """The scenario as a file the CLI can run (every lever and uncertainty written out)."""
        reg = registry()
        lines = [f"name = {_quote(self.name)}", f"description = {_quote(self.description)}", ""]
        for section, kind in SECTIONS.items():
            names = [p.name for p in reg.of_kind(kind)]
            if kind in ("parameter", "context"):
                names = [n for n in names if n in self.settings]
            if not names:
                continue
            lines.append(f"[{section}]")
            for name in names:
                lines.append(f"{_key(name)} = {_toml_number(reg[name], self.values[name])}")
            lines.append("")
        return "\n".join(lines)


def _toml_number(param: Parameter, value: float) -> str:
    """A value as TOML: whole-number settings (years, counts, switches) as integers, the rest as floats."""
    if (param.whole or param.unit == "switch") and float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _quote(text: str) -> str:
    """A TOML basic string (JSON string escapes are valid TOML escapes)."""
    return json.dumps(text, ensure_ascii=False)


def _key(name: str) -> str:
    return _quote(name) if "." in name else name


def _check(reg: Registry, key: str, value: object, where: str, section: str | None) -> float:
    if key not in reg:
        close = sorted(n for n in reg if n.split(".")[0] == key.split(".")[0])[:5]
        hint = f" (did you mean: {', '.join(close)}?)" if close else ""
        raise ScenarioError(f"{where}: unknown key {show(key, 80)}{hint}")
    param = reg[key]
    if section is not None and SECTIONS[section] != param.kind:
        right = next(s for s, k in SECTIONS.items() if k == param.kind)
        raise ScenarioError(f"{where}: '{key}' is a {param.kind}; put it under [{right}], not [{section}]")
    if isinstance(value, str) and section is not None:
        raise ScenarioError(f"{where}: '{key}' must be a number in {param.unit}, got the string {show(value)}")
    try:
        return param.check(value, where)
    except ParameterValueError as err:
        raise ScenarioError(str(err)) from None


def _resolve(
    name: str, description: str, origin: str, settings: dict[str, float], reg: Registry, calibrated: bool
) -> Scenario:
    values = reg.defaults()
    if calibrated:
        for key, value in calibrated_values().items():
            if key not in reg:
                raise ScenarioError(f"{calibration_file()}: calibrated parameter '{key}' is not in the registry")
            values[key] = _check(reg, key, value, str(calibration_file()), section=None)
    values.update(settings)
    # a run ending before its policies start is a run of the policies as they were: allowed only
    # when it sets no lever away from that setting (which it would never reach)
    changed = [p.name for p in reg.of_kind("lever") if p.name != "policy_start_year" and values[p.name] != p.default]
    if values["policy_start_year"] > values["end_year"] and changed:
        raise ScenarioError(
            f"{origin}: policy_start_year {values['policy_start_year']:g} is after end_year {values['end_year']:g}; "
            f"a run must reach the year its policies start (levers set: {', '.join(changed[:5])})"
        )
    return Scenario(name, description, origin, MappingProxyType(dict(settings)), MappingProxyType(values), calibrated)


def parse_scenario(data: Mapping[str, object], origin: str, calibrated: bool = True) -> Scenario:
    """Validate the contents of a scenario file (already parsed) and resolve it.

    ``calibrated`` applies the shipped calibration's point estimates under the file's settings.
    """
    reg = registry()
    problems: list[str] = []
    unknown = set(data) - TOP_LEVEL
    if unknown:
        problems.append(
            f"{origin}: unknown top-level key(s) {', '.join(show(k, 80) for k in sorted(unknown))}; "
            "allowed: name, description, [levers], [context], [uncertainties], [parameters]"
        )
    name = data.get("name", Path(origin).stem)
    description = data.get("description", "")
    problem = name_problem(name, "name", origin)
    if problem:
        problems.append(problem)
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION_CHARS:
        problems.append(f"{origin}: 'description' must be a string of at most {MAX_DESCRIPTION_CHARS:,} characters")
    settings: dict[str, float] = {}
    for section in SECTIONS:
        table = data.get(section, {})
        if not isinstance(table, Mapping):
            problems.append(f"{origin}: [{section}] must be a table of name = number, got {show(table)}")
            continue
        try:
            flat = flatten(table)
        except ScenarioError as err:
            problems.append(f"{origin} [{section}]: {err}")
            continue
        for key, value in flat.items():
            try:
                settings[key] = _check(reg, key, value, f"{origin} [{section}]", section)
            except ScenarioError as err:
                problems.append(str(err))
    if problems:
        raise ScenarioError(joined(origin, problems))
    assert isinstance(name, str) and isinstance(description, str)
    return _resolve(name, description, origin, settings, reg, calibrated)


def load_scenario(name_or_path: str | Path, calibrated: bool = True) -> Scenario:
    """Load a built-in scenario by name or a scenario file by path (``calibrated``: see parse_scenario)."""
    text = str(name_or_path)
    path = Path(text)
    if not text.strip() or (not text.endswith(".toml") and not path.is_file()):
        if text not in builtin_names():
            raise ScenarioError(
                f"unknown scenario {show(text, 80)}: built-in scenarios are {', '.join(builtin_names())}, "
                "or give the path of a .toml file"
            )
        path = builtin_dir() / f"{text}.toml"
    data, _ = read_toml(path, ScenarioError, "scenario file")
    return parse_scenario(data, str(path), calibrated)


def parse_assignments(pairs: Iterable[str]) -> dict[str, str]:
    """Split ``name=value`` strings from the command line; a malformed pair or a name given twice is an error."""
    result: dict[str, str] = {}
    problems: list[str] = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            problems.append(f"--set: expected name=value, got {show(pair, 80)}")
        elif key in result:
            problems.append(f"--set: '{key}' is given more than once ({result[key]!r} and {value!r}); give it once")
        else:
            result[key] = value
    if problems:
        raise ScenarioError(joined("--set", problems))
    return result
