# `make run` serves the app with demo data and a console mail sink; `make test` runs the suite.
VENV ?= .venv
PYTHON ?= python3
FLASK = $(VENV)/bin/flask --app wsgi
MAIL_SINK_PORT ?= 1025

.PHONY: install run test lint audit scan mail-sink clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

# A development-only settings file with a fresh random secret; never committed.
.env:
	@printf 'CLINIC_ENV=development\nSECRET_KEY=%s\nMAIL_SERVER=127.0.0.1\nMAIL_PORT=$(MAIL_SINK_PORT)\n' \
		"$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))')" > $@
	@echo "Wrote .env for local development."

run: install .env
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@echo "Emails are printed below by the local mail sink on port $(MAIL_SINK_PORT)."
	@$(VENV)/bin/python -m aiosmtpd -n -l 127.0.0.1:$(MAIL_SINK_PORT) -c aiosmtpd.handlers.Debugging & \
		sink=$$!; trap 'kill $$sink 2>/dev/null' EXIT INT TERM; \
		$(FLASK) run --debug --host 127.0.0.1 --port 5000

mail-sink: install
	$(VENV)/bin/python -m aiosmtpd -n -l 127.0.0.1:$(MAIL_SINK_PORT) -c aiosmtpd.handlers.Debugging

# Worker processes for the suite (pytest-xdist), each with databases of its own.
TEST_WORKERS ?= 3

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

# sqlmap, wapiti and pip-audit, in a venv of their own (pyproject.toml, group "scan").
SCAN_TOOLS = $(VENV)/scan-tools

$(SCAN_TOOLS)/.installed: pyproject.toml
	$(PYTHON) -m venv $(SCAN_TOOLS)
	$(SCAN_TOOLS)/bin/pip install --quiet --upgrade pip
	$(SCAN_TOOLS)/bin/pip install --quiet --group scan
	touch $@

# Lists every pinned dependency with the installed version; fails on a mismatch.
# Then pip-audit checks the app's installed packages for known vulnerabilities.
audit: install $(SCAN_TOOLS)/.installed
	$(VENV)/bin/pip list --format=freeze | $(VENV)/bin/python scripts/audit_dependencies.py pyproject.toml
	$(VENV)/bin/python -m scans.pip_audit --tool $(SCAN_TOOLS)/bin/pip-audit --venv $(VENV)

# sqlmap and wapiti against a scratch copy of the app on loopback (about 15 minutes);
# fails on any finding not on scans/known_false_positives.toml.
scan: install $(SCAN_TOOLS)/.installed
	$(VENV)/bin/python -m scans.run --tools $(SCAN_TOOLS)/bin

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
