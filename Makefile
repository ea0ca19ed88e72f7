# The two commands of the README:
#   make book   set up, build the website, serve it on http://127.0.0.1:$(PORT)/ and open it
#   make test   set up and run every test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000

# The notebooks store their printed numbers, and the tests compare them exactly. numpy
# picks its vector kernels (exp, sin, power, ...) and OpenBLAS its matrix kernels by
# CPU, and they differ in the last bits; a long or chaotic run (a sweep's best cell)
# can magnify that. Pinning both to the AVX2 kernels makes every x86-64 machine with
# AVX2 compute the same bits, so the stored outputs hold on any of them.
export NPY_DISABLE_CPU_FEATURES := X86_V4 AVX512_ICL AVX512_SPR
export OPENBLAS_CORETYPE := Haswell

# matplotlib's font list, kept with this checkout's environment: the one shared in ~/.cache
# can list the fonts of another environment's matplotlib (one since deleted), and then every
# figure warns on stderr, which nbval reports as a changed output. Built once, before any
# notebook runs, so that no notebook prints "building the font cache" either.
export MPLCONFIGDIR := $(abspath $(VENV))/matplotlib
FONTS := $(MPLCONFIGDIR)/.built

.PHONY: alt-text book serve test lock bench bench-browser bench-live setup browser offline notebooks sync-repository student clean

# The test environment is locked: requirements-lock.txt holds the exact version of every
# package, so that a fresh machine next year computes the outputs the notebooks store.
# Readers' requirements.txt stays loose. `make lock` refreshes the lock.
$(STAMP): requirements.txt requirements-dev.txt requirements-lock.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c requirements-lock.txt
	touch $(STAMP)

lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -r requirements-dev.txt
	{ echo "# Exact versions for make test and CI; refreshed by make lock (readers use requirements.txt)."; \
	  .venv-lock/bin/python -m pip freeze --exclude-editable; } > requirements-lock.txt
	rm -rf .venv-lock

setup: $(STAMP) $(FONTS)

$(FONTS): $(STAMP)
	$(BIN)/python -c "import matplotlib.font_manager"
	touch $@

# MathJax, require.js and the widget manager, from the npm registry, for a site that
# works with the network off (copied into the site's root, not its _static/).
# pyodide: the core of the in-browser edition (tools/lite_site.py checks each file's
# sha256 before it enters the site); axe-core: the tests' accessibility checker.
OFFLINE := .offline/site
NPM_PACKAGES := mathjax@3.2.2 requirejs@2.3.8 @jupyter-widgets/html-manager@1.0.15 \
                pyodide@0.27.7 axe-core@4.14.1
$(OFFLINE)/.done: book/_offline/widgets-offline.js Makefile
	npm install --no-save --no-audit --no-fund --loglevel=error --prefix .offline $(NPM_PACKAGES)
	rm -rf $(OFFLINE)
	mkdir -p $(OFFLINE)/mathjax $(OFFLINE)/widgets
	cp .offline/node_modules/mathjax/es5/tex-chtml.js $(OFFLINE)/mathjax/
	for part in output input a11y ui adaptors; do cp -r .offline/node_modules/mathjax/es5/$$part $(OFFLINE)/mathjax/; done
	cp .offline/node_modules/requirejs/require.js $(OFFLINE)/require.min.js
	cp -r .offline/node_modules/@jupyter-widgets/html-manager/dist/. $(OFFLINE)/widgets/
	cp book/_offline/widgets-offline.js $(OFFLINE)/
	touch $@

offline: $(OFFLINE)/.done

# The build also writes the in-browser edition into _build/html/lite (book/_ext/live_site.py).
# It is served over http: Pyodide cannot run from file://.
# The build also prints the book to _build/html/book.pdf with chromium (book/_ext/print_edition.py).
book: $(STAMP) $(FONTS) browser $(OFFLINE)/.done
	$(BIN)/jupyter-book build . -W -n --keep-going
	$(MAKE) --no-print-directory serve

serve:
	@echo "Serving the book at http://127.0.0.1:$(PORT)/ (Ctrl-C stops it; any static server will do)"
	-@(sleep 1; $(BIN)/python -m webbrowser -t "http://127.0.0.1:$(PORT)/" >/dev/null 2>&1) &
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

# Debian's chromium, for the browser tests (installed when we may; skipped otherwise).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } \
	  || echo "chromium is not installed: the browser tests will be skipped, and the book's PDF cannot be printed"

test: $(STAMP) $(FONTS) browser $(OFFLINE)/.done
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/adam_update.py
	$(BIN)/python benchmarks/widget_slider.py
	$(BIN)/python benchmarks/sweep.py

# End to end in JupyterLab + chromium (needs jupyterlab, installed here for it alone).
bench-browser: $(STAMP) browser
	$(BIN)/python -m pip install --quiet jupyterlab
	$(BIN)/python benchmarks/widget_browser.py

# The in-browser edition in chromium: cold and warm start, bytes, slider moves.
bench-live: $(STAMP) $(FONTS) browser $(OFFLINE)/.done
	test -e _build/html/lite/jupyter-lite.json || $(BIN)/jupyter-book build . -W -n --keep-going
	$(BIN)/python benchmarks/live_browser.py

# After editing a notebook: run it and store its text outputs (what nbval compares).
notebooks: $(STAMP) $(FONTS)
	$(BIN)/python tools/refresh_notebooks.py

# After changing a figure: describe each figure in words for its alt text (cell metadata).
alt-text: $(STAMP) $(FONTS)
	$(BIN)/python tools/figure_alt.py

# Assignment notebooks: the chapters with their solutions replaced by stubs.
student: $(STAMP)
	$(BIN)/python tools/student_versions.py _build/student

# After changing repository.url in _config.yml: write it into every notebook's first cell.
sync-repository: $(STAMP)
	$(BIN)/python tools/refresh_notebooks.py --repository-only

clean:
	rm -rf _build .pytest_cache .hypothesis .offline
