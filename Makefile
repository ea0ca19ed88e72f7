# The two commands of the README:
#   make book   set up, build the website and open it
#   make test   set up and run every test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: book test bench bench-browser setup browser clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "The book is at file://$(CURDIR)/_build/html/index.html"
	-@$(BIN)/python -m webbrowser -t "file://$(CURDIR)/_build/html/index.html" >/dev/null 2>&1

# Debian's chromium, for the browser tests (installed when we may; skipped otherwise).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } \
	  || echo "chromium is not installed: the browser tests will be skipped"

test: $(STAMP) browser
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/adam_update.py
	$(BIN)/python benchmarks/widget_slider.py
	$(BIN)/python benchmarks/sweep.py

# End to end in JupyterLab + chromium (needs jupyterlab, installed here for it alone).
bench-browser: $(STAMP) browser
	$(BIN)/python -m pip install --quiet jupyterlab
	$(BIN)/python benchmarks/widget_browser.py

clean:
	rm -rf _build .pytest_cache .hypothesis
