"""Release the classroom assignments and prove that their checks catch wrong answers.

    python tools/assignments.py release       # source/ -> release/, with nbgrader
    python tools/assignments.py check         # sources pass, releases and wrong fail
    python tools/assignments.py reproducible  # two releases equal the committed one

``assignments/`` is an nbgrader course folder (``source/<name>/<name>.ipynb``, the
teacher's notebooks with their solutions). ``release`` runs nbgrader's own command,
``nbgrader generate_assignment "*" --no-db``, in a temporary copy of the folder with
``assignments/nbgrader_config.py``, and writes each student notebook, re-serialised by
nbformat, to ``assignments/release/<name>/<name>.ipynb``.

``check`` executes notebooks with nbclient and the ``python3`` kernel, in the ``smoke``
profile, each in its own folder, one kernel per assignment (its namespace reset between
runs), and proves three things:

1. every source runs top to bottom;
2. every committed release, untouched, fails at its *first* graded cell, with a
   ``CheckFailed`` saying that the function is "not written yet";
3. every wrong answer of ``source/<name>/wrong_answers.yml``, put in place of the
   solution region of its cell, makes the notebook fail at the graded cell it names,
   with a ``CheckFailed`` (an ``AssertionError``), and every graded cell is failed by
   at least one of them.

It prints a table (checks, wrong answers tried, caught) and exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "assignments"
SOURCE, RELEASE = COURSE / "source", COURSE / "release"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
CELL_TIMEOUT = 600  # seconds


def names() -> list[str]:
    """The assignments: folders of ``source/`` holding ``<name>/<name>.ipynb``."""
    return sorted(
        p.parent.name for p in SOURCE.glob("*/*.ipynb") if p.stem == p.parent.name
    )


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def graded_cells(nb) -> list[str]:
    """The ids of the autograded cells: code cells with ``grade`` and no solution."""
    return [
        nbgrader_meta(c)["grade_id"]
        for c in nb.cells
        if c.cell_type == "code"
        and nbgrader_meta(c).get("grade")
        and not nbgrader_meta(c).get("solution")
    ]


# --- release -------------------------------------------------------------------------


def generate(out: Path) -> list[Path]:
    """Run ``nbgrader generate_assignment`` on every source; write to ``out``."""
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp)
        shutil.copy(COURSE / "nbgrader_config.py", course)
        shutil.copytree(SOURCE, course / "source")
        command = [sys.executable, "-m", "nbgrader", "generate_assignment", "*"]
        command += ["--no-db", "--force", "--log-level=WARN"]
        done = subprocess.run(command, cwd=course, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(
                f"nbgrader generate_assignment failed:\n{done.stdout}{done.stderr}"
            )
        for name in names():
            made = course / "release" / name / f"{name}.ipynb"
            nb = nbformat.read(made, as_version=4)
            target = out / name / f"{name}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, target)  # nbformat's layout, whatever nbgrader wrote
            written.append(target)
    return written


def release() -> int:
    for path in generate(RELEASE):
        print(f"released {path.relative_to(ROOT)}")
    return 0


def reproducible() -> int:
    """Release twice into temporary folders; both must equal the committed release."""
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        first, second = generate(Path(a)), generate(Path(b))
        problems = []
        for x, y in zip(first, second, strict=True):
            name = x.relative_to(a)
            if not filecmp.cmp(x, y, shallow=False):
                problems.append(f"{name}: two releases differ")
            committed = RELEASE / name
            if not committed.is_file() or not filecmp.cmp(x, committed, shallow=False):
                problems.append(
                    f"assignments/release/{name} is missing or stale: "
                    "run python tools/assignments.py release"
                )
    for problem in problems:
        print(problem)
    verdict = "identical" if not problems else "NOT identical"
    print(f"{len(first)} releases generated twice: {verdict}")
    return 1 if problems else 0


# --- check ---------------------------------------------------------------------------


@dataclass
class Outcome:
    """Where a run stopped: the id of the cell that raised (None if none), and why."""

    cell: str | None = None
    ename: str = ""
    evalue: str = ""
    seconds: float = 0.0


@dataclass
class Report:
    name: str
    checks: list[str]
    problems: list[str] = field(default_factory=list)
    tried: int = 0
    caught: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def substitute(source: str, code: str) -> str:
    """``source`` with its solution region replaced by ``code``, indented as it was."""
    lines = source.splitlines()
    begin = next(i for i, line in enumerate(lines) if line.strip() == BEGIN)
    end = next(i for i, line in enumerate(lines) if line.strip() == END)
    indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
    body = textwrap.dedent(code).strip("\n").splitlines()
    body = [indent + line if line.strip() else "" for line in body]
    return "\n".join(lines[:begin] + body + lines[end + 1 :])


def run(client, nb, folder: Path, stop_after: str | None = None) -> Outcome:
    """Execute ``nb`` in the client's kernel, reset first; where did it stop?"""
    from nbclient.exceptions import CellExecutionError

    reset = nbformat.v4.new_code_cell(
        "%reset -f\nimport os\nimport matplotlib.pyplot\n"
        f"os.chdir({str(folder)!r})\nmatplotlib.pyplot.close('all')"
    )
    nb = nbformat.from_dict(nb)
    nb.cells.insert(0, reset)
    client.nb = nb
    started = time.perf_counter()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        try:
            client.execute_cell(cell, index)
        except CellExecutionError as error:
            cell_id = nbgrader_meta(cell).get("grade_id", f"cell {index}")
            seconds = time.perf_counter() - started
            return Outcome(cell_id, error.ename, error.evalue, seconds)
        if stop_after is not None and nbgrader_meta(cell).get("grade_id") == stop_after:
            break
    return Outcome(seconds=time.perf_counter() - started)


def wrong_answers(name: str) -> list[dict]:
    path = SOURCE / name / "wrong_answers.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else []


def check_one(name: str) -> Report:
    from nbclient import NotebookClient

    source_path = SOURCE / name / f"{name}.ipynb"
    release_path = RELEASE / name / f"{name}.ipynb"
    source = nbformat.read(source_path, as_version=4)
    report = Report(name, graded_cells(source))
    report.caught = dict.fromkeys(report.checks, 0)
    client = NotebookClient(
        nbformat.v4.new_notebook(),
        kernel_name="python3",
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(source_path.parent)}},
    )
    with client.setup_kernel():
        outcome = run(client, source, source_path.parent)
        report.seconds["source"] = outcome.seconds
        if outcome.cell is not None:
            report.problems.append(
                f"the source fails at {outcome.cell}: {outcome.ename}: {outcome.evalue}"
            )
        if not release_path.is_file():
            report.problems.append(f"no release {release_path.relative_to(ROOT)}")
        else:
            released = nbformat.read(release_path, as_version=4)
            first = graded_cells(released)[0]
            outcome = run(client, released, release_path.parent, stop_after=first)
            report.seconds["release"] = outcome.seconds
            if not (
                outcome.cell == first
                and outcome.ename == "CheckFailed"
                and "not written yet" in outcome.evalue
            ):
                report.problems.append(
                    f"the release should fail at {first} with 'not written yet'; it "
                    f"stopped at {outcome.cell}: {outcome.ename}: {outcome.evalue}"
                )
            else:
                print(f"{name}: the release fails at {first}: {outcome.evalue}")
        for entry in wrong_answers(name):
            check_wrong_answer(client, source, source_path.parent, entry, report)
    return report


def check_wrong_answer(client, source, folder: Path, entry: dict, report: Report):
    report.tried += 1
    cells = {nbgrader_meta(c).get("grade_id"): c for c in source.cells}
    what = f"wrong answer to {entry['cell']} ({entry['mistake']})"
    if entry["cell"] not in cells or entry["check"] not in report.checks:
        report.problems.append(f"{what}: unknown cell or check")
        return
    nb = nbformat.from_dict(source)
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") == entry["cell"]:
            cell.source = substitute(cell.source, entry["code"])
    outcome = run(client, nb, folder, stop_after=entry["check"])
    caught = outcome.cell == entry["check"] and outcome.ename in (
        "CheckFailed",
        "AssertionError",
    )
    if caught:
        report.caught[entry["check"]] += 1
        print(f"  caught {what}: {outcome.evalue.splitlines()[0][:100]}")
    else:
        where = f"it failed at {outcome.cell}" if outcome.cell else "it passed"
        report.problems.append(
            f"{what} is not caught by {entry['check']}: {where} "
            f"{outcome.ename}: {outcome.evalue[:200]}".rstrip(": ")
        )


def check(selected: list[str]) -> int:
    os.environ["GANTUTOR_PROFILE"] = "smoke"  # the kernels inherit the environment
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    reports = [check_one(name) for name in selected or names()]
    print(
        f"\n{'assignment':<16} {'checks':>6} {'wrong answers tried':>20} {'caught':>7}"
    )
    for r in reports:
        caught = sum(r.caught.values())
        print(f"{r.name:<16} {len(r.checks):>6} {r.tried:>20} {caught:>7}")
        for check_id, n in r.caught.items():
            print(f"    {check_id:<32} caught {n}")
            if n == 0:
                r.problems.append(f"no wrong answer fails the check {check_id}")
        times = ", ".join(f"{k} {v:.1f} s" for k, v in r.seconds.items())
        print(f"    runs: {times}")
    problems = [f"{r.name}: {p}" for r in reports for p in r.problems]
    for problem in problems:
        print(f"PROBLEM {problem}")
    print("all checks proven" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("release", help="generate assignments/release with nbgrader")
    checker = sub.add_parser("check", help="prove the checks (smoke profile)")
    checker.add_argument("names", nargs="*", help="assignments (default: all)")
    sub.add_parser("reproducible", help="two releases equal the committed one")
    args = parser.parse_args(argv)
    if args.command == "release":
        return release()
    if args.command == "reproducible":
        return reproducible()
    return check(args.names)


if __name__ == "__main__":
    sys.exit(main())
