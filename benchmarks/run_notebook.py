"""Run a notebook's code cells in order in one IPython shell: no kernel, no Jupyter.

    GANTUTOR_PROFILE=gpu python benchmarks/run_notebook.py book/part1/gan.ipynb
    GANTUTOR_PROFILE=cpu python benchmarks/run_notebook.py --all   # every chapter

Cells run in the notebook's folder, as nbmake runs them, with matplotlib's Agg
backend (figures are drawn, not shown; each cell's figures are closed after it).
The run stops at the first cell that raises (exit status 1). Every cell's wall
time is printed, then a table of them. The Colab setup cell does nothing here
(``google.colab`` is absent). Without IPython, ``%`` and ``!`` lines become
``pass`` and the cells run with ``exec``.

Torch runs one thread unless ``OMP_NUM_THREADS`` says otherwise, as in the book
build (``tools/dev``). Several notebooks (or ``--all``, the chapters of
``_toc.yml``) each run in a fresh Python process, as each chapter gets a fresh
kernel, and end with a table of every chapter's seconds against ``--budget``
(default: 60 s in the smoke profile, else 180 s, the README's budgets). The exit
status is 1 when a chapter failed or went over its budget.
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stderr
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGETS = {"smoke": 60.0}  # seconds a chapter; 180 in the cpu and gpu profiles


def code_cells(path: Path) -> list[str]:
    """The sources of the notebook's code cells, in order."""
    nb = json.loads(path.read_text())
    return [
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in nb["cells"]
        if c["cell_type"] == "code"
    ]


def without_magics(source: str) -> str:
    """``%`` and ``!`` lines (and their ``\\`` continuations) become ``pass``."""
    out, continued = [], False
    for line in source.splitlines():
        body = line.lstrip()
        if continued:
            out.append("")
        elif body.startswith(("%", "!")):
            out.append(line[: len(line) - len(body)] + "pass")
        else:
            out.append(line)
            continue
        continued = line.endswith("\\")
    return "\n".join(out)


def make_runner():
    """A function source -> None that runs one cell, raising its error."""
    try:
        from IPython.core.interactiveshell import InteractiveShell
    except ImportError:
        print("IPython is missing: running cells with exec (magics become pass)")
        namespace: dict = {"__name__": "__main__"}

        def run_plain(source: str) -> None:
            tree = ast.parse(without_magics(source))
            last = (
                tree.body.pop()
                if tree.body and isinstance(tree.body[-1], ast.Expr)
                else None
            )
            exec(compile(tree, "<cell>", "exec"), namespace)
            if last is not None:
                value = eval(
                    compile(ast.Expression(last.value), "<cell>", "eval"), namespace
                )
                if value is not None:
                    print(repr(value))

        return run_plain

    shell = InteractiveShell.instance()

    def run_ipython(source: str) -> None:
        shell.run_cell(source, store_history=True).raise_error()

    return run_ipython


def toc_notebooks(toc: Path = ROOT / "_toc.yml") -> list[Path]:
    """The notebooks of the book's table of contents, in its order."""
    from sphinx_external_toc.parsing import parse_toc_yaml  # Jupyter Book's reader

    docs = (toc.parent / docname for docname in parse_toc_yaml(toc))
    return [
        doc.with_suffix(".ipynb") for doc in docs if doc.with_suffix(".ipynb").is_file()
    ]


def run_one(path: Path, show_stderr: bool) -> dict:
    """Run one notebook here and print its cell times.

    Returns ``{"notebook", "total", "cells"}``, or ``{"notebook", "failed"}`` (the
    number of the cell that raised).
    """
    os.environ.setdefault("MPLBACKEND", "Agg")
    import matplotlib.pyplot as plt

    cells = code_cells(path)
    os.chdir(path.parent)
    sys.path.insert(0, str(path.parent))
    run = make_runner()
    profile = os.environ.get("GANTUTOR_PROFILE", "(unset)")
    threads = os.environ["OMP_NUM_THREADS"]
    print(
        f"{path.name}: {len(cells)} code cells, GANTUTOR_PROFILE={profile}, "
        f"OMP_NUM_THREADS={threads}"
    )
    times: list[tuple[int, float, str]] = []
    started, cpu_started = time.perf_counter(), time.process_time()
    for i, source in enumerate(cells, start=1):
        first = source.strip().splitlines()[0][:60] if source.strip() else ""
        print(f"--- cell {i}: {first}", flush=True)
        t0 = time.perf_counter()
        errors = io.StringIO()
        try:
            if show_stderr:
                run(source)
            else:
                with redirect_stderr(errors):
                    run(source)
        except BaseException as error:  # an assert, an exception, Ctrl-C
            seconds = time.perf_counter() - t0
            print(errors.getvalue()[-3000:], file=sys.stderr)
            print(
                f"FAILED at cell {i} after {seconds:.1f} s "
                f"({time.perf_counter() - started:.1f} s in all): "
                f"{type(error).__name__}: {error}"
            )
            return {"notebook": str(path), "failed": i}
        finally:
            plt.close("all")
        times.append((i, time.perf_counter() - t0, first))
        print(f"    ({times[-1][1]:.2f} s)", flush=True)
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu_started  # all threads: robust to a busy machine
    print(
        f"\n{path.name}: all {len(cells)} code cells ran in {total:.1f} s "
        f"({cpu:.1f} s of CPU time)"
    )
    print(f"{'cell':>4} {'seconds':>8}  first line")
    for i, seconds, first in sorted(times, key=lambda t: -t[1])[:10]:
        print(f"{i:4d} {seconds:8.2f}  {first}")
    return {"notebook": str(path), "total": total, "cpu": cpu, "cells": times}


def run_each(paths: list[Path], show_stderr: bool) -> list[dict]:
    """Run every notebook in a fresh process; their results, in order."""
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, path in enumerate(paths):
            out = Path(tmp) / f"{n}.json"
            print(f"\n=== {_shown(str(path))}", flush=True)
            command = [sys.executable, __file__, str(path), "--json", str(out)]
            command += ["--budget", "inf"] + ["--show-stderr"] * show_stderr
            subprocess.run(command, check=False)  # its result is in the json file
            result = json.loads(out.read_text()) if out.is_file() else {}
            results.append({"notebook": str(path), **result})
    return results


def budget_table(results: list[dict], budget: float) -> tuple[str, bool]:
    """A table of each notebook's seconds against the budget; True when all passed."""
    width = max(len(_shown(r["notebook"])) for r in results)
    lines = [f"{'chapter':<{width}} {'seconds':>8} {'CPU s':>8}  budget {budget:g} s"]
    passed = True
    for r in results:
        if "total" in r:
            verdict = "ok" if r["total"] <= budget else "OVER"
            seconds = f"{r['total']:8.1f} {r.get('cpu', float('nan')):8.1f}"
        else:
            verdict = f"FAILED at cell {r['failed']}" if "failed" in r else "FAILED"
            seconds = f"{'-':>8} {'-':>8}"
        passed &= verdict == "ok"
        lines.append(f"{_shown(r['notebook']):<{width}} {seconds}  {verdict}")
    total = sum(r.get("total", 0.0) for r in results)
    cpu = sum(r.get("cpu", 0.0) for r in results)
    lines.append(f"{'all':<{width}} {total:8.1f} {cpu:8.1f}")
    return "\n".join(lines), passed


def _shown(notebook: str) -> str:
    path = Path(notebook).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", type=Path, nargs="*")
    parser.add_argument(
        "--all", action="store_true", help="every notebook of _toc.yml, in order"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=None,
        help="seconds a chapter may take (default: 60 in smoke, else 180)",
    )
    parser.add_argument("--json", default=None, help="write the times here")
    parser.add_argument(
        "--show-stderr", action="store_true", help="keep progress bars (stderr)"
    )
    args = parser.parse_args()
    paths = [p.resolve() for p in args.notebooks]
    if args.all:
        paths += toc_notebooks()
    if not paths:
        parser.error("name one or more notebooks, or --all")
    json_path = Path(args.json).resolve() if args.json else None
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # as the book build runs them
    profile = os.environ.get("GANTUTOR_PROFILE", "").strip().lower()
    budget = args.budget if args.budget is not None else BUDGETS.get(profile, 180.0)
    if len(paths) == 1 and not args.all:
        result = run_one(paths[0], args.show_stderr)
        if json_path:
            json_path.write_text(json.dumps(result))
        if "failed" in result:
            return 1
        if result["total"] > budget:
            print(f"OVER the budget of {budget:g} s")
            return 1
        return 0
    results = run_each(paths, args.show_stderr)
    table, passed = budget_table(results, budget)
    threads = os.environ["OMP_NUM_THREADS"]
    print(f"\nGANTUTOR_PROFILE={profile or '(unset)'}, OMP_NUM_THREADS={threads}")
    print(table)
    if json_path:
        json_path.write_text(json.dumps({"budget": budget, "rows": results}))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
