# backcare-tray: `make run` to use it, `make check` for the quick check while working on it,
# `make test` for the whole suite (what CI runs), `make bench` to measure it.

VENV := .venv
# On Linux the venv comes from the system interpreter with its site packages, so the
# distribution's PyGObject (GTK tray) and dbus-python (notifications) are visible.
SYSTEM_PYTHON := $(shell test -x /usr/bin/python3 && echo /usr/bin/python3 || echo python3)
BIN := $(VENV)/bin
# The way pipx installs: no system site packages, so no GTK bindings. The tests check that
# such an install still has its tray icon wherever a StatusNotifierItem host is.
BARE := .venv-bare

.PHONY: run check test bench soak clean messages system-run system-test windows-python windows-test

# System packages come first: on a fresh machine even `python3 -m venv` needs python3-venv.
system-run:
	scripts/system-packages run

system-test:
	scripts/system-packages test

$(BIN)/python:
	$(SYSTEM_PYTHON) -m venv --system-site-packages $(VENV)

$(BARE)/bin/python:
	$(SYSTEM_PYTHON) -m venv $(BARE)

run: system-run $(BIN)/python
	$(BIN)/pip install -q .
	$(BIN)/backcare-tray run

# The quick check: lint, format, types and the pure and in-process tests (`-m "not desktop"`).
# No root, no apt, no desktop programs: it never runs scripts/system-packages. About a minute.
check: $(BIN)/python
	$(BIN)/pip install -q '.[test]'
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy backcare_tray tests benchmarks
	$(BIN)/pytest -m "not desktop"

# The translations' template from the code and the stretches, merged into each language's
# catalog (docs/translating.md); `scripts/messages init LANG` starts a new language.
messages: $(BIN)/python
	$(BIN)/pip install -q '.[test]'
	$(BIN)/python scripts/messages

# Installs the package itself (not editable), so the tests use what a user would get;
# BACKCARE_TRAY_EXPECT_INSTALLED=1 makes the suite prove it imports that installed copy.
# The Windows Python under Wine is prepared first: tests/test_wine_desktop.py drives it;
# last, the suite's non-desktop tests run again in that Windows Python.
test: system-test $(BIN)/python $(BARE)/bin/python
	$(BIN)/pip install -q '.[test]'
	$(BARE)/bin/pip install -q .
	$(BIN)/python scripts/windows-python prepare
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy backcare_tray tests benchmarks
	BACKCARE_TRAY_EXPECT_INSTALLED=1 $(BIN)/pytest
	$(BIN)/python scripts/windows-python test

# Windows Python under Wine (.windows/: a prefix made once, the pinned embeddable CPython,
# win_amd64 wheels and this package's wheel, reinstalled each time).
windows-python: system-test $(BIN)/python
	$(BIN)/python scripts/windows-python prepare

# The suite's tests that need no Linux desktop, run in Windows Python.
windows-test: windows-python
	$(BIN)/python scripts/windows-python test

bench: system-test $(BIN)/python $(BARE)/bin/python
	$(BIN)/pip install -q '.[test]'
	$(BARE)/bin/pip install -q .
	$(BIN)/python benchmarks/idle_footprint.py
	$(BIN)/python benchmarks/stats_speed.py
	$(BIN)/python benchmarks/answer_latency.py
	$(BIN)/python benchmarks/cue_latency.py
	$(BIN)/python benchmarks/coach_start.py
	$(BIN)/python benchmarks/window_open.py
	$(BARE)/bin/python benchmarks/routine_footprint.py
	$(BIN)/python benchmarks/soak.py

# Memory over 1,000 fast break cycles, with the tray and without it.
soak: system-test $(BIN)/python
	$(BIN)/pip install -q '.[test]'
	$(BIN)/python benchmarks/soak.py
	$(BIN)/python benchmarks/soak.py --tray xfce4-panel
	$(BIN)/python benchmarks/soak.py --no-tray

clean:
	rm -rf $(VENV) $(BARE) build dist .pytest_cache .mypy_cache .ruff_cache .windows
