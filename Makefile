# The two commands: `make run` and `make test`. Everything runs inside .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := training_app

.PHONY: run test bench lint format translations serve worker backup clean

$(VENV)/.installed-base: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed-base
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $@

## Migrate the SQLite database under instance/, load municipalities and demo data, serve on :5000.
run: $(VENV)/.installed-base
	$(BIN)/flask db upgrade
	$(BIN)/flask seed
	$(BIN)/flask demo
	@echo "Serving on http://127.0.0.1:5000 (stop with Ctrl+C)"
	$(BIN)/flask run --host 127.0.0.1 --port 5000

## Run the whole test suite (SQLite, or PostgreSQL when TEST_DATABASE_URL is set).
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-base
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@

## Seed a large data set, load the main pages, print one table (benchmarks/results.md); ~5 min.
bench: $(VENV)/.installed-bench
	$(BIN)/python -m benchmarks

lint: $(VENV)/.installed-test
	$(BIN)/ruff check training_app tests benchmarks config.py
	$(BIN)/ruff format --check training_app tests benchmarks config.py

format: $(VENV)/.installed-test
	$(BIN)/ruff format training_app tests benchmarks config.py

## Extract messages, merge them into the catalogues and compile them (commit the .po and .mo).
translations: $(VENV)/.installed-base
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o training_app/translations/messages.pot --no-location --omit-header .
	$(BIN)/pybabel update -i training_app/translations/messages.pot -d training_app/translations --no-fuzzy-matching --omit-header
	$(BIN)/pybabel compile -d training_app/translations

## Production-like: gunicorn with several workers (set DATABASE_URL, SECRET_KEY, TCKN_KEY).
serve: $(VENV)/.installed-base
	$(BIN)/flask db upgrade
	$(BIN)/gunicorn --workers $${WORKERS:-4} --bind $${BIND:-127.0.0.1:8000} 'training_app:create_app("production")'

## Background jobs (bulk prints, mail) from Redis: set REDIS_URL for this and for `serve`.
worker: $(VENV)/.installed-base
	$(BIN)/flask worker

clean:
	rm -rf $(VENV) instance/*.sqlite3
