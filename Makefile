# Two commands for a fresh machine: `make demo` and `make test`.
# Both set up what is missing first (scripts/bootstrap.sh).
.PHONY: setup demo test lint format bench

VENV := .venv/bin
DEMO_OUT ?= demo-out

setup:
	@bash scripts/bootstrap.sh

# Windowed when a display is there; headless it records a scripted walk-through to $(DEMO_OUT)/.
demo: setup
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then $(VENV)/kiosk demo; \
	else $(VENV)/kiosk demo --headless --record $(DEMO_OUT); fi

# The house rules first (ruff, layer contracts, pyright), each failing the run on a violation.
test: setup lint
	$(VENV)/python -m pytest -q

lint: setup
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/lint-imports --no-cache
	$(VENV)/pyright

format: setup
	$(VENV)/ruff format .
	$(VENV)/ruff check --fix .

bench: setup
	@for b in bench/*.py; do echo "== $$b"; $(VENV)/python $$b; done
