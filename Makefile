# Two commands matter: `make serve` and `make test`. Everything else is a helper.
PY      := .venv/bin/python
STAMP   := .venv/.installed
CHROMIUM := /usr/bin/chromium

.PHONY: serve build check lint format test test-fast bench bench-scale screenshots clean

PORT    ?= 8000

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

# serve shows the content's problems in the browser too: a broken file must not stop it.
serve: $(STAMP)
	@$(PY) -m generator check || true
	.venv/bin/mkdocs serve --dev-addr 127.0.0.1:$(PORT)

build: $(STAMP)
	$(PY) -m generator build --strict

check: $(STAMP)
	$(PY) -m generator check

# The lint CI runs before the tests: ruff's rules and its formatter, as configured in pyproject.toml.
lint: $(STAMP)
	.venv/bin/ruff check generator tests
	.venv/bin/ruff format --check generator tests

format: $(STAMP)
	.venv/bin/ruff check --fix generator tests
	.venv/bin/ruff format generator tests

$(CHROMIUM):
	(apt-get install -y --no-install-recommends chromium || \
	 (apt-get update && apt-get install -y --no-install-recommends chromium)) >/dev/null

test: $(STAMP) $(CHROMIUM)
	$(PY) -m pytest -q

# The inner loop: no browser, nothing slow, no network (about a minute).
test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not browser and not slow and not network"

bench: $(STAMP) $(CHROMIUM)
	$(PY) tests/bench.py

bench-scale: $(STAMP) $(CHROMIUM)
	$(PY) tests/bench.py --scale

screenshots: $(STAMP) $(CHROMIUM)
	$(PY) tests/screenshots.py

clean:
	rm -rf site .bench screenshots
