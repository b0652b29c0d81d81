# adcraft: the commands the README promises. Everything installs itself on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export MLFLOW_DISABLE_TELEMETRY := true

.PHONY: setup fetch demo submit test bench lint mlflow clean help

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# torch first and pinned: pip takes the CPU build on disk here, CUDA on a GPU machine
	$(VENV)/bin/pip install --quiet torch==2.13.0
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

setup: $(STAMP) fetch  ## create .venv, install the project, fetch what the defaults need

fetch: $(STAMP)  ## fetch default data and models into .adcraft/cache (once)
	$(PY) -m pipelines.fetch

demo: setup  ## the whole platform end to end, then the application answering (ARGS=--help)
	$(PY) -m pipelines.demo $(ARGS)

submit: $(STAMP)  ## a pipeline as a Ray Job on RAY_ADDRESS: make submit JOB=tune_conversion ARGS="--trials 16"
	@test -n "$(JOB)" || { echo "JOB= is needed, one of: $$($(PY) -c 'from adcraft_cli.jobs import job_names; print(" ".join(job_names()))')"; exit 2; }
	$(VENV)/bin/adcraft submit $(JOB) -- $(ARGS)

test: setup  ## run the test suite
	$(PY) -m pytest

bench: setup  ## benchmarks: ratios measured side by side, printed
	$(PY) -m bench.features_polars_vs_pandas
	$(PY) -m bench.tune_asha_vs_grid
	$(PY) -m bench.serve_latency
	command -v wrk >/dev/null || apt-get install -y -q wrk || sudo apt-get install -y -q wrk
	$(PY) -m bench.load
	$(PY) -m bench.copy_gate
	$(PY) -m bench.review_polarity
	$(PY) -m bench.copy_store

lint: $(STAMP)  ## ruff
	$(VENV)/bin/ruff check platform adcraft_cli pipelines serve_apps tests bench

mlflow: $(STAMP)  ## MLflow tracking server on the local store (mlflow/README.md)
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" bash mlflow/server.sh

clean:  ## remove built data (keeps .venv and the download cache)
	rm -rf .adcraft/data
