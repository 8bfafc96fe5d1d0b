"""The classroom assignments: nbgrader's format, a reproducible release, proven checks.

``tools/assignments.py check`` executes every source (it must pass), every release (it
must fail at its first graded cell, "not written yet") and every wrong answer of
``wrong_answers.yml`` (each must fail at the check it names); ``reproducible``
generates the release twice with nbgrader. Both run here, in the smoke profile.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "assignments"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


tool = _load("assignments_tool", ROOT / "tools" / "assignments.py")
setup_cell = _load("setup_cell", ROOT / "tools" / "setup_cell.py")
points = _load("points", COURSE / "points.py")
NAMES = tool.names()


def _notebooks() -> list[Path]:
    return [COURSE / d / n / f"{n}.ipynb" for d in ("source", "release") for n in NAMES]


def _run_tool(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GANTUTOR_PROFILE": "smoke", "OMP_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "assignments.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


def test_there_is_an_assignment_for_each_part():
    assert NAMES == ["part1-gan", "part2-wgan-gp", "part6-fid"]


@pytest.mark.parametrize(
    "path", _notebooks(), ids=lambda p: p.parent.name + p.parent.parent.name
)
def test_notebooks_are_clean_and_open_with_the_setup_cell(path: Path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not any(c.outputs or c.execution_count for c in code)
    assert code[0].source == setup_cell.setup_cell_source()


@pytest.mark.parametrize("name", NAMES)
def test_sources_are_in_nbgrader_format(name: str):
    nb = nbformat.read(COURSE / "source" / name / f"{name}.ipynb", as_version=4)
    metas = [tool.nbgrader_meta(c) for c in nb.cells]
    assert all(m.get("grade_id") == c.id for m, c in zip(metas, nb.cells, strict=True))
    for cell, meta in zip(nb.cells, metas, strict=True):
        has_region = tool.BEGIN in cell.source and tool.END in cell.source
        assert has_region == bool(meta["solution"]), cell.id
        if meta["grade"]:
            assert meta["points"] > 0, cell.id
        if meta["grade"] and not meta["solution"]:
            assert meta["locked"] and "grading.check_" in cell.source, cell.id
        if not meta["grade"] and not meta["solution"]:
            assert meta["locked"], cell.id
    checks = tool.graded_cells(nb)
    written = [m for m in metas if m["grade"] and m["solution"]]
    assert len(checks) >= 4 and written, "checks and a written answer about the run"
    total = sum(m["points"] for m in metas if m["grade"])
    assert f"{total:g} points" in nb.cells[0].source


@pytest.mark.parametrize("name", NAMES)
def test_wrong_answers_name_real_cells_and_checks(name: str):
    nb = nbformat.read(COURSE / "source" / name / f"{name}.ipynb", as_version=4)
    solutions = {c.id for c in nb.cells if tool.nbgrader_meta(c)["solution"]}
    entries = tool.wrong_answers(name)
    assert {e["check"] for e in entries} == set(tool.graded_cells(nb))
    for entry in entries:
        assert set(entry) == {"cell", "check", "mistake", "code"}
        assert entry["cell"] in solutions


def test_a_wrong_answer_replaces_the_solution_region_only():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION"
    assert tool.substitute(source, "y = 2\nreturn y\n") == (
        "def f(x):\n    y = 2\n    return y"
    )


def test_the_release_is_reproducible_and_committed():
    done = _run_tool("reproducible")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "identical" in done.stdout


def test_every_check_fails_on_a_wrong_answer_and_the_release_on_its_first_check():
    done = _run_tool("check")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "all checks proven" in done.stdout
    for name in NAMES:
        assert f"{name}: the release fails at check_" in done.stdout


def test_the_classroom_workflow_installs_gantutor_and_reports_points():
    workflow = yaml.safe_load((COURSE / "classroom.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    commands = " ".join(step.get("run", "") for step in steps)
    assert f"gantutor @ git+{setup_cell.repository_url()}" in commands
    assert 'python points.py "$NOTEBOOK"' in commands
    assert 'pytest --nbmake "$NOTEBOOK"' in commands
    reporter = next(s for s in steps if "grading-reporter" in s.get("uses", ""))
    assert reporter["with"]["runners"] == "checks"
    assert "steps.checks.outputs.result" in reporter["env"]["CHECKS_RESULTS"]
    assert workflow["env"]["NOTEBOOK"] == f"{NAMES[0]}.ipynb"


def test_points_count_each_check_and_encode_them_for_classroom():
    results = [
        {
            "name": "check_a",
            "kind": "check",
            "points": 2.0,
            "score": 2.0,
            "message": "",
        },
        {
            "name": "check_b",
            "kind": "check",
            "points": 3.0,
            "score": 0.0,
            "message": "CheckFailed: b is not written yet",
        },
        {"name": "answer", "kind": "written", "points": 2.0},
    ]
    text = points.table(results)
    assert "| check_b | 0 / 3 | CheckFailed: b is not written yet |" in text
    assert "**2 / 5**" in text and "graded by the teacher" in text
    payload = json.loads(base64.b64decode(points.classroom_payload(results)))
    assert payload["status"] == "fail" and payload["max_score"] == 5.0
    assert [(t["name"], t["score"]) for t in payload["tests"]] == [
        ("check_a", 2.0),
        ("check_b", 0.0),
    ]
