"""CPU time of ``import gantutor`` against ``import torch``, in fresh interpreters.

    python benchmarks/import_time.py --repeat 7

Each statement runs in a new Python process, alternating, ``--repeat`` times; the
CPU time (user + system) of each process is read from ``getrusage``. Prints the
median of each, their ratio and the modules each import loads, and exits 1 when
the ratio is above ``--max-ratio`` (the target is 1.25: importing the package costs
at most a quarter more than importing torch alone).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys

STATEMENTS = {
    "torch": "import sys, torch; print(len(sys.modules))",
    "gantutor": "import sys, gantutor; print(len(sys.modules))",
}


def cpu_seconds(code: str) -> tuple[float, int]:
    """CPU time of a fresh interpreter running ``code``, and the modules it loaded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, int(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--max-ratio", type=float, default=1.25)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    loaded: dict[str, int] = {}
    for _ in range(args.repeat):
        for name, code in STATEMENTS.items():
            seconds, loaded[name] = cpu_seconds(code)
            times[name].append(seconds)
    median = {name: statistics.median(t) for name, t in times.items()}
    for name in STATEMENTS:
        spread = ", ".join(f"{t:.2f}" for t in times[name])
        print(
            f"import {name:<9} median {median[name]:.2f} s CPU "
            f"({loaded[name]:,} modules; runs: {spread})"
        )
    ratio = median["gantutor"] / median["torch"]
    verdict = "ok" if ratio <= args.max_ratio else "OVER"
    print(f"ratio {ratio:.2f} (target <= {args.max_ratio}): {verdict}")
    return 0 if ratio <= args.max_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
