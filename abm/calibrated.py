"""The shipped calibration: point estimates that replace registry defaults in every scenario.

``abm/data/calibration/calibration.toml`` is written by ``suqian-abm calibrate --adopt``:
a ``[calibration]`` table (version, data cut-off year, the command that produced it and
the fit's budget) and a ``[point_estimate]`` table of parameter values. Scenarios apply
it over the registry defaults and under their own settings; ``calibrated=False`` (CLI
``--uncalibrated``) runs with the registry defaults alone. The weighted posterior
sample lies beside it in ``posterior.csv``.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any


class CalibrationFileError(ValueError):
    """The shipped calibration file is malformed; the message names the file and key."""


def calibration_dir() -> Path:
    """Folder of the shipped calibration."""
    return Path(str(resources.files("abm").joinpath("data", "calibration")))


def calibration_file() -> Path:
    """Path of the shipped calibration's metadata and point estimate."""
    return calibration_dir() / "calibration.toml"


def posterior_file() -> Path:
    """Path of the shipped weighted posterior sample."""
    return calibration_dir() / "posterior.csv"


@cache
def _read(path: str) -> dict[str, Any]:
    file = Path(path)
    if not file.exists():
        return {}
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise CalibrationFileError(f"{file}: not valid TOML: {err}") from None
    for table in ("calibration", "point_estimate"):
        if not isinstance(data.get(table), dict):
            raise CalibrationFileError(f"{file}: missing the [{table}] table")
    return data


def calibration_info() -> dict[str, Any]:
    """The ``[calibration]`` table of the shipped calibration (empty if there is none)."""
    return dict(_read(str(calibration_file())).get("calibration", {}))


def calibrated_values() -> dict[str, float]:
    """Point estimates of the shipped calibration (empty if there is none)."""
    data = _read(str(calibration_file()))
    values = data.get("point_estimate", {})
    bad = [k for k, v in values.items() if isinstance(v, bool) or not isinstance(v, int | float)]
    if bad:
        raise CalibrationFileError(f"{calibration_file()}: [point_estimate] {bad[0]} is not a number")
    return {k: float(v) for k, v in values.items()}
