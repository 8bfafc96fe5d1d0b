"""The package's import structure: a light ``import gantutor``, no cycles, no
private names across modules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import gantutor as gt

PACKAGE = Path(gt.__file__).parent
HEAVY = (
    "matplotlib",
    "ipywidgets",
    "IPython",
    "scipy",
    "sklearn",
    "torchvision",
    "pytorch_fid",
)


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(path: Path, known: set[str]) -> list[tuple[str, str]]:
    """(module, name) pairs imported from the package, lazy ones included and
    ``if TYPE_CHECKING:`` blocks left out; ``from P import m`` of a submodule is
    an import of ``P.m``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and is_type_checking(node):
            return
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "gantutor"
        ):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.append((sub, "") if sub in known else (node.module, alias.name))
        elif isinstance(node, ast.Import):
            found.extend((a.name, "") for a in node.names if a.name in known)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def test_import_gantutor_loads_none_of_the_heavy_libraries():
    code = (
        "import sys, gantutor as gt; gt.data, gt.models, gt.losses, gt.penalties, "
        "gt.steps, gt.train, gt.labs, gt.metrics; "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "", f"loaded by the light parts: {out.stdout}"
    out = subprocess.run(
        [sys.executable, "-c", "import sys, gantutor; print(len(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    plain_torch = subprocess.run(
        [sys.executable, "-c", "import sys, torch; print(len(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(out.stdout) - int(plain_torch.stdout) < 20  # runtime, version, numpy


def test_parts_load_on_first_use_and_unknown_names_say_what_exists():
    for name in gt.SUBPACKAGES:
        assert getattr(gt, name).__name__ == f"gantutor.{name}"
    with pytest.raises(AttributeError, match="its parts are data, labs"):
        gt.callbacks  # noqa: B018 - moved to gt.train.callbacks
    assert set(gt.SUBPACKAGES) <= set(dir(gt))


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of ``graph`` (node -> the nodes it imports) as a path, or None."""
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt, path + [nxt])):
                return found
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node, [node])):
            return found
    return None


def test_the_modules_import_each_other_without_a_cycle():
    known = modules()
    graph = {
        name: {m for m, _ in imports(path, set(known)) if m in known and m != name}
        for name, path in known.items()
    }
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_no_private_name_is_imported_from_another_module():
    known = modules()
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}: {module}.{name}"
        for path in known.values()
        for module, name in imports(path, set(known))
        if name.startswith("_") and name != "__version__"
    ]
    assert offenders == []


def test_the_checks_find_a_cycle_and_skip_type_checking_imports(tmp_path):
    # the checks themselves must be able to fail
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    (tmp_path / "a.py").write_text("from gantutor.b import x\n")
    (tmp_path / "b.py").write_text("def f():\n    from gantutor.a import _y\n")
    known = {"gantutor.a", "gantutor.b"}
    assert imports(tmp_path / "a.py", known) == [("gantutor.b", "x")]
    assert imports(tmp_path / "b.py", known) == [("gantutor.a", "_y")]  # lazy too
    guarded = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
    (tmp_path / "c.py").write_text(guarded + "    from gantutor.a import z\n")
    assert imports(tmp_path / "c.py", known) == []
