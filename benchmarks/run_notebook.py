"""Run a notebook's code cells in order in one IPython shell: no kernel, no Jupyter.

    GANTUTOR_PROFILE=gpu python benchmarks/run_notebook.py book/part1/gan.ipynb

Cells run in the notebook's folder, as nbmake runs them, with matplotlib's Agg
backend (figures are drawn, not shown; each cell's figures are closed after it).
The run stops at the first cell that raises (exit status 1). Every cell's wall
time is printed, then a table of them. The Colab setup cell does nothing here
(``google.colab`` is absent). Without IPython, ``%`` and ``!`` lines become
``pass`` and the cells run with ``exec``.
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import os
import sys
import time
from contextlib import redirect_stderr
from pathlib import Path


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--json", default=None, help="write the cell times here")
    parser.add_argument(
        "--show-stderr", action="store_true", help="keep progress bars (stderr)"
    )
    args = parser.parse_args()
    path = args.notebook.resolve()
    json_path = Path(args.json).resolve() if args.json else None
    os.environ.setdefault("MPLBACKEND", "Agg")
    import matplotlib.pyplot as plt

    cells = code_cells(path)
    os.chdir(path.parent)
    sys.path.insert(0, str(path.parent))
    run = make_runner()
    profile = os.environ.get("GANTUTOR_PROFILE", "(unset)")
    print(f"{path.name}: {len(cells)} code cells, GANTUTOR_PROFILE={profile}")
    times: list[tuple[int, float, str]] = []
    started = time.perf_counter()
    for i, source in enumerate(cells, start=1):
        first = source.strip().splitlines()[0][:60] if source.strip() else ""
        print(f"--- cell {i}: {first}", flush=True)
        t0 = time.perf_counter()
        errors = io.StringIO()
        try:
            if args.show_stderr:
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
            return 1
        finally:
            plt.close("all")
        times.append((i, time.perf_counter() - t0, first))
        print(f"    ({times[-1][1]:.2f} s)", flush=True)
    total = time.perf_counter() - started
    print(f"\n{path.name}: all {len(cells)} code cells ran in {total:.1f} s")
    print(f"{'cell':>4} {'seconds':>8}  first line")
    for i, seconds, first in sorted(times, key=lambda t: -t[1])[:10]:
        print(f"{i:4d} {seconds:8.2f}  {first}")
    if json_path:
        with open(json_path, "w") as f:
            json.dump({"notebook": str(path), "total": total, "cells": times}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
