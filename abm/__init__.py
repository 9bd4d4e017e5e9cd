"""suqian-abm: an agent-based model of Suqian's path to a CO2 peak under its 2024 plan.

The one entry point is :func:`abm.run.run`; the CLI, the app, calibration and
experiments all call it.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("suqian-abm")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
