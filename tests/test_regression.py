"""Regression: a small plan run still gives the stored numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
from make_regression_reference import COMMAND, HOUSEHOLDS, PATH, SCENARIO, SEED, SELECTION, YEARS, reference_frame

RTOL = 1e-9


def test_reference_file_has_the_selection():
    stored = pd.read_csv(PATH)
    assert list(stored.columns) == ["year", "indicator", "sector", "value"]
    assert len(stored) == len(SELECTION) * len(YEARS)
    assert set(stored["year"]) == set(YEARS)


def test_small_plan_run_matches_the_stored_reference():
    """Selected indicators of plan / seed 7 / 1000 households equal the stored values."""
    stored = pd.read_csv(PATH)
    fresh = reference_frame()
    merged = stored.merge(fresh, on=["year", "indicator", "sector"], how="outer", suffixes=("_stored", "_now"))
    differing = merged[~np.isclose(merged["value_now"], merged["value_stored"], rtol=RTOL, atol=0.0, equal_nan=False)]
    assert differing.empty, (
        f"the {SCENARIO} run (seed {SEED}, {HOUSEHOLDS} households) no longer matches {PATH.name} "
        f"(rtol {RTOL}):\n{differing.to_string(index=False)}\n"
        f"If the model was changed on purpose, regenerate the reference with `{COMMAND}` "
        "and commit the new file with the change."
    )
