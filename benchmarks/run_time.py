"""Time the plan run at the default household count and at 1:1 scale (1,631,972 households).

Each case runs in a fresh Python process, so its peak memory is its own. Prints one line
per case and, last, the figures as ``name=value`` pairs:

    python benchmarks/run_time.py            # both cases
    python benchmarks/run_time.py --quick    # default count only
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys

from abm.model import DEFAULT_HOUSEHOLDS

FULL_SCALE = 1_631_972

CHILD = """
import json, resource, sys, time
started = time.perf_counter()
from abm.run import run
imported = time.perf_counter()
result = run("plan", seed=1, households={households})
done = time.perf_counter()
print(json.dumps({{
    "model_seconds": result.run_seconds,
    "import_seconds": imported - started,
    "total_seconds": done - started,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    "peak_year": result.peak_year,
}}))
"""


def measure(households: int) -> dict[str, float]:
    """Run the plan scenario in a fresh process and return its timings and peak memory."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD.format(households=households)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the default household count")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    cases = {"default": DEFAULT_HOUSEHOLDS} if args.quick else {"default": DEFAULT_HOUSEHOLDS, "full_scale": FULL_SCALE}
    figures = {}
    for name, households in cases.items():
        m = measure(households)
        print(
            f"{name}: {households} households, model {m['model_seconds']:.2f} s "
            f"(+{m['import_seconds']:.2f} s imports), peak RSS {m['peak_rss_mb']:.0f} MB, peak year {m['peak_year']}"
        )
        figures[f"{name}_seconds"] = round(m["model_seconds"], 3)
        figures[f"{name}_peak_rss_mb"] = round(m["peak_rss_mb"], 1)
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
