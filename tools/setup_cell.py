"""The setup cell that opens every notebook, generated from the project's files.

The repository URL comes from ``_config.yml`` (the one place it is set) and the pins of
the packages Colab lacks come from ``constraints.txt`` (the tested versions), so
neither can drift.

    python tools/setup_cell.py --write [NOTEBOOK ...]   # rewrite the setup cells
    python tools/setup_cell.py --check [NOTEBOOK ...]   # exit 1 if any differs
    python tools/setup_cell.py --extras                 # the cell's pins, one line

Without notebook arguments both act on every ``.ipynb`` under ``book/`` and
``assignments/source/`` (regenerate the releases after a change: ``python
tools/assignments.py release``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "_config.yml"
FIRST_LINE = "# Setup. In Colab this installs gantutor and turns on widgets;"
SECOND_LINE = "# elsewhere it does nothing."
# Packages installed next to gantutor in Colab (which has torch, numpy, scipy, ...).
COLAB_EXTRAS = ("pytorch-fid", "mlxtend")

TEMPLATE = f"""\
{FIRST_LINE}
{SECOND_LINE}
import sys

if "google.colab" in sys.modules:
    %pip install -q --no-deps \\
        "gantutor @ git+{{url}}@{{branch}}" \\
        {{pins}}
    from google.colab import output

    output.enable_custom_widget_manager()"""


def repository_url(config_path: Path | str = CONFIG) -> str:
    """Return ``repository.url`` from a Jupyter Book ``_config.yml``."""
    config = yaml.safe_load(Path(config_path).read_text(encoding="utf-8"))
    return config["repository"]["url"]


def repository_branch(config_path: Path | str = CONFIG) -> str:
    """Return ``repository.branch``: Colab installs the package from that branch, so
    a notebook opened from a fork's branch gets that branch's package."""
    config = yaml.safe_load(Path(config_path).read_text(encoding="utf-8"))
    return config["repository"]["branch"]


def pinned_requirements(
    constraints_path: Path | str, names: tuple[str, ...]
) -> list[str]:
    """Return the ``name==version`` lines of ``names`` in constraints.txt."""
    lines = Path(constraints_path).read_text(encoding="utf-8").splitlines()
    pins = {
        line.split("==")[0].strip(): line.replace(" ", "")
        for line in lines
        if "==" in line and not line.lstrip().startswith("#")
    }
    missing = [name for name in names if name not in pins]
    if missing:
        raise ValueError(f"constraints.txt pins no version for {missing}")
    return [pins[name] for name in names]


def setup_cell_source(config_path: Path | str = CONFIG) -> str:
    """Return the source of the setup cell, for the book configured by ``config_path``.

    ``constraints.txt`` (the tested versions) is read from the same folder.
    """
    config_path = Path(config_path)
    pins = pinned_requirements(config_path.parent / "constraints.txt", COLAB_EXTRAS)
    return TEMPLATE.format(
        url=repository_url(config_path),
        branch=repository_branch(config_path),
        pins=" ".join(pins),
    )


def _first_code_cell(nb: nbformat.NotebookNode) -> int | None:
    return next(
        (i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"), None
    )


def write(path: Path, source: str) -> bool:
    """Make the first code cell of ``path`` the setup cell; return True if it changed.

    A first code cell that is an older setup cell (same first line) is replaced; any
    other first code cell is kept and the setup cell is inserted before it.
    """
    nb = nbformat.read(path, as_version=4)
    index = _first_code_cell(nb)
    if index is not None and nb.cells[index].source == source:
        return False
    if index is not None and nb.cells[index].source.startswith(FIRST_LINE):
        nb.cells[index].source = source
    else:
        at = len(nb.cells) if index is None else index
        nb.cells.insert(at, nbformat.v4.new_code_cell(source))
    nbformat.write(nb, path)
    return True


def differs(path: Path, source: str) -> bool:
    """Return True if the first code cell of ``path`` is not exactly ``source``."""
    nb = nbformat.read(path, as_version=4)
    index = _first_code_cell(nb)
    return index is None or nb.cells[index].source != source


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="rewrite the setup cells")
    mode.add_argument("--check", action="store_true", help="exit 1 if any differs")
    mode.add_argument(
        "--extras", action="store_true", help="print the cell's pins beside gantutor"
    )
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    if args.extras:
        pins = pinned_requirements(CONFIG.parent / "constraints.txt", COLAB_EXTRAS)
        print(" ".join(pins))
        return 0

    notebooks = args.notebooks or sorted(
        path
        for folder in ("book", "assignments/source")
        for path in (ROOT / folder).rglob("*.ipynb")
    )
    notebooks = [nb for nb in notebooks if ".ipynb_checkpoints" not in nb.parts]
    source = setup_cell_source()
    if args.write:
        for path in notebooks:
            if write(path, source):
                print(f"updated {path}")
        return 0
    stale = [path for path in notebooks if differs(path, source)]
    for path in stale:
        print(f"setup cell differs: {path}")
    if stale:
        print("fix with: python tools/setup_cell.py --write")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
