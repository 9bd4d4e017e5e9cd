"""Writing a run's files: all of them or none.

Files are written into a temporary folder beside the target and moved into place only
when all four exist, so a failed run never leaves a half-written output folder and never
touches an earlier result unless ``overwrite`` is asked for.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from abm.figures import emissions_figure
from abm.run import RunResult

FILES = ("trajectory.csv", "scorecard.csv", "manifest.json", "emissions.png")


class OutputExistsError(FileExistsError):
    """The output folder exists and overwriting was not asked for."""


@contextlib.contextmanager
def staged_folder(out: Path, overwrite: bool = False) -> Iterator[Path]:
    """A temporary folder beside ``out`` to write into; it becomes ``out`` only if the block succeeds.

    An existing ``out`` is refused unless ``overwrite``; it is replaced only once the new
    folder is complete, and a failure leaves it (and everything else) as it was.
    """
    out = Path(out)
    if out.exists() and not overwrite:
        raise OutputExistsError(f"output folder {out} exists; choose another --out or pass --overwrite")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        yield staging
        if out.exists():
            backup = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            backup.rmdir()
            out.rename(backup)
            staging.rename(out)
            shutil.rmtree(backup)
        else:
            staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_outputs(result: RunResult, out: Path, overwrite: bool = False) -> Path:
    """Write trajectory, scorecard, manifest and figure to ``out``; return ``out``."""
    with staged_folder(out, overwrite) as staging:
        result.trajectory.to_csv(staging / "trajectory.csv", index=False, float_format="%.10g")
        result.scorecard.to_csv(staging / "scorecard.csv", index=False, float_format="%.10g")
        (staging / "manifest.json").write_text(
            json.dumps(result.manifest(), indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        title = f"Suqian CO2 emissions by sector: scenario '{result.scenario.name}', seed {result.seed}"
        emissions_figure(result.trajectory, title, staging / "emissions.png")
    return Path(out)
