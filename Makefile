# jixiao — all set-up goes through these targets; see README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV := $(PYTHON) -m uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)
export UV_LINK_MODE := copy

.PHONY: install demo test lint format bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

demo: install
	$(VENV)/bin/jixiao demo

test: install
	$(VENV)/bin/python -m pytest -n auto
	@if [ -z "$$JIXIAO_TEST_POSTGRES_URL" ]; then \
	  echo "== PostgreSQL 不可用：未设置 JIXIAO_TEST_POSTGRES_URL，web 测试的 PostgreSQL 轮次全部跳过（.ci/run 会安装并在 127.0.0.1 启动 PostgreSQL）=="; \
	else echo "== web 测试的 PostgreSQL 轮次：$${JIXIAO_TEST_POSTGRES_URL##*@} =="; fi
	JIXIAO_TEST_DB=postgres $(VENV)/bin/python -m pytest -n auto tests/web -m "not browser"

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

bench: install
	$(VENV)/bin/python bench/run.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
