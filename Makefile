# Two commands on a fresh machine: `make run` (demo on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
VENDOR := keyprojects/static/vendor
HOST ?= 127.0.0.1:8000

.PHONY: run test lint bench messages assets clean-var

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/bootstrap $(VENDOR)/bootstrap-icons $(VENDOR)/htmx $(VENDOR)/echarts $(VENDOR)/tom-select $(VENDOR)/axe-core $(VENDOR)/hls
	cp -r node_modules/bootstrap/dist/css node_modules/bootstrap/dist/js $(VENDOR)/bootstrap/
	cp -r node_modules/bootstrap-icons/font $(VENDOR)/bootstrap-icons/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp node_modules/tom-select/dist/js/tom-select.complete.min.js node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css $(VENDOR)/tom-select/
	cp node_modules/axe-core/axe.min.js $(VENDOR)/axe-core/
	cp node_modules/hls.js/dist/hls.min.js $(VENDOR)/hls/
	touch $@

assets: $(VENDOR)/.installed

run: $(VENV)/.installed assets
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py seed_demo
	@echo "Starting the background worker, the scheduler and the web server on http://$(HOST)/ (Ctrl-C stops them)"
	@trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py db_worker --interval 1 & \
	$(PY) manage.py run_scheduler & \
	$(PY) manage.py runserver $(HOST)

test: $(VENV)/.installed assets
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run -v 0
	KEYPROJECTS_PRODUCTION=1 SECRET_KEY=check-deploy-$$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n') \
		ALLOWED_HOSTS=keyprojects.example.org $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) -m pytest -q $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

bench: $(VENV)/.installed
	$(PY) -m bench $(BENCH_ARGS)

messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --no-location -i node_modules -i .venv -i bench
	$(PY) manage.py compilemessages -l zh_Hans -i .venv -i node_modules
