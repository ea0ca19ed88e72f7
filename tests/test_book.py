"""The book: its notebooks agree with the configuration, it builds with -W, and every
page works in a browser with the network off.

The notebooks themselves are run by nbval (pytest --nbval, in the README's test
command), which compares their stored text outputs with a fresh run.
"""

import ast
import html as htmllib
import pathlib
import re
import sys
import urllib.parse

import nbformat
import pytest
import yaml
from browser import axe_violations, watch

import mlopt
from mlopt.records import record

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tools"))
import book_pdf  # noqa: E402  (its chapters(): the toc's documents in reading order)
import refresh_notebooks  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
SCREENSHOTS = ROOT / "_build" / "screenshots"


def test_every_book_file_is_in_the_toc():
    listed = {f"{name}" for name in book_pdf.chapters()}
    present = {f"book/{p.stem}" for p in (ROOT / "book").iterdir() if p.suffix in (".ipynb", ".md")}
    assert listed == present


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_first_cell_installs_mlopt_from_the_configured_repository(path):
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.cell_type == "code" and "remove-cell" in first.metadata.get("tags", [])
    assert first.source == refresh_notebooks.FIRST_CELL.format(url=CONFIG["repository"]["url"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_light(path):
    """No images, widget state or large HTML committed: text outputs, and HTML only as a
    table's (what nbval compares), never an embedded picture."""
    notebook = nbformat.read(path, as_version=4)
    assert "widgets" not in notebook.metadata
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            assert set(data) <= {"text/plain", "text/markdown", "text/latex", "text/html"}
            html = "".join(data.get("text/html", ""))
            assert len(html) < 20_000 and "data:" not in html
    assert path.stat().st_size < 200_000


# The build -------------------------------------------------------------------------


def pages(site):
    return [site / f"{name}.html" for name in book_pdf.chapters()] + [site / "search.html"]


def test_every_toc_entry_became_a_page(site):
    for page in pages(site):
        assert page.exists(), page
    assert (site / "index.html").exists()


def test_no_third_party_file_sits_in_static(site):
    static = {p.name for p in (site / "_static").iterdir()}
    assert not {"mathjax", "require.min.js", "widgets"} & static
    assert (site / "mathjax" / "tex-chtml.js").exists() and (site / "widgets" / "embed-amd.js").exists()


@pytest.mark.parametrize("name", list(mlopt.OPTIMIZERS))
def test_a_chapter_shows_the_modules_own_function(site, name):
    html = (site / "book" / f"{record(name).chapter}.html").read_text()
    source = (ROOT / "mlopt" / "optimizers" / f"{name}.py").read_text()
    rule = mlopt.OPTIMIZERS[name]().rule.__name__  # update (a gradient's rule), or step (Newton, L-BFGS)
    function = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == rule)
    body = ast.get_source_segment(source, function)
    text = htmllib.unescape(re.sub(r"<[^>]+>", "", html))
    for line in body.splitlines():
        assert line.strip() in text, line


# In the browser ----------------------------------------------------------------------


def page_ids():
    return [name.split("/")[-1] for name in book_pdf.chapters()] + ["search"]


@pytest.mark.parametrize("index", range(len(page_ids())), ids=page_ids())
def test_page_in_the_browser(site, server, browser, index):
    path = pages(site)[index]
    relative = path.relative_to(site).as_posix()
    page = watch(browser.new_page(viewport={"width": 1280, "height": 900}))
    page.goto(f"{server}/{relative}", wait_until="load")
    html = path.read_text()

    if 'class="math' in html:  # MathJax typeset every formula; no raw TeX is visible
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
        assert page.locator("mjx-container").count() > 0
        text = page.inner_text("main")
        assert "\\begin{" not in text and "$$" not in text and "\\frac" not in text

    if "Explorer(" in html:  # the live explorer: its picture and a link that makes it live
        snapshot = page.locator(".mlopt-explorer-snapshot img")
        assert snapshot.count() == 1 and snapshot.evaluate("i => i.complete && i.naturalWidth") > 0
        assert snapshot.get_attribute("alt").startswith("Paths of ")
        assert page.locator(".jupyter-widgets input, .widget-slider").count() == 0  # no dead controls
        link = page.locator(".mlopt-explorer-snapshot a.mlopt-live-link").get_attribute("href")
        assert link == page.locator("a.mlopt-live-run").get_attribute("href")
    if path.parent.name == "book" and path.with_suffix(".ipynb").name in {p.name for p in NOTEBOOKS}:
        run = page.locator("a.mlopt-live-run")  # every chapter runs in the browser, from this site
        assert run.count() == 1 and "loads about" in page.inner_text(".mlopt-live")
        notebook = urllib.parse.parse_qs(urllib.parse.urlparse(run.get_attribute("href")).query)["path"][0]
        assert (site / "lite" / "files" / notebook).exists()
        student = page.locator("a.mlopt-live-student").get_attribute("href")
        assert (site / "lite" / "files" / "student" / path.with_suffix(".ipynb").name).exists()
        assert student.endswith(f"path=student/{path.with_suffix('.ipynb').name}")

    for viewer in page.locator(".mlopt-viewer").all():  # kernel-free figures respond
        viewer.scroll_into_view_if_needed()
        before = viewer.locator("canvas").evaluate("c => c.toDataURL()")
        viewer.locator(".mlopt-lr").first.focus()
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowLeft")
        assert viewer.locator("canvas").evaluate("c => c.toDataURL()") != before

    assert axe_violations(page) == []
    for alt in page.locator("main img").evaluate_all("images => images.map(i => i.getAttribute('alt'))"):
        assert alt and "_images/" not in alt, f"an image without a description: {alt!r} (make alt-text)"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{path.stem}.png"), full_page=True)
    page.screenshot(path=str(SCREENSHOTS / f"{path.stem}-top.png"))

    outside = [u for u in page.requests if not u.startswith((server, "data:", "blob:", "about:"))]
    assert outside == [], outside
    assert page.problems == [], page.problems
    page.close()


def test_internal_links_resolve(site):
    broken = []
    for path in pages(site) + [site / "index.html"]:
        html = path.read_text()
        for href in re.findall(r'href="([^"]+)"', html):
            if re.match(r"^[a-z]+:", href) or href.startswith("//"):
                continue
            url, _, fragment = urllib.parse.unquote(href).partition("#")
            url = url.partition("?")[0]
            target = (path.parent / url).resolve() if url else path
            if not target.exists():
                broken.append(f"{path.name}: {href}")
            elif fragment and target.suffix == ".html" and f'id="{fragment}"' not in target.read_text():
                broken.append(f"{path.name}: {href} (no such anchor)")
    assert broken == []


# The whole book as one PDF (book/_ext/print_edition.py, tools/book_pdf.py) -------------

# The delimiters of the pages' formulas (\( \) \[ \] and $$, \begin{align}): left in the text
# only where MathJax did not typeset them. (Code may hold TeX of its own: matplotlib's $...$.)
TEX = re.compile(r"\\[()\[\]]|\$\$|\\begin\{")


def test_the_pdf_holds_every_chapter_typeset_with_its_figures(site):
    from pypdf import PdfReader

    pdf = PdfReader(site / "book.pdf")
    titles = [item.title for item in pdf.outline]
    headings = [re.search(r"<h1>([^<]*)<a class=\"headerlink\"", (site / f"{doc}.html").read_text())
                for doc in book_pdf.chapters()]
    assert titles == [htmllib.unescape(h.group(1)).strip() for h in headings]
    starts = [pdf.get_destination_page_number(item) for item in pdf.outline]
    assert starts == sorted(starts) and len(pdf.pages) > 3 * len(titles)

    text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert TEX.search(text) is None, TEX.search(text)  # MathJax typeset every formula
    assert "Exercise" in text and "def update(" in text  # exercises and the modules' own code

    figures = sum(len(page.images) for page in pdf.pages)  # each figure and explorer picture
    shown = sum(len(re.findall(r'<img [^>]*src="(\.\./_images/|data:image)', (site / f"{doc}.html").read_text()))
                for doc in book_pdf.chapters())
    assert figures >= shown > 50, (figures, shown)
