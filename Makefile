# The two commands: `make run` and `make test`. Everything runs inside .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := training_app

.PHONY: run test bench lint format translations serve worker backup clean lock

# Installs come from the lock files in requirements/ (exact versions with their hashes), so that
# two installs a month apart run the same code; the app itself is then added without its deps.
LOCK := requirements
PIP_TOOLS := pip-tools==7.6.2
LOCK_VENV := .lock-venv
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	$(if $(UPGRADE),--upgrade)

$(VENV)/.installed-base: $(LOCK)/main.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)/main.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: $(LOCK)/test.txt $(VENV)/.installed-base
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)/test.txt
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

$(VENV)/.installed-bench: $(LOCK)/bench.txt $(VENV)/.installed-base
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)/bench.txt
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
	$(BIN)/pybabel update -i training_app/translations/messages.pot -d training_app/translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d training_app/translations

## Production-like: gunicorn with several workers (set DATABASE_URL, SECRET_KEY, TCKN_KEY).
serve: $(VENV)/.installed-base
	$(BIN)/flask db upgrade
	$(BIN)/gunicorn --workers $${WORKERS:-4} --bind $${BIND:-127.0.0.1:8000} 'training_app:create_app("production")'

## Background jobs (bulk prints, mail) from Redis: set REDIS_URL for this and for `serve`.
worker: $(VENV)/.installed-base
	$(BIN)/flask worker

## Resolve pyproject.toml's dependencies into the lock files, keeping the pinned versions that
## still fit; `make lock UPGRADE=1` moves every package to its newest version. Commit the result.
lock:
	test -x $(LOCK_VENV)/bin/pip-compile || \
		{ $(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install --quiet '$(PIP_TOOLS)'; }
	$(PIP_COMPILE) --output-file $(LOCK)/main.txt pyproject.toml
	$(PIP_COMPILE) --extra test --extra dev --constraint $(LOCK)/main.txt \
		--output-file $(LOCK)/test.txt pyproject.toml
	$(PIP_COMPILE) --extra bench --constraint $(LOCK)/main.txt \
		--output-file $(LOCK)/bench.txt pyproject.toml

clean:
	rm -rf $(VENV) $(LOCK_VENV) instance/*.sqlite3
