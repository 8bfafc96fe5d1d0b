"""The benchmarks run in their CI-sized form, so they cannot rot."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

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


def run_script(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "GANTUTOR_OFFLINE": "1", "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def test_train_step_benchmark_quick_run(tmp_path):
    done = run_script(
        "benchmarks/train_step.py", "--quick", "--json", f"{tmp_path}/r.json"
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = json.loads((tmp_path / "r.json").read_text())["rows"]
    ways = {"reference", "gantutor eager"} | (
        {"gantutor"} if torch.cuda.is_available() else set()
    )
    assert {(r["model"], r["way"]) for r in rows} == {
        (m, w) for m in ("dcgan-tiny", "mlp-tiny") for w in ways
    }
    for r in rows:
        assert r["it_per_s"] > 0
        assert r["images_per_s"] == pytest.approx(r["it_per_s"] * r["batch"])
        if r["way"] == "reference":
            assert r["ratio"] == 1.0
    assert "images/s" in done.stdout and "reference" in done.stdout


def test_train_step_profile_quick_run():
    done = run_script(
        "benchmarks/train_step.py", "--quick", "--profile", "dcgan-tiny:8"
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "dcgan-tiny at batch 8, 4 steps" in done.stdout
    assert "convolution" in done.stdout  # the table lists the step's ops


def test_fid_end_to_end_quick_run(tmp_path):
    done = run_script(
        "benchmarks/fid.py", "--dim", "16", "--end-to-end", "--n", "300",
        "--n-ref", "200", "--batch-size", "100", "--extractors", "mnist-cnn",
        "--json", f"{tmp_path}/f.json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads((tmp_path / "f.json").read_text())
    rows = {r["setting"]: r for r in result["rows"]}
    assert list(rows) == ["fp32", "tf32", "bf16"]  # metrics.PRECISIONS
    assert rows["fp32"]["rel_shift"] == 0.0
    assert 0 < rows["fp32"]["fid"] < 200  # real digits against real digits
    assert rows["bf16"]["rel_shift"] < 0.01  # bf16 features move FID by < 1 %
    assert result["fastest"]["mnist-cnn"] in rows
    assert "fastest setting with a shift <= 0.1 %" in done.stdout


def write_notebook(path: Path, *sources: str) -> Path:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# title"}] + [
        {"cell_type": "code", "metadata": {}, "source": s, "outputs": [],
         "execution_count": None}
        for s in sources
    ]  # fmt: skip
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}))  # fmt: skip
    return path


COLAB_CELL = (
    'import sys\nif "google.colab" in sys.modules:\n    %pip install -q \\\n        x\n'
)


def test_run_notebook_runs_cells_in_one_namespace_and_times_them(tmp_path):
    nb = write_notebook(tmp_path / "ok.ipynb", COLAB_CELL, "a = 20", "print(a + 22)")
    done = run_script(
        "benchmarks/run_notebook.py", str(nb), "--json", f"{tmp_path}/t.json"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "42" in done.stdout and "all 3 code cells ran" in done.stdout
    times = json.loads((tmp_path / "t.json").read_text())
    assert [c[0] for c in times["cells"]] == [1, 2, 3]


def test_run_notebook_stops_at_the_first_failing_cell(tmp_path):
    nb = write_notebook(tmp_path / "bad.ipynb", "x = 1", "assert x == 2", "print('no')")
    done = run_script("benchmarks/run_notebook.py", str(nb))
    assert done.returncode == 1
    assert "FAILED at cell 2" in done.stdout and "--- cell 3" not in done.stdout


def test_magics_become_pass_without_ipython():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from run_notebook import without_magics

    code = without_magics(COLAB_CELL + "y = 3\n!ls\n")
    assert "%pip" not in code and "!ls" not in code
    namespace: dict = {}
    exec(code, namespace)
    assert namespace["y"] == 3


def test_gpu_check_script_parses():
    subprocess.run(["bash", "-n", "benchmarks/gpu_check.sh"], cwd=ROOT, check=True)


def test_import_time_benchmark_compares_gantutor_with_torch():
    # the script runs and reports; the ratio itself is a benchmark, not a test
    result = run_script(
        "benchmarks/import_time.py", "--repeat", "1", "--max-ratio", "100"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "import torch" in result.stdout and "import gantutor" in result.stdout
    assert "ratio" in result.stdout and ": ok" in result.stdout


def test_run_notebook_tables_each_chapter_against_the_budget(tmp_path):
    quick = write_notebook(tmp_path / "quick.ipynb", "x = 1")
    slow = write_notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(0.6)")
    bad = write_notebook(tmp_path / "bad.ipynb", "x = 1", "assert x == 2")
    threads = write_notebook(
        tmp_path / "threads.ipynb",
        "import os\nassert os.environ['OMP_NUM_THREADS'] == '1'",
    )
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    done = subprocess.run(
        [sys.executable, "benchmarks/run_notebook.py", str(quick), str(slow),
         str(bad), str(threads), "--budget", "0.5", "--json", f"{tmp_path}/t.json"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**env, "MPLBACKEND": "Agg"},
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    rows = done.stdout[done.stdout.index("chapter ") :].splitlines()
    verdicts = {row.split()[0]: " ".join(row.split()[3:]) for row in rows[1:-1]}
    assert verdicts == {
        f"{tmp_path}/quick.ipynb": "ok",
        f"{tmp_path}/slow.ipynb": "OVER",
        f"{tmp_path}/bad.ipynb": "FAILED at cell 2",
        f"{tmp_path}/threads.ipynb": "ok",
    }
    assert rows[0].endswith("budget 0.5 s") and rows[-1].startswith("all")
    result = json.loads((tmp_path / "t.json").read_text())
    assert result["budget"] == 0.5 and [r.get("failed") for r in result["rows"]] == [
        None, None, 2, None
    ]  # fmt: skip


def test_run_notebook_all_lists_the_chapters_of_the_toc():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from run_notebook import toc_notebooks

    chapters = toc_notebooks()
    assert chapters[0] == ROOT / "book" / "intro.ipynb"
    assert ROOT / "book" / "part2" / "dirac-gan.ipynb" in chapters
    assert all(path.suffix == ".ipynb" and path.is_file() for path in chapters)


def test_train_biggan_quick_run(tmp_path):
    # the script users launch with torchrun, in one process: a few steps and a report
    done = run_script(
        "benchmarks/train_biggan.py", "--steps", "4", "--width", "4",
        "--batch-size", "8", "--json", str(tmp_path / "r.json"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads((tmp_path / "r.json").read_text())["images_per_s"] > 0
