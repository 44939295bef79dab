# Two commands do everything: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install browser bench bench-scaling clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	# byte-compile as a wheel install does: every lo-audit start then skips compiling ~150
	# modules, even where PYTHONDONTWRITEBYTECODE is set (it stops writing, not reading)
	$(BIN)/python -m compileall -q crawler checks common lo_audit bench > /dev/null
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

# The real site of the benchmark: Python's documentation from the Debian package python3-doc.
bench: browser
	@test -f /usr/share/doc/python3/html/index.html || { [ "$$(id -u)" = 0 ] && apt-get install -y python3-doc; } \
		|| echo "python3-doc is not installed (apt-get install -y python3-doc): the benchmark needs it"
	$(BIN)/python -m bench.run

# The same synthetic static site at 1,000 and 10,000 pages: time per page and peak memory should not grow.
bench-scaling: browser
	$(BIN)/python -m bench.run --sites static:1000 static:10000 --repeat 1 --no-page --results scaling.json

clean:
	rm -rf $(VENV) site reports .lo-audit
