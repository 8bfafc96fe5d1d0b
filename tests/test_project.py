"""The project's files agree with each other.

pyproject.toml's ranges admit Colab's versions and the tested set of constraints.txt;
environment.yml installs under those constraints; notebooks are stored clean and open
with the generated setup cell; the table of contents and the notebooks match; the README
quick start and CI run the same two commands.
"""

from __future__ import annotations

import importlib.util
import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
QUICK_START = ["bash tools/dev book", "bash tools/dev test"]
# What Colab had when the chapters last ran in a Colab-like environment (issue 16).
COLAB = {"torch": "2.9.0", "numpy": "2.0.2", "ipywidgets": "7.7.1", "ipython": "7.34.0"}


def constraints() -> dict[str, str]:
    """constraints.txt as {name: version}: the versions tested together."""
    lines = (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    pairs = [line.split("==") for line in lines if line and not line.startswith("#")]
    return {name.strip().lower(): version.strip() for name, version in pairs}


def _load_tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


setup_cell = _load_tool("setup_cell")


def _pin(requirement: str) -> tuple[str, str | None]:
    """``"numpy==2.4.6"`` or conda's ``"numpy=2.4.6"`` -> ("numpy", "2.4.6")."""
    match = re.fullmatch(
        r"\s*([A-Za-z0-9_.\-]+)\s*(?:==?\s*([^\s,;]+))?\s*", requirement
    )
    if match is None:
        return requirement.strip(), None
    return match.group(1).lower().replace("_", "-"), match.group(2)


def environment_problems(env: dict, pyproject: dict) -> list[str]:
    """How a conda environment.yml (parsed) disagrees with pyproject.toml (parsed)."""
    project = pyproject["project"]
    extras = project.get("optional-dependencies", {})
    pinned = constraints() | dict(_pin(d) for ds in extras.values() for d in ds)
    problems = []
    conda = [dep for dep in env.get("dependencies", []) if isinstance(dep, str)]
    pip = next(
        (
            dep["pip"]
            for dep in env.get("dependencies", [])
            if isinstance(dep, dict) and "pip" in dep
        ),
        [],
    )
    names = dict(_pin(dep) for dep in conda)
    python = names.pop("python", None)
    if python is None:
        problems.append("environment.yml does not name python")
    elif not SpecifierSet(project["requires-python"]).contains(python):
        problems.append(
            f"python={python} is outside requires-python {project['requires-python']}"
        )
    if "pip" not in names:
        problems.append("environment.yml does not install pip")
    names.pop("pip", None)

    installs = [
        re.fullmatch(r"(?:-e\s+)?[\"']?\.(?:\[([^\]]*)\])?[\"']?", p.strip())
        for p in pip
    ]
    installs = [m for m in installs if m]
    if not installs:
        problems.append("the pip section does not install the project (-e .[...])")
    for match in installs:
        for extra in filter(
            None, (e.strip() for e in (match.group(1) or "").split(","))
        ):
            if extra not in extras:
                problems.append(f"extra [{extra}] is not in pyproject.toml")

    if "-c constraints.txt" not in [p.strip() for p in pip]:
        problems.append("the pip section does not use the tested constraints.txt")
    others = [
        p for p in pip if not re.match(r"(-e\s+)?[\"']?\.|-c\s", p.strip())
    ]
    for name, version in [*names.items(), *(_pin(p) for p in others)]:
        if version is not None and pinned.get(name) != version:
            problems.append(
                f"{name}={version} in environment.yml, {pinned.get(name)} in pyproject"
            )
    return problems


def test_environment_yml_agrees_with_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert environment_problems(env, PYPROJECT) == []


def test_environment_check_reports_disagreements():
    env = {
        "dependencies": [
            "python=3.10",
            "numpy=1.26.0",
            {"pip": ["-e .[book,docs]"]},
        ]
    }
    problems = environment_problems(env, PYPROJECT)
    assert problems == [
        "python=3.10 is outside requires-python >=3.11,<3.13",
        "environment.yml does not install pip",
        "extra [docs] is not in pyproject.toml",
        "the pip section does not use the tested constraints.txt",
        "numpy=1.26.0 in environment.yml, 2.4.6 in pyproject",
    ]
    assert "the pip section does not install the project (-e .[...])" in (
        environment_problems({"dependencies": ["python=3.11", "pip"]}, PYPROJECT)
    )


def notebooks() -> list[Path]:
    return sorted(
        path
        for path in (ROOT / "book").rglob("*.ipynb")
        if not {".ipynb_checkpoints", "_build"} & set(path.parts)
    )


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", notebooks(), ids=_id)
def test_notebook_is_stored_clean_with_python3_kernel(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3"
    dirty = [
        i
        for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "code" and (cell["outputs"] or cell["execution_count"])
    ]
    assert not dirty, f"cells {dirty} carry outputs or execution counts; clear them"


@pytest.mark.parametrize("path", notebooks(), ids=_id)
def test_no_code_cell_is_only_comments(path: Path):
    # A left-over placeholder ("# setup cell here") shows up in the book as code.
    nb = json.loads(path.read_text(encoding="utf-8"))
    empty = [
        i
        for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "code"
        and all(
            line.strip().startswith("#") or not line.strip()
            for line in "".join(cell["source"]).splitlines()
        )
    ]
    assert not empty, f"code cells {empty} of {_id(path)} hold no code; remove them"


@pytest.mark.parametrize("path", notebooks(), ids=_id)
def test_every_cell_has_a_unique_id(path: Path):
    ids = [cell.get("id") for cell in json.loads(path.read_text("utf-8"))["cells"]]
    assert None not in ids, f"{_id(path)}: run python tools/cell_ids.py"
    assert len(set(ids)) == len(ids), f"{_id(path)}: cell ids repeat"


@pytest.mark.parametrize("path", notebooks(), ids=_id)
def test_notebook_starts_with_the_setup_cell(path: Path):
    assert not setup_cell.differs(path, setup_cell.setup_cell_source()), (
        f"the first code cell of {_id(path)} is not the setup cell; run "
        "python tools/setup_cell.py --write"
    )


def test_setup_cell_uses_the_configured_url_and_pins():
    source = setup_cell.setup_cell_source()
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]
    assert f'"gantutor @ git+{repo["url"]}@{repo["branch"]}"' in source
    for name in ("pytorch-fid", "mlxtend"):
        assert f"{name}=={constraints()[name]}" in source


def test_the_repository_is_named_once_everywhere():
    url = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))[
        "repository"
    ]["url"]
    assert PYPROJECT["project"]["urls"]["Repository"] == url
    assert PYPROJECT["project"]["urls"]["Issues"] == f"{url}/issues"
    assert f"<{url}>" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_setup_cell_installs_the_configured_branch(tmp_path: Path):
    # a fork that builds from its own branch must install that branch's package
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["repository"]["branch"] = "my-fork-branch"
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (tmp_path / "constraints.txt").write_text(
        (ROOT / "constraints.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    source = setup_cell.setup_cell_source(tmp_path / "_config.yml")
    assert f'git+{config["repository"]["url"]}@my-fork-branch"' in source
    assert source != setup_cell.setup_cell_source()


def test_setup_cell_check_fails_then_write_fixes(tmp_path: Path):
    import nbformat

    path = tmp_path / "chapter.ipynb"
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# A"), nbformat.v4.new_code_cell("x = 1")]
    )
    nbformat.write(nb, path)
    assert setup_cell.main(["--check", str(path)]) == 1
    assert setup_cell.main(["--write", str(path)]) == 0
    assert setup_cell.main(["--check", str(path)]) == 0
    sources = [cell.source for cell in nbformat.read(path, as_version=4).cells]
    assert sources == ["# A", setup_cell.setup_cell_source(), "x = 1"]


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            files.extend([entry["file"]] if "file" in entry else [])
            walk(entry.get("chapters", []) + entry.get("sections", []))

    walk(toc.get("parts", []) + toc.get("chapters", []))
    return files


def test_every_toc_entry_exists():
    missing = [
        f
        for f in toc_files()
        if not any((ROOT / f"{f}{suffix}").is_file() for suffix in (".ipynb", ".md"))
    ]
    assert not missing, f"_toc.yml names files that do not exist: {missing}"


def test_every_notebook_is_in_the_toc():
    listed = {str(Path(f).with_suffix("")) for f in toc_files()}
    orphans = [
        _id(path)
        for path in notebooks()
        if str(path.relative_to(ROOT).with_suffix("")) not in listed
    ]
    assert not orphans, f"notebooks missing from _toc.yml (not built): {orphans}"


def test_readme_quick_start_is_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Quick start\n(.*?)(?=^## )", readme, re.M | re.S)
    assert section, "README.md has no '## Quick start' section"
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", section.group(1), re.M | re.S)
    assert len(blocks) == 1, "the quick start must be one code block"
    commands = [line.split("#")[0].strip() for line in blocks[0].splitlines()]
    assert [c for c in commands if c] == QUICK_START


def test_ci_runs_the_quick_start_test_command():
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    code = [line.split("#")[0] for line in lines]
    assert any(re.search(r"(^|\s)bash tools/dev test(\s|$|\|)", line) for line in code)


def test_gpu_wheels_follow_the_pins():
    # The wheels carried to the GPU machine must be the versions the book pins.
    script = (ROOT / "benchmarks" / "fetch_gpu_wheels.sh").read_text(encoding="utf-8")
    fetched = dict(re.findall(r"([A-Za-z0-9_.-]+)==([0-9][^\s\\]*)", script))
    pinned = constraints()
    for name in ("ipywidgets", "mlxtend", "pytorch-fid"):
        assert fetched.get(name) == pinned[name], (
            f"benchmarks/fetch_gpu_wheels.sh fetches {name}=={fetched.get(name)}, "
            f"constraints.txt pins {pinned[name]}"
        )


def test_the_publish_workflow_builds_with_the_main_command_and_uploads_its_html():
    workflow = yaml.safe_load(
        (ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
    )
    build = workflow["jobs"]["build"]
    steps = {step.get("name", step.get("uses", "")): step for step in build["steps"]}
    assert steps["Build the book (the README's main command)"]["run"] == (
        "bash tools/dev book"
    )
    html = "_build/${{ env.GANTUTOR_PROFILE }}/_build/html"  # tools/dev's folder
    assert steps["actions/upload-pages-artifact@v3"]["with"]["path"] == html
    assert 'html="$out/_build/html"' in (ROOT / "tools" / "dev").read_text()
    cache = steps["Restore the executed chapters of earlier builds"]["with"]["path"]
    assert cache == "_build/${{ env.GANTUTOR_PROFILE }}/_build/.jupyter_cache"


def test_dependencies_are_ranges_that_admit_colab_and_the_tested_set():
    # == pins would replace Colab's torch and numpy on an install without --no-deps
    tested = constraints()
    for dep in PYPROJECT["project"]["dependencies"]:
        req = Requirement(dep)
        name = req.name.lower()
        assert not any(s.operator == "==" for s in req.specifier), f"{dep} is a pin"
        assert name in tested, f"constraints.txt does not pin {name}"
        assert req.specifier.contains(tested[name]), f"{dep} excludes {tested[name]}"
        if name in COLAB:
            assert req.specifier.contains(COLAB[name]), f"{dep} excludes Colab's"
    assert set(tested) == {
        Requirement(d).name.lower() for d in PYPROJECT["project"]["dependencies"]
    }


def test_the_tested_set_is_what_is_installed():
    from importlib.metadata import version

    for name, pinned in constraints().items():
        assert version(name) == pinned, f"{name} {version(name)} is not {pinned}"


# -- numbers in prose --------------------------------------------------------------
# A number that looks measured (a decimal, or a share in %) may stand in a chapter's
# markdown only if it is not a measurement: a setting of the chapter, a value from a
# paper, a closed form. Measured numbers reach the page from the executed cells: a
# {glue:text} role (gt.viz.glue) or a Markdown(...) output. Math ($...$), code,
# roles and directive blocks (exercise hints and solutions, which describe runs the
# reader makes) are not prose here.
NOT_PROSE = re.compile(
    r"(`{3,})\{?[^\n]*\n.*?\n\s*\1"  # fenced blocks and directives
    r"|\$\$.*?\$\$|\$[^$\n]+\$"  # math
    r"|\{[\w:-]+\}`[^`]*`|`[^`\n]+`"  # roles and inline code
    r"|\]\([^)]*\)",  # link targets
    re.S,
)
LOOKS_MEASURED = re.compile(r"(?<![\w.\-])(\d+\.\d+|\d+(?:\.\d+)?\s?%)(?!\w|\.\d)")
NOT_MEASURED = {  # page -> {number: why it is not a measurement}
    "book/part4/infogan": {
        "5%": "the paper's error rate of its categorical code as a classifier",
        "5.1": "the number of the paper's Lemma 5.1",
        "0.1": "chance accuracy of categories that ignore the digit (about 1/10)",
        "0.2": "the same chance level, upper end, from the best assignment",
    },
    "book/part1/why-mse": {"80%": "the share of the upper branch: a setting"},
    "book/part1/gan": {
        "5%": "the threshold of the compared region",
        "0.1": "an example distance, against the modes' 0.02",
    },
    "book/closing/created-equal": {
        "2%": "a present class's threshold",
        "0.05": "the grid's standard deviation: a setting",
        "0.15": "the margin of 'reliably good' in share of runs: a setting",
        "25%": "the margin of 'reliably good' in FID: a setting",
        "0.1": "a learning-rate factor an exercise adds",
    },
    "book/part5/biggan": {
        "46%": "the paper's gain in Inception Score from an 8 times larger batch",
        "0.25": "the smallest truncation threshold: a setting",
        "0.6": "a closed form: 4 bytes times the width-16 pair's parameters",
    },
    "book/part5/lapgan": {
        "40%": "the paper's human-study result for LAPGAN on CIFAR-10",
        "10%": "the same study's result for a standard GAN",
    },
    "book/part1/fgan": {"0.1": "the standard deviation of the data: a setting"},
    "book/part2/wgan-gp": {"8.5": "a closed form: the mean of two norms"},
    "book/part4/cgan": {"100%": "what a one-digit generator scores, by definition"},
    "book/part6/beyond-fid": {"0.05": "the significance level of NDB's test"},
    "book/part1/lsgan": {"2%": "a present class's threshold", "0.9": "a threshold"},
    "book/part1/ebgan": {"2%": "a present class's threshold"},
    "book/part2/began": {"0.5": "the γ shown", "2%": "a present class's threshold"},
    "book/part6/fid": {"2.5": "the largest blur: a setting"},
    "book/part6/inception-score": {"1.5": "the blur: a setting"},
}


def prose_numbers(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            prose = NOT_PROSE.sub(" ", "".join(cell["source"]))
            found += [m.group(1) for m in LOOKS_MEASURED.finditer(prose)]
    return found


@pytest.mark.parametrize("path", notebooks(), ids=_id)
def test_numbers_in_prose_come_from_the_run(path: Path):
    page = _id(path).removesuffix(".ipynb")
    allowed = NOT_MEASURED.get(page, {})
    typed = [n for n in prose_numbers(path) if n.replace(" ", "") not in allowed]
    assert not typed, (
        f"{page} has numbers in its prose that look measured: {typed}. Glue them from "
        "the cell that computes them (gt.viz.glue and {glue:text}`name:fmt`), or, if "
        "they are settings or paper values, list them in NOT_MEASURED with a reason"
    )


def test_the_prose_number_check_finds_typed_numbers(tmp_path: Path):
    nb = {"cells": [{"cell_type": "markdown", "source": [
        "FID fell to 12.5 and 93 % of the samples, then 8.5. $\\beta = 0.5$,\n",
        "`lr=0.1`,\n",
        "{glue:text}`fid:.1f`, 3 seeds.\n```{dropdown} Solution\nabout 0.7\n```\n",
    ]}]}  # fmt: skip
    path = tmp_path / "page.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert prose_numbers(path) == ["12.5", "93 %", "8.5"]


def fence_problems(markdown: str) -> list[str]:
    """Code fences that do not close, or a fence opened inside one of equal length
    (```` ```python ```` inside a ```` ```{dropdown} ```` block ends the block early:
    the outer fence needs more backticks)."""
    stack, problems = [], []
    for line in markdown.split("\n"):
        match = re.match(r"\s*(`{3,})(.*)$", line)
        if not match:
            continue
        ticks, info = match.group(1), match.group(2).strip()
        if stack and len(ticks) >= len(stack[-1]) and not info:
            stack.pop()
        elif stack and len(ticks) == len(stack[-1]):
            problems.append(f"{line.strip()!r} inside a {stack[-1]} block")
        else:
            stack.append(ticks)
    return problems + [f"a {ticks} block does not close" for ticks in stack]


@pytest.mark.parametrize("path", notebooks(), ids=_id)
def test_code_fences_close_and_nest(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    problems = [
        f"cell {i}: {problem}"
        for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "markdown"
        for problem in fence_problems("".join(cell["source"]))
    ]
    assert not problems, f"{_id(path)}: " + "; ".join(problems)


def test_the_fence_check_finds_a_fence_that_ends_a_dropdown_early():
    nested = "```{dropdown} Solution\n```python\nx = 1\n```\nprose\n```"
    assert fence_problems(nested) == [
        "'```python' inside a ``` block",
        "a ``` block does not close",  # the last fence opened a new block
    ]
    assert fence_problems(nested.replace("```{", "````{")[:-3] + "````") == []
    assert fence_problems("```python\nx = 1") == ["a ``` block does not close"]
