"""The built book, as a reader's browser shows it.

The book is built once per module with the smoke profile into ``_build/smoke``, every
chapter executed (its jupyter-cache emptied first; one torch thread per kernel): this is
where the tests run the notebooks, so a failing cell fails ``test_book_builds`` with the
chapter's name and traceback. It is served on 127.0.0.1 and every page of the table of
contents is loaded in headless Chromium.
The DOM after JavaScript must hold the page's figures, no Python traceback, formulas
typeset by MathJax, rendered widgets where the page has widget state, and the Colab
launch link on notebook pages; every file the page asks the server for must exist.
A screenshot of every page is left in ``_build/smoke/screenshots`` for humans.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build" / "smoke"
HTML = BUILD / "_build" / "html"
CACHE = BUILD / "_build" / ".jupyter_cache"  # with tools/dev's stamp inside
SCREENSHOTS = BUILD / "screenshots"

# Figures (<img> in cell outputs) a page must show; notebooks not listed need one,
# Markdown pages none.
MIN_FIGURES = {  # what the smoke build draws now: a lost figure fails the test
    "book/intro": 1,
    "book/part1/why-mse": 7,
    "book/part1/gan": 9,
    "book/part1/lsgan": 4,
    "book/part1/fgan": 4,
    "book/part1/ebgan": 2,
    "book/part2/wgan": 7,
    "book/part2/wgan-gp": 9,
    "book/part2/began": 3,
    "book/part2/dirac-gan": 5,
    "book/part2/loss-landscapes": 8,
    "book/part3/discogan": 3,
    "book/part3/cyclegan": 4,
    "book/part3/dualgan": 2,
    "book/part5/dcgan": 4,
    "book/part5/sagan": 4,
    "book/part5/biggan": 4,
    "book/part5/lapgan": 4,
    "book/part6/inception-score": 4,
    "book/part6/fid": 2,
    "book/part6/beyond-fid": 4,
    "book/closing/created-equal": 2,
    "book/appendix/training": 0,  # text and checks, no figure
}

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ERROR_CLASSES = {"traceback", "output_error", "ansi-error"}
TRACEBACK = "Traceback (most recent call last)"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
CELL_ERROR = "An error occurred while executing the following cell"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--window-size=1280,1600",
    "--virtual-time-budget=8000",
]


def toc_pages(toc_path: Path = ROOT / "_toc.yml") -> list[str]:
    """Every file named in a jb-book table of contents, root first, without suffix."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("chapters", []) + entry.get("sections", []))

    walk(toc.get("parts", []) + toc.get("chapters", []))
    return [str(Path(page).with_suffix("")) for page in pages]


def colab_prefix(config_path: Path = ROOT / "_config.yml") -> str:
    """The start of every Colab launch link, from ``_config.yml``."""
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    repo = config["repository"]["url"].removeprefix("https://github.com/")
    colab = config["launch_buttons"]["colab_url"].rstrip("/")
    return f"{colab}/github/{repo}/blob/{config['repository']['branch']}/"


class _PageScan(HTMLParser):
    """Collects what the checks need from one page's DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, set[str]]] = []
        self.output_images = 0
        self.errors: list[str] = []
        self.widget_state = False
        self.widget_views = 0
        self.rendered_widgets = 0
        self.script_srcs: list[str] = []
        self.links: list[str] = []
        self.math = 0
        self.typeset_math = 0
        self._script_type = ""

    def _inside(self, cls: str) -> bool:
        return any(cls in classes for _, classes in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        classes = set(attr.get("class", "").split())
        if tag == "img" and self._inside("cell_output"):
            self.output_images += 1
        if tag == "a":
            self.links.append(attr.get("href", ""))
        if tag == "script":
            self._script_type = attr.get("type", "")
            self.widget_state |= self._script_type == WIDGET_STATE
            self.widget_views += self._script_type == WIDGET_VIEW
            if attr.get("src"):
                self.script_srcs.append(attr["src"])
        if "math" in classes:
            self.math += 1
        if tag == "mjx-container":
            self.typeset_math += 1
        if tag == "mjx-merror":
            self.errors.append("a formula that MathJax could not typeset")
        if "jupyter-widgets" in classes and not self._inside("jupyter-widgets"):
            self.rendered_widgets += 1
        if classes & ERROR_CLASSES:
            self.errors.append(f"<{tag} class={' '.join(sorted(classes))}>")
        if tag not in {"img", "br", "hr", "meta", "link", "input", "source", "wbr"}:
            self.stack.append((tag, classes))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break
        if tag == "script":
            self._script_type = ""

    def handle_data(self, data: str) -> None:
        if TRACEBACK in data and self._inside("cell_output"):
            self.errors.append(data.strip()[:300])


def page_problems(
    dom: str, *, min_figures: int, colab_link: str | None = None
) -> list[str]:
    """What is wrong with a page, given its DOM after JavaScript ran.

    ``min_figures``: images that cell outputs must hold; ``colab_link``: the launch link
    a notebook page must carry (None for Markdown pages).
    """
    scan = _PageScan()
    scan.feed(dom)
    scan.close()
    problems = []
    if scan.output_images < min_figures:
        problems.append(
            f"{scan.output_images} figure(s) in cell outputs, expected {min_figures}"
        )
    problems += [f"error output: {error}" for error in scan.errors]
    if scan.typeset_math < scan.math:
        problems.append(
            f"{scan.math} formula(s), {scan.typeset_math} typeset by MathJax "
            "(is it served? see tools/fetch_widget_js.sh)"
        )
    if scan.widget_state and scan.rendered_widgets < max(scan.widget_views, 1):
        problems.append(
            f"{scan.widget_views} widget view(s) but {scan.rendered_widgets} "
            "rendered (is the widget JavaScript served? tools/fetch_widget_js.sh)"
        )
    remote = [src for src in scan.script_srcs if "://" in src]
    problems += [f"script loaded from the network: {src}" for src in remote]
    if colab_link and not any(href == colab_link for href in scan.links):
        problems.append(f"no Open in Colab link to {colab_link}")
    return problems


# Shown to work on pages that are wrong in each way the check looks for.
def test_page_problems_accepts_a_good_page():
    dom = (
        '<div class="cell_output"><img src="a.png"></div>'
        f'<script type="{WIDGET_STATE}">{{}}</script>'
        '<div class="lm-Widget jupyter-widgets widget-slider">'
        '<div class="jupyter-widgets widget-readout"></div></div>'
        '<a href="https://colab/x.ipynb">Colab</a>'
    )
    assert page_problems(dom, min_figures=1, colab_link="https://colab/x.ipynb") == []


@pytest.mark.parametrize(
    "dom, expected",
    [
        ('<p>text</p><img src="logo.png">', "0 figure(s)"),
        (
            '<div class="cell_output"><img src="a.png"><pre>Traceback (most recent call'
            " last):\n  File ...\nValueError: boom</pre></div>",
            "error output: Traceback",
        ),
        (
            '<div class="cell_output"><img src="a.png"></div><div class="output '
            'traceback highlight-ipythontb">ValueError</div>',
            "error output: <div",
        ),
        (
            '<div class="cell_output"><img src="a.png"></div>'
            '<span class="math notranslate nohighlight">\\(G\\)</span>',
            "1 formula(s), 0 typeset",
        ),
        (
            '<div class="cell_output"><img src="a.png"></div>'
            '<script src="https://cdn.example/embed-amd.js"></script>',
            "script loaded from the network",
        ),
        (
            '<div class="cell_output"><img src="a.png"></div>'
            f'<script type="{WIDGET_STATE}">{{}}</script>'
            f'<script type="{WIDGET_VIEW}">{{"model_id": "1"}}</script>',
            "1 widget view(s) but 0 rendered",
        ),
    ],
)
def test_page_problems_finds_what_is_wrong(dom, expected):
    problems = page_problems(dom, min_figures=1)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_page_problems_needs_the_colab_link():
    dom = '<div class="cell_output"><img src="a.png"></div><a href="other.html">x</a>'
    problems = page_problems(dom, min_figures=1, colab_link="https://colab/x.ipynb")
    assert problems == ["no Open in Colab link to https://colab/x.ipynb"]


def test_toc_pages_lists_root_and_chapters():
    pages = toc_pages()
    assert pages[0] == "book/intro"
    assert pages[-1] == "book/references"


def execution_failures(html: Path, lines: int = 60) -> str:
    """Each chapter that failed to execute, with the end of its traceback.

    myst-nb writes a failing notebook's traceback to ``reports/<page>.err.log``: the
    executor's own frames, then the cell and the chapter's error, which are kept.
    """
    parts = []
    for report in sorted((html / "reports").rglob("*.err.log")):
        page = report.relative_to(html / "reports").as_posix().removesuffix(".err.log")
        text = ANSI.sub("", report.read_text(encoding="utf-8", errors="replace"))
        cell = text.find(CELL_ERROR)
        text = text[cell:] if cell >= 0 else text
        tail = "\n".join(text.rstrip().splitlines()[-lines:])
        parts.append(f"=== {page}.ipynb failed ({report}):\n{tail}")
    return "\n\n".join(parts)


def test_execution_failures_names_the_chapter_and_shows_the_error(tmp_path):
    report = tmp_path / "reports" / "book" / "part1" / "gan.err.log"
    report.parent.mkdir(parents=True)
    report.write_text(
        'Traceback (most recent call last):\n  File "nbclient/client.py"\n'
        f"CellExecutionError: {CELL_ERROR}:\nx = 1\n"
        "\x1b[0;31mAssertionError\x1b[0m: modes 3 < 8\n"
    )
    text = execution_failures(tmp_path)
    assert text.startswith("=== book/part1/gan.ipynb failed")
    assert "nbclient" not in text
    assert text.endswith(f"{CELL_ERROR}:\nx = 1\nAssertionError: modes 3 < 8")
    assert execution_failures(tmp_path / "clean") == ""


def find_chromium() -> str | None:
    names = [os.environ.get("CHROMIUM", ""), "chromium", "chromium-browser"]
    return next(
        (shutil.which(name) for name in names if name and shutil.which(name)), None
    )


@pytest.fixture(scope="module")
def chromium() -> str:
    exe = find_chromium()
    if exe is None:
        how = (
            "apt-get install chromium (Debian/Ubuntu), or set CHROMIUM=/path/to/chrome"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is needed to check the built book: {how}")
        pytest.skip(f"!!! CHROMIUM NOT FOUND: the built book was NOT checked. {how}")
    return exe


@pytest.fixture(scope="module")
def built_book(pytestconfig: pytest.Config) -> tuple[Path, str]:
    """Build the whole book with the smoke profile, every chapter executed.

    Returns the HTML folder and what went wrong ("" when the build passed), so that
    ``test_book_builds`` reports a failure once, in full.
    """
    # One torch thread, as tools/dev sets it; see _config.yml's execute section.
    env = {**os.environ, "GANTUTOR_PROFILE": "smoke", "OMP_NUM_THREADS": "1"}
    env.pop("MPLBACKEND", None)
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [
        str(jupyter_book),
        "build",
        ".",
        "--all",
        "-W",
        "-n",
        "--keep-going",
        "--path-output",
        str(BUILD.relative_to(ROOT)),
    ]
    shutil.rmtree(HTML, ignore_errors=True)  # no page or report left from before
    shutil.rmtree(CACHE, ignore_errors=True)  # execute every chapter, whatever changed
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    BUILD.mkdir(parents=True, exist_ok=True)
    log = BUILD / "build.log"
    start = time.perf_counter()
    with log.open("w") as out:
        result = subprocess.run(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    seconds = time.perf_counter() - start
    plugins = pytestconfig.pluginmanager
    reporter = plugins.get_plugin("terminalreporter")
    capture = plugins.get_plugin("capturemanager")
    message = f"book built (smoke profile) in {seconds:.1f} s; log: {log}"
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():  # else it is captured, unseen
            reporter.write_line(f"\n{message}")
    else:
        print(message)
    if result.returncode == 0:
        return HTML, ""
    build_log = log.read_text(errors="replace").splitlines()
    warnings = [
        ANSI.sub("", line)
        for line in build_log
        if "WARNING:" in line or "ERROR:" in line  # Sphinx's, not a kernel's
    ]
    return HTML, (
        f"jupyter-book build failed (exit {result.returncode}) after {seconds:.0f} s; "
        f"log: {log}\n"
        + (execution_failures(HTML) or "no chapter failed to execute")
        + "\n\n=== warnings and errors (-W makes each fatal):\n"
        + "\n".join(warnings[-40:] or build_log[-40:])
    )


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves quietly; remembers the requests it could not answer."""

    failed: list[str] = []

    def log_request(self, code="-", size="-"):
        if isinstance(code, int) and code >= 400 and self.path != "/favicon.ico":
            self.failed.append(f"{code} {self.path}")

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def site(built_book: tuple[Path, str]):
    """Serve the built HTML on a free port of 127.0.0.1; yield its base URL."""
    html, failure = built_book
    if failure:
        pytest.fail("the book did not build: see test_book_builds", pytrace=False)
    handler = functools.partial(_Handler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def run_chromium(exe: str, url: str, *args: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, url],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, f"chromium failed on {url}:\n{result.stderr[-2000:]}"
    return result.stdout


@pytest.mark.book
def test_book_builds(built_book: tuple[Path, str]):
    html, failure = built_book
    if failure:
        pytest.fail(failure, pytrace=False)
    for page in toc_pages():
        assert (html / f"{page}.html").is_file(), f"{page}.html was not built"


@pytest.mark.book
@pytest.mark.parametrize("page", toc_pages())
def test_page_in_browser(page: str, site: str, chromium: str):
    url = f"{site}/{page}.html"
    is_notebook = (ROOT / f"{page}.ipynb").is_file()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{page.replace('/', '__')}.png"
    _Handler.failed.clear()
    run_chromium(chromium, url, f"--screenshot={shot}")
    dom = run_chromium(chromium, url, "--dump-dom")
    problems = [f"request failed: {failed}" for failed in _Handler.failed]
    problems += page_problems(
        dom,
        min_figures=MIN_FIGURES.get(page, 1 if is_notebook else 0),
        colab_link=f"{colab_prefix()}{page}.ipynb" if is_notebook else None,
    )
    assert not problems, f"{url} (screenshot {shot}):\n" + "\n".join(problems)
