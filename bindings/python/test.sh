#!/usr/bin/env bash
# Builds the Python binding into the repository's .venv and runs its checks: pytest, the stubs
# against the compiled module (mypy.stubtest), the example under mypy --strict.
# On a fresh machine it creates .venv and installs bindings/python/requirements-dev.txt;
# on a warm one both are skipped and maturin rebuilds only what changed.
# Run from anywhere: bindings/python/test.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
step() { printf '\n==> python: %s\n' "$*"; }

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  step "create .venv with $("$python" --version)"
  "$python" -m venv .venv
fi
export VIRTUAL_ENV=$root/.venv
export PATH=$VIRTUAL_ENV/bin:$PATH

req=bindings/python/requirements-dev.txt
stamp=.venv/.famplan-requirements
if ! cmp -s "$req" "$stamp"; then
  step "install $req"
  pip install -q --disable-pip-version-check -r "$req"
  cp "$req" "$stamp"
fi

step "build (maturin develop)"
# A debug build: the tests use small data, and it compiles in a fraction of a release build's
# time (CI's budget). bench/bench.py installs a release build before it times anything.
(cd bindings/python && maturin develop --locked -q)

step "pytest"
# famplan.spark's test reads a city written by famplan-synth (built here if missing; -rs prints
# why a test was skipped: the Spark test is skipped only when Java is absent).
cargo build -q --locked -p famplan-synth
pytest -q -rs -p no:cacheprovider bindings/python/tests

step "stubs (mypy.stubtest) and the example under mypy --strict"
export MYPY_CACHE_DIR=$root/target/mypy-cache
(cd "$root/target" && python -m mypy.stubtest famplan)
mypy --strict --no-error-summary examples/python/analysis.py
