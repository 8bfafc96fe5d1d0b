"""The developer commands: tools/dev's commands and its book cache key."""

import os
import re
import subprocess
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
    (tmp_path / "constraints.txt").write_text("torch==2.14.1\n")
    key = fingerprint(tmp_path)
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    (tmp_path / "gantutor" / "__pycache__" / "losses.pyc").write_bytes(b"x")
    assert fingerprint(tmp_path) == key  # byte code is not an input
    changes = [
        lambda: (tmp_path / "gantutor" / "losses.py").write_text("A = 2\n"),
        lambda: (tmp_path / "gantutor" / "new.py").write_text(""),
        lambda: (tmp_path / "gantutor" / "weights" / "cnn.pt").write_bytes(b"v"),
        lambda: (tmp_path / "pyproject.toml").write_text("[project]\nx = 1\n"),
        lambda: (tmp_path / "constraints.txt").write_text("torch==2.14.2\n"),
    ]
    seen = {key}
    for change in changes:
        change()
        seen.add(fingerprint(tmp_path))
    seen.add(fingerprint(tmp_path, threads="2"))
    assert len(seen) == len(changes) + 2
