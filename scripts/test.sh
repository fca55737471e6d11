#!/usr/bin/env bash
# Every test of the project, as a newcomer (and CI) runs it on a fresh machine of this kind.
# It installs what it needs itself. Run from anywhere: ./scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain components"
if command -v rustup >/dev/null; then
  rustup component add rustfmt clippy >/dev/null 2>&1 || true
fi

step "format"
cargo fmt --all -- --check

step "lint"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "tests (unit, integration, doc) of the default members"
cargo test --locked

step "benchmarks run once as tests (no timing)"
cargo bench --locked --bench famplan -- --test
cargo bench --locked -p famplan-store --bench store -- --test

step "examples build"
cargo build --locked --examples

step "python"
bindings/python/test.sh

step "mobile (uniffi: Kotlin, Python; Swift generated)"
bindings/uniffi/test.sh
