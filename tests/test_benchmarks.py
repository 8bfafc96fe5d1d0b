"""The benchmarks run in their CI-sized form, so they cannot rot."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_fid_benchmark_quick_run_agrees_with_pytorch_fid():
    out = subprocess.run(
        [sys.executable, "benchmarks/fid.py", "--dim", "64"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    rows = [line.split() for line in out.splitlines() if " cpu " in line]
    assert len(rows) == 2, out  # pytorch-fid's route and ours
    rel_diffs = [float(row[-1]) for row in rows]
    assert rel_diffs[0] == 0.0 and rel_diffs[1] < 1e-6, out
