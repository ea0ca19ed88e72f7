"""Run the book's notebooks and store their text outputs, which nbval compares.

Images, HTML and widget views are not stored (they are large, and nbval does
not compare them); their text/plain stays, so every output is still checked.
The first cell of each notebook installs mlopt where it is missing (FIRST_CELL: in
the browser from the website's own wheel, on Colab from the repository named in
_config.yml); this script writes it.

    python tools/refresh_notebooks.py [NOTEBOOK ...]   # all of book/ by default
    python tools/refresh_notebooks.py --repository-only
    python tools/refresh_notebooks.py --figures /tmp/figures book/adam.ipynb   # also save the images
"""

import argparse
import base64
import configparser
import pathlib
import re
import sys

import nbclient
import nbformat
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
KEPT = {"text/plain", "text/markdown", "text/latex"}


def sanitizers():
    """The regex replacements nbval applies (nbval-sanitize.cfg), to store the short form."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "nbval-sanitize.cfg")
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]
INSTALL = re.compile(r'"mlopt @ git\+[^"]*"')
FIRST_CELL = """\
# Install mlopt where it is missing: in the browser (the website's "Run in your browser",
# JupyterLite) from the website's own files, elsewhere (Colab) from the book's repository.
import sys

if sys.platform == "emscripten":
    %pip install --quiet mlopt matplotlib ipywidgets tqdm
try:
    import mlopt
except ImportError:
    %pip install --quiet "mlopt @ git+{url}"
    import mlopt"""


def repository():
    return yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]


def set_repository(notebook, url):
    """The first cell installs mlopt (see FIRST_CELL), from the repository at ``url``."""
    first = notebook.cells[0]
    if first.cell_type != "code" or not INSTALL.search(first.source):
        raise SystemExit(f"the first cell must install mlopt from the repository:\n{first.source}")
    first.source = FIRST_CELL.format(url=url)


def save_figures(notebook, folder, stem):
    """Write every image output to folder/<stem>-<cell>-<n>.png, to look at."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, cell in enumerate(notebook.cells):
        for j, output in enumerate(cell.get("outputs", [])):
            if "image/png" in output.get("data", {}):
                (folder / f"{stem}-{i:02d}-{j}.png").write_bytes(base64.b64decode(output["data"]["image/png"]))


def strip(notebook):
    """Keep text outputs; HTML in the short form nbval's sanitizer gives it (a table's
    HTML stays whole: nbval compares it too), never an embedded picture."""
    notebook.metadata.pop("widgets", None)
    rules = sanitizers()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            if "data" in output:
                data = {k: v for k, v in output["data"].items() if k in KEPT}
                # A live widget's HTML stand-in (the explorer's picture) is for the website.
                widget = "application/vnd.jupyter.widget-view+json" in output["data"]
                html = None if widget else output["data"].get("text/html")
                if html is not None:
                    html = "".join(html) if isinstance(html, list) else html
                    for regex, replace in rules:
                        html = regex.sub(replace, html)
                    if len(html) > 20000 or "data:" in html:  # a table, not a picture
                        raise SystemExit(f"an HTML output of {len(html)} characters would be stored: {html[:200]}")
                    data["text/html"] = html
                output["data"] = data
                output["metadata"] = {}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    parser.add_argument("--repository-only", action="store_true")
    parser.add_argument("--figures", type=pathlib.Path, help="also save the images here")
    args = parser.parse_args()
    paths = args.notebooks or sorted((ROOT / "book").glob("*.ipynb"))
    url = repository()
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        set_repository(notebook, url)
        if not args.repository_only:
            print(f"running {path.name}", file=sys.stderr)
            client = nbclient.NotebookClient(
                notebook, timeout=600, kernel_name="python3",
                resources={"metadata": {"path": str(path.parent)}},
            )
            client.execute()
            if args.figures:
                save_figures(notebook, args.figures, path.stem)
            strip(notebook)
        nbformat.write(notebook, path)


if __name__ == "__main__":
    main()
