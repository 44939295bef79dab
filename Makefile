# Two commands do everything: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install browser bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Find a Chromium for Playwright: LO_AUDIT_CHROMIUM, an installed Chromium/Chrome,
# `playwright install chromium`, then (as root on Debian/Ubuntu) apt-get.
browser: $(STAMP)
	$(BIN)/lo-audit browser --install

demo: browser
	$(BIN)/lo-audit demo

test: browser
	$(BIN)/pytest

bench: browser
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) site reports .lo-audit
