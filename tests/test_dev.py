"""The developer commands: tools/dev's book cache key and the chapter-time benchmark."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tools" / "dev"


def test_dev_script_parses_and_names_its_commands():
    subprocess.run(["bash", "-n", str(DEV)], check=True)
    done = subprocess.run(["bash", str(DEV)], capture_output=True, text=True)
    assert done.returncode == 2 and "book | test" in done.stderr


def fingerprint(tree: Path, threads: str = "1") -> str:
    """tools/dev's inputs_fingerprint, run in ``tree``."""
    dev = DEV.read_text(encoding="utf-8")
    function = re.search(r"^inputs_fingerprint\(\) \{\n.*?^\}\n", dev, re.M | re.S)
    assert function, "tools/dev has no inputs_fingerprint function"
    done = subprocess.run(
        ["bash", "-c", f"set -euo pipefail\n{function.group(0)}inputs_fingerprint"],
        cwd=tree,
        env={**os.environ, "OMP_NUM_THREADS": threads},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_book_cache_key_follows_the_package_the_pins_and_the_threads(tmp_path):
    (tmp_path / "gantutor" / "weights").mkdir(parents=True)
    (tmp_path / "gantutor" / "__pycache__").mkdir()
    (tmp_path / "gantutor" / "losses.py").write_text("A = 1\n")
    (tmp_path / "gantutor" / "weights" / "cnn.pt").write_bytes(b"w")
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    key = fingerprint(tmp_path)
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    (tmp_path / "gantutor" / "__pycache__" / "losses.pyc").write_bytes(b"x")
    assert fingerprint(tmp_path) == key  # byte code is not an input
    changes = [
        lambda: (tmp_path / "gantutor" / "losses.py").write_text("A = 2\n"),
        lambda: (tmp_path / "gantutor" / "new.py").write_text(""),
        lambda: (tmp_path / "gantutor" / "weights" / "cnn.pt").write_bytes(b"v"),
        lambda: (tmp_path / "pyproject.toml").write_text("[project]\nx = 1\n"),
    ]
    seen = {key}
    for change in changes:
        change()
        seen.add(fingerprint(tmp_path))
    seen.add(fingerprint(tmp_path, threads="2"))
    assert len(seen) == len(changes) + 2


def write_notebook(path: Path, *sources: str) -> Path:
    cells = [
        {"cell_type": "code", "metadata": {}, "source": s, "outputs": [],
         "execution_count": None}
        for s in sources
    ]  # fmt: skip
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}))  # fmt: skip
    return path


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
