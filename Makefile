# vanban — quick start: `make build` then `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SRC    := pipeline tests $(wildcard bench)

.PHONY: venv build templates test lint typecheck unit fuzz bench bench-instructions clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

## Render every example of inputs/ into build/ (and the record examples of inputs/examples/van-ban/).
build: venv
	$(BIN)/vanban build inputs -o build
	$(BIN)/vanban build inputs/examples/van-ban -o build/examples/van-ban

## Rebuild the rules read at run time and the built-in Word templates from the profiles.
templates: venv
	$(BIN)/python -m pipeline.profiles
	$(BIN)/python -m pipeline.authoring templates/docx

lint: venv
	$(BIN)/ruff check $(SRC)
	$(BIN)/ruff format --check $(SRC)
	$(BIN)/lint-imports

typecheck: venv
	$(BIN)/mypy

unit: venv
	$(BIN)/pytest -q

## The whole suite: lint, import layers, mypy --strict, pytest.
test: lint typecheck unit

## Long fuzz run of the loaders and the checker's reader (hypothesis, issue 15); prints
## how many inputs were tried. `make test` runs the same tests with a few examples each.
FUZZ_EXAMPLES ?= 2000
fuzz: venv
	VANBAN_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q -s tests/test_fuzz_loaders.py

bench: venv
	$(BIN)/python bench/batch.py

## Per-plan CPU instructions of each batch stage (valgrind): compares versions exactly.
bench-instructions: venv
	$(BIN)/python bench/instructions.py

clean:
	rm -rf build
