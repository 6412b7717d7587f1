# Two commands matter: `make run` and `make test`. Everything else is a step they call.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint typecheck unit content-check bench postgres-binaries clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

## run: start the bot (Socket Mode or HTTP with tokens; the local playground without)
run: $(STAMP)
	$(BIN)/coachbot run --playground-without-tokens

## test: lint, types, the content check and the whole suite (PostgreSQL tier included)
test: lint content-check postgres-binaries unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

content-check: $(STAMP)
	$(BIN)/coachbot content check

# pytest exits 5 when a marker selects no tests; that is not a failure. Two workers per core
# (pytest-xdist): many tests wait on sockets and subprocesses, and every test uses its own
# temporary directory, database and ports.
WORKERS ?= $(shell echo $$(( $$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1) * 2 )))
unit: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider -q -n $(WORKERS) $(PYTEST_ARGS); rc=$$?; [ $$rc -eq 5 ] && rc=0; exit $$rc

## PostgreSQL tests start a throwaway server from the installed binaries; install them if missing.
postgres-binaries:
	@if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
		else echo "PostgreSQL binaries missing: install the 'postgresql' package to run the PostgreSQL tier"; fi; \
	fi

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) *.egg-info .mypy_cache .ruff_cache
