"""The parameter registry: every model parameter, declared once with unit, range and source.

The registry is the table ``abm/data/parameters.csv``. Each row is one parameter:

``name, kind, group, unit, default, low, high, source, description, channel, expected_sign``

``kind`` is ``lever`` (an instrument the city government sets), ``context`` (a national or
provincial instrument or path the city takes as given: the national ETS carbon price, the
national purchase subsidy and tax exemption of new-energy vehicles, the national subsidy on
distributed PV, energy dual control), ``uncertainty`` (a fact about the future nobody
controls) or ``parameter`` (everything else). Blank ``low``/``high`` mark a value that is
an observed fact; it cannot be changed by a scenario. Levers and uncertainties need a
range; a context row may be a fixed fact (a year a national rule ended).

Every lever also says how it acts: ``channel`` is one line from the lever through the
agents and their decision (or a fixed path the government sets, where no agent decides)
to the energy flow and the CO2 frame it moves; ``expected_sign`` is the expected sign of
its effect on CO2 when it is raised: ``-``, ``+``, ``0`` for a lever inert by design
(the channel says why), or ``±`` for a lever whose channels pull opposite ways (the
channel names both). Both are required for levers and may be blank for other rows.

Parameters in a unit of :data:`WHOLE_UNITS` (calendar years and counts of households,
persons, firms, vehicles and chargers) take whole numbers only: ``policy_start_year = 2021.5``
is rejected rather than cut to 2021. Numbers written as text (``--set``, CSV cells) must use
ASCII digits: ``float()`` would read ``"５０００"`` as 5000, which no one typing it meant.
Model code takes every number from here; docs, app sliders and experiment designs are
generated from the same table.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

KINDS = ("lever", "context", "uncertainty", "parameter")
WHOLE_UNITS = ("year", "households", "persons", "firms", "vehicles", "chargers")  # values are whole numbers
COLUMNS = (
    "name",
    "kind",
    "group",
    "unit",
    "default",
    "low",
    "high",
    "source",
    "description",
    "channel",
    "expected_sign",
)
SIGNS = ("-", "+", "0", "±")  # expected effect on CO2 of raising a lever; ± for opposing channels


class RegistryError(ValueError):
    """The parameter table itself is malformed."""


class ParameterValueError(ValueError):
    """A value given for a parameter is unknown, of the wrong type or out of range."""


def parse_number(text: str) -> float:
    """``text`` as a float, accepting ASCII digits only; ValueError otherwise."""
    stripped = text.strip()
    if not stripped.isascii():
        raise ValueError(f"{text!r} is not a number written in ASCII digits")
    return float(stripped)


def data_path(*parts: str) -> Path:
    """Path of a file shipped in ``abm/data``."""
    return Path(str(resources.files("abm").joinpath("data", *parts)))


@dataclass(frozen=True, slots=True)
class Parameter:
    """One row of the registry."""

    name: str
    kind: str
    group: str
    unit: str
    default: float
    low: float | None
    high: float | None
    source: str
    description: str
    channel: str = ""
    expected_sign: str = ""

    @property
    def whole(self) -> bool:
        """True when values are whole numbers (calendar years, counts): see :data:`WHOLE_UNITS`."""
        return self.unit in WHOLE_UNITS

    @property
    def adjustable(self) -> bool:
        """True when a scenario may set this parameter (it has a range)."""
        return self.low is not None and self.high is not None

    def check(self, value: object, where: str) -> float:
        """Return ``value`` as a float, or raise naming ``where``, the key and the range."""
        if isinstance(value, bool):
            if self.unit != "switch":
                raise ParameterValueError(
                    f"{where}: '{self.name}' must be a number in {self.unit}, got the boolean {value!r}"
                )
            value = float(value)
        if isinstance(value, str):
            try:
                value = parse_number(value)
            except ValueError:
                raise ParameterValueError(
                    f"{where}: '{self.name}' must be a number in {self.unit}, got {show(value)}"
                ) from None
        number = _finite(value)
        if number is None:
            raise ParameterValueError(
                f"{where}: '{self.name}' must be a finite number in {self.unit}, got {show(value)}"
            )
        value = number
        if self.whole and value != int(value):
            allowed = f" from {self.low:g} to {self.high:g}" if self.adjustable else ""
            raise ParameterValueError(
                f"{where}: '{self.name}' takes whole numbers{allowed} ({self.unit}), got {value:g}"
            )
        if not self.adjustable:
            if value != self.default:
                raise ParameterValueError(
                    f"{where}: '{self.name}' is observed data ({self.default:g} {self.unit}) "
                    "and cannot be changed by a scenario"
                )
            return value
        assert self.low is not None and self.high is not None
        if not (self.low <= value <= self.high):
            raise ParameterValueError(
                f"{where}: '{self.name}' = {value:g} is out of range; allowed {self.low:g} to {self.high:g} {self.unit}"
            )
        if self.unit == "switch" and value not in (0.0, 1.0):
            raise ParameterValueError(f"{where}: '{self.name}' is a switch: use 0 or 1, got {value:g}")
        return value


def show(value: object, limit: int = 40) -> str:
    """``repr(value)`` cut to about ``limit`` characters, for messages (safe for huge integers)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"an integer of about {int(value.bit_length() * 0.30103):,} digits"
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def _finite(value: object) -> float | None:
    """``value`` as a finite float, or None (not a number, infinite, NaN or too large for a float)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _number(text: str, row: int, column: str, path: Path) -> float | None:
    text = text.strip()
    if text == "":
        return None
    try:
        number = parse_number(text)
    except ValueError:
        raise RegistryError(f"{path}: row {row}: column '{column}' is not a number: {text!r}") from None
    if not math.isfinite(number):
        raise RegistryError(f"{path}: row {row}: column '{column}' is not a finite number: {text!r}")
    return number


class Registry(Mapping[str, Parameter]):
    """All parameters by name, read from and validated against the registry table."""

    def __init__(self, parameters: list[Parameter]):
        self._parameters = {p.name: p for p in parameters}
        self._prefixed: dict[str, tuple[str, ...]] = {}  # with_prefix answers; the table never changes after load

    @classmethod
    def load(cls, path: Path | None = None) -> Registry:
        """Read and check the registry table (the shipped one by default)."""
        path = Path(path) if path is not None else data_path("parameters.csv")
        if not path.exists():
            raise RegistryError(f"parameter registry not found: {path}")
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != COLUMNS:
                raise RegistryError(f"{path}: columns must be {', '.join(COLUMNS)}")
            parameters: list[Parameter] = []
            seen: set[str] = set()
            for i, raw in enumerate(reader, start=2):
                if None in raw or any(value is None for value in raw.values()):
                    raise RegistryError(f"{path}: row {i}: expected {len(COLUMNS)} columns (quote text with commas)")
                name = raw["name"].strip()
                if not name or name in seen:
                    raise RegistryError(f"{path}: row {i}: empty or duplicate name {name!r}")
                seen.add(name)
                if raw["kind"] not in KINDS:
                    raise RegistryError(f"{path}: row {i}: kind must be one of {KINDS}")
                default = _number(raw["default"], i, "default", path)
                if default is None:
                    raise RegistryError(f"{path}: row {i}: '{name}' has no default")
                low = _number(raw["low"], i, "low", path)
                high = _number(raw["high"], i, "high", path)
                if (low is None) != (high is None):
                    raise RegistryError(f"{path}: row {i}: '{name}' needs both low and high or neither")
                if low is not None and high is not None and not low <= default <= high:
                    raise RegistryError(f"{path}: row {i}: default of '{name}' outside [{low}, {high}]")
                if raw["unit"].strip() in WHOLE_UNITS and any(
                    v is not None and v != int(v) for v in (default, low, high)
                ):
                    raise RegistryError(f"{path}: row {i}: '{name}' is in {raw['unit']}: whole numbers only")
                if raw["kind"] in ("lever", "uncertainty") and low is None:
                    raise RegistryError(f"{path}: row {i}: {raw['kind']} '{name}' needs a range")
                if not raw["source"].strip() or not raw["unit"].strip():
                    raise RegistryError(f"{path}: row {i}: '{name}' needs a unit and a source")
                channel, sign = raw["channel"].strip(), raw["expected_sign"].strip()
                if raw["kind"] == "lever" and not (channel and sign):
                    raise RegistryError(f"{path}: row {i}: lever '{name}' needs a channel and an expected_sign")
                if sign and sign not in SIGNS:
                    raise RegistryError(
                        f"{path}: row {i}: expected_sign of '{name}' must be one of {', '.join(SIGNS)}, got {sign!r}"
                    )
                parameters.append(
                    Parameter(
                        name,
                        raw["kind"],
                        raw["group"],
                        raw["unit"],
                        default,
                        low,
                        high,
                        raw["source"].strip(),
                        raw["description"].strip(),
                        channel,
                        sign,
                    )
                )
        return cls(parameters)

    def __getitem__(self, name: str) -> Parameter:
        return self._parameters[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._parameters)

    def __len__(self) -> int:
        return len(self._parameters)

    def of_kind(self, kind: str) -> list[Parameter]:
        """Parameters of one kind, in table order."""
        return [p for p in self._parameters.values() if p.kind == kind]

    def defaults(self) -> dict[str, float]:
        """Every parameter's default value."""
        return {name: p.default for name, p in self._parameters.items()}

    def with_prefix(self, prefix: str) -> list[str]:
        """Names that start with ``prefix`` (e.g. ``'industry_share_2020.'``), in table order."""
        if prefix not in self._prefixed:
            self._prefixed[prefix] = tuple(name for name in self._parameters if name.startswith(prefix))
        return list(self._prefixed[prefix])


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The shipped registry, read once per process."""
    return Registry.load()


def parameter_table(kind: str | None = None) -> str:
    """The registry (or one ``kind`` of it) as a markdown table (for docs)."""
    from abm.parameter_listing import markdown_table, select  # it builds on this module

    return markdown_table(select(registry().values(), kind=kind))
