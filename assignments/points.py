"""Points per graded check of a student's notebook (nbgrader format).

    python points.py part1-gan.ipynb                # a table of checks and points
    python points.py part1-gan.ipynb --json out.json

Executes the notebook top to bottom with nbclient and the ``python3`` kernel, in the
notebook's folder, *with errors allowed*, so that every check runs even after one
fails. A graded code cell (nbgrader metadata ``"grade": true``) earns its points when it
raises nothing; written answers (graded Markdown cells) are listed, for the teacher.
The exit status is 0 when every check passed.

In a GitHub Actions job (``classroom.yml``) it also writes the table to the job's
summary and, as the step output ``result``, the results in the form that GitHub
Classroom's ``autograding-grading-reporter`` reads: base64 JSON, one test per check,
``score`` = the points earned. Needs nbformat, nbclient and ipykernel; copy this file
next to the notebook.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import time
from pathlib import Path


def grading_of(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def run_checks(path: Path, timeout: int = 600) -> list[dict]:
    """One result per graded cell: name, kind, points, score, message."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    NotebookClient(
        nb,
        kernel_name="python3",
        timeout=timeout,
        allow_errors=True,
        resources={"metadata": {"path": str(path.resolve().parent)}},
    ).execute()
    seconds = time.perf_counter() - started
    results = []
    for cell in nb.cells:
        meta = grading_of(cell)
        if not meta.get("grade"):
            continue
        points = float(meta.get("points", 0))
        if cell.cell_type != "code":
            results.append(
                {"name": meta["grade_id"], "kind": "written", "points": points}
            )
            continue
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        message = f"{errors[0].ename}: {errors[0].evalue}" if errors else ""
        results.append(
            {
                "name": meta["grade_id"],
                "kind": "check",
                "points": points,
                "score": 0.0 if errors else points,
                "message": message,
            }
        )
    print(f"{path.name}: executed in {seconds:.0f} s")
    return results


def table(results: list[dict]) -> str:
    lines = ["| check | points | result |", "|---|---:|---|"]
    for r in results:
        if r["kind"] == "written":
            lines.append(
                f"| {r['name']} | – / {r['points']:g} | graded by the teacher |"
            )
            continue
        verdict = "passed" if not r["message"] else r["message"].splitlines()[0]
        lines.append(f"| {r['name']} | {r['score']:g} / {r['points']:g} | {verdict} |")
    checks = [r for r in results if r["kind"] == "check"]
    earned = sum(r["score"] for r in checks)
    lines.append(
        f"| **checks** | **{earned:g} / {sum(r['points'] for r in checks):g}** |"
    )
    return "\n".join(lines)


def classroom_payload(results: list[dict]) -> str:
    """The results as autograding-grading-reporter reads them: base64 JSON."""
    checks = [r for r in results if r["kind"] == "check"]
    payload = {
        "version": 1,
        "status": "pass" if all(not r["message"] for r in checks) else "fail",
        "max_score": sum(r["points"] for r in checks),
        "tests": [
            {
                "name": r["name"],
                "status": "fail" if r["message"] else "pass",
                "score": r["score"],
                "message": r["message"][:1000],
            }
            for r in checks
        ],
    }
    return base64.b64encode(json.dumps(payload).encode()).decode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    results = run_checks(args.notebook)
    text = table(results)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    if "GITHUB_STEP_SUMMARY" in os.environ:
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as out:
            out.write(f"## {args.notebook.name}\n\n{text}\n")
    if "GITHUB_OUTPUT" in os.environ:
        with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as out:
            out.write(f"result={classroom_payload(results)}\n")
    return 0 if all(not r.get("message") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
